"""Macros: placeholders filled safely, text per language, and one step that replies and changes the ticket."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk.tickets import services
from helpdesk.tickets.errors import TicketError, TicketErrorCode
from helpdesk.tickets.macros import macro_render, macro_text_for, placeholders_fill, ticket_apply_macro
from helpdesk.tickets.models import EventKind, Macro, MacroText, Message, Status, Tag, Ticket, TicketEvent
from tests.conftest import REZA, make_order

pytestmark = pytest.mark.django_db

VALUES = {"first_name": "Emma", "order_number": "ORD-1"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi {first_name}, order {order_number}.", "Hi Emma, order ORD-1."),
        ("Hi {unknown}!", "Hi {unknown}!"),
        ("{customer.__class__}", "{customer.__class__}"),
        ("{first_name.__class__.__mro__}", "{first_name.__class__.__mro__}"),
        ("{first_name[0]}", "{first_name[0]}"),
        ("{first_name!r}", "{first_name!r}"),
        ("{first_name:>999999999}", "{first_name:>999999999}"),
        ("{0} {}", "{0} {}"),
        ("a { b", "a { b"),
        ("a } b", "a } b"),
        ("{{first_name}}", "{first_name}"),
        ("", ""),
    ],
)
def test_placeholders_fill_only_known_names_and_leave_everything_else_as_typed(text, expected):
    assert placeholders_fill(text, VALUES) == expected


@given(st.text(max_size=200))
def test_placeholders_fill_never_fails_and_never_reaches_into_objects(text):
    result = placeholders_fill(text, VALUES)

    assert isinstance(result, str)
    assert "<class" not in result or "<class" in text


@pytest.fixture
def macro(db):
    macro = Macro.objects.create(name="Shipped", set_status=Status.PENDING, set_priority="high")
    macro.add_tags.add(Tag.objects.create(name="shipping"))
    MacroText.objects.create(
        macro=macro, locale="en", body="Hi {first_name}, order {order_number} is on its way. {agent_name}"
    )
    MacroText.objects.create(
        macro=macro, locale="fa", body="سلام {first_name}، سفارش {order_number} ارسال شد. {agent_name}"
    )
    return macro


@pytest.fixture
def reza_ticket(customer_reza):
    order = make_order("ORD-REZA-7", REZA)
    return services.ticket_create(customer=customer_reza, subject="سفارش", body="کجاست؟", order=order)


def test_the_text_follows_the_tickets_language(macro, reza_ticket, customer_emma, agent_sara):
    emma_ticket = services.ticket_create(customer=customer_emma, subject="Order?", body="Where?")

    assert macro_render(macro=macro, ticket=reza_ticket, agent=agent_sara) == (
        "سلام رضا، سفارش ORD-REZA-7 ارسال شد. Sara Ahmadi"
    )
    assert macro_render(macro=macro, ticket=emma_ticket, agent=agent_sara) == (
        "Hi Emma, order  is on its way. Sara Ahmadi"
    )


def test_the_text_falls_back_to_english_then_to_any_language(macro):
    assert macro_text_for(macro, "ar").locale == "en"
    macro.texts.filter(locale="en").delete()
    assert macro_text_for(macro, "ar").locale == "fa"
    macro.texts.all().delete()
    assert macro_text_for(macro, "ar") is None


def test_applying_a_macro_replies_and_sets_status_priority_and_tags(macro, reza_ticket, agent_sara):
    message = ticket_apply_macro(ticket=reza_ticket, macro=macro, by=agent_sara)

    ticket = Ticket.objects.get(pk=reza_ticket.pk)
    assert message.body == "سلام رضا، سفارش ORD-REZA-7 ارسال شد. Sara Ahmadi" and message.public
    assert (ticket.status, ticket.priority) == (Status.PENDING, "high")
    assert list(ticket.tags.values_list("name", flat=True)) == ["shipping"]
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == [
        EventKind.CREATED,
        EventKind.REPLIED,
        EventKind.STATUS,
        EventKind.ASSIGNED,
        EventKind.PRIORITY,
        EventKind.TAGS,
        EventKind.MACRO,
    ]
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.MACRO)
    assert (event.actor_user, event.message, event.data["macro"]) == (agent_sara, message, "Shipped")


def test_the_agents_edit_replaces_the_macro_text(macro, reza_ticket, agent_sara):
    message = ticket_apply_macro(ticket=reza_ticket, macro=macro, by=agent_sara, body_override="Edited text")

    assert message.body == "Edited text"


def test_a_macro_without_text_only_changes_the_ticket(reza_ticket, agent_sara):
    escalate = Macro.objects.create(name="Escalate", set_priority="urgent", set_status=Status.OPEN)

    assert ticket_apply_macro(ticket=reza_ticket, macro=escalate, by=agent_sara) is None

    ticket = Ticket.objects.get(pk=reza_ticket.pk)
    assert (ticket.status, ticket.priority) == (Status.OPEN, "urgent")
    assert not Message.objects.filter(ticket=ticket, author_kind="agent").exists()


def test_a_customer_cannot_apply_a_macro(macro, reza_ticket, customer_reza):
    with pytest.raises(TicketError) as refused:
        ticket_apply_macro(ticket=reza_ticket, macro=macro, by=customer_reza)

    assert refused.value.code == TicketErrorCode.NOT_STAFF


def test_a_switched_off_macro_is_refused_by_the_service(macro, reza_ticket, agent_sara):
    macro.active = False
    macro.save(update_fields=["active"])
    with pytest.raises(TicketError) as refused:
        ticket_apply_macro(ticket=reza_ticket, macro=macro, by=agent_sara)
    assert refused.value.code == TicketErrorCode.MACRO_INACTIVE
    assert not reza_ticket.messages.filter(author_kind="agent").exists()


def test_a_refused_step_undoes_the_whole_macro(macro, reza_ticket, agent_sara):
    services.ticket_set_status(ticket=reza_ticket, status=Status.CLOSED, by=agent_sara)
    before = TicketEvent.objects.count()

    with pytest.raises(TicketError):
        ticket_apply_macro(ticket=reza_ticket, macro=macro, by=agent_sara)

    assert TicketEvent.objects.count() == before
    assert Ticket.objects.get(pk=reza_ticket.pk).priority == "normal"


def preview(client, macro, ticket):
    return client.get(f"/en/staff/tickets/macros/{macro.pk}/preview/", {"ticket": ticket.pk})


def test_preview_fills_the_placeholders_for_the_ticket(client, agent_sara, macro, reza_ticket):
    client.force_login(agent_sara)

    response = preview(client, macro, reza_ticket)

    assert response.status_code == 200
    assert json.loads(response.content) == {"body": "سلام رضا، سفارش ORD-REZA-7 ارسال شد. Sara Ahmadi"}


def test_preview_refuses_attribute_lookups(client, agent_sara, macro, reza_ticket):
    macro.texts.filter(locale="fa").update(
        body="{customer.__class__} {first_name.__init__.__globals__} {ticket_number}"
    )
    client.force_login(agent_sara)

    body = json.loads(preview(client, macro, reza_ticket).content)["body"]

    assert body == f"{{customer.__class__}} {{first_name.__init__.__globals__}} {reza_ticket.pk}"


def test_preview_of_an_inactive_macro_or_unknown_ticket_is_not_found(client, agent_sara, macro, reza_ticket):
    client.force_login(agent_sara)
    url = f"/en/staff/tickets/macros/{macro.pk}/preview/"

    assert client.get(url, {"ticket": "999999"}).status_code == 404
    assert client.get(url, {"ticket": "abc"}).status_code == 404
    assert client.get(url).status_code == 404
    macro.active = False
    macro.save()
    assert preview(client, macro, reza_ticket).status_code == 404


def test_preview_is_for_staff_only(client, macro, reza_ticket, django_user_model):
    assert preview(client, macro, reza_ticket)["Location"].startswith("/en/staff/sign-in/")
    client.force_login(django_user_model.objects.create_user("shopper@example.com", "a long password 123"))
    assert preview(client, macro, reza_ticket).status_code == 403


def test_the_macro_endpoint_applies_it_and_the_timeline_says_so(client, agent_sara, macro, reza_ticket):
    client.force_login(agent_sara)

    response = client.post(f"/en/staff/tickets/{reza_ticket.pk}/macro/", {"macro": macro.pk, "body": ""})

    assert response.status_code == 302
    html = client.get(f"/en/staff/tickets/{reza_ticket.pk}/").content.decode()
    assert "<bdi>Sara Ahmadi</bdi> applied the macro <bdi>Shipped</bdi>" in html
    assert "سلام رضا، سفارش ORD-REZA-7 ارسال شد." in html
    assert f'<option value="{macro.pk}" data-preview="/en/staff/tickets/macros/{macro.pk}/preview/?ticket=' in html


def test_the_macro_endpoint_refuses_an_inactive_macro(client, agent_sara, macro, reza_ticket):
    macro.active = False
    macro.save()
    client.force_login(agent_sara)

    response = client.post(f"/en/staff/tickets/{reza_ticket.pk}/macro/", {"macro": macro.pk})

    assert response.status_code == 400
    assert "Choose one of the macros in the list." in response.content.decode()
    assert not TicketEvent.objects.filter(kind=EventKind.MACRO).exists()
