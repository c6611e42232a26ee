"""Django admin: managers set up macros, teams and tags; tickets are a read-only audit view for everyone."""

import pytest

from helpdesk.tickets import services
from helpdesk.tickets.models import Macro, MacroText, Tag, Team, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer_emma):
    return services.ticket_create(customer=customer_emma, subject="Broken kettle", body="It leaks.")


def test_a_manager_creates_a_macro_with_a_text_per_language(client, manager_lina):
    shipping = Tag.objects.create(name="shipping")
    client.force_login(manager_lina)

    response = client.post(
        "/admin/tickets/macro/add/",
        {
            "name": "Shipped",
            "set_status": "pending",
            "set_priority": "",
            "add_tags": [shipping.pk],
            "active": "on",
            "texts-TOTAL_FORMS": "2",
            "texts-INITIAL_FORMS": "0",
            "texts-0-locale": "en",
            "texts-0-body": "Hi {first_name}, it shipped.",
            "texts-1-locale": "fa",
            "texts-1-body": "سلام {first_name}، ارسال شد.",
        },
    )

    assert response.status_code == 302
    macro = Macro.objects.get(name="Shipped")
    assert sorted(MacroText.objects.filter(macro=macro).values_list("locale", flat=True)) == ["en", "fa"]
    assert list(macro.add_tags.all()) == [shipping]
    assert macro.history.latest().history_user == manager_lina


@pytest.mark.parametrize(("page", "add"), [("macro", 200), ("team", 200), ("tag", 403)])
def test_a_manager_opens_the_setup_pages(client, manager_lina, page, add):
    client.force_login(manager_lina)

    assert client.get(f"/admin/tickets/{page}/").status_code == 200
    assert client.get(f"/admin/tickets/{page}/add/").status_code == add  # tags are made by tagging tickets


def test_a_manager_adds_a_team(client, manager_lina, agent_sara):
    client.force_login(manager_lina)

    response = client.post("/admin/tickets/team/add/", {"name": "Billing", "members": [agent_sara.pk]})

    assert response.status_code == 302
    assert list(Team.objects.get(name="Billing").members.all()) == [agent_sara]


def test_an_agent_sees_macros_but_cannot_change_them(client, agent_sara):
    macro = Macro.objects.create(name="Thanks")
    client.force_login(agent_sara)

    assert client.get("/admin/tickets/macro/").status_code == 200
    assert client.get("/admin/tickets/macro/add/").status_code == 403
    assert client.post(f"/admin/tickets/macro/{macro.pk}/change/", {"name": "Changed"}).status_code == 403


@pytest.mark.parametrize("user", ["agent_sara", "manager_lina", "admin_user"])
def test_tickets_are_read_only_in_the_admin(client, ticket, request, user):
    client.force_login(request.getfixturevalue(user))

    listing = client.get("/admin/tickets/ticket/")
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/")

    assert listing.status_code == 200 and "Broken kettle" in listing.content.decode()
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert f'href="/en/staff/tickets/{ticket.pk}/"' in html
    assert client.get("/admin/tickets/ticket/add/").status_code == 403
    assert client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", {"subject": "Hacked"}).status_code == 403
    assert client.post(f"/admin/tickets/ticket/{ticket.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).subject == "Broken kettle"
    assert client.get(f"/admin/tickets/ticket/{ticket.pk}/history/").status_code == 200
