"""The agent inbox: views with counts, filters, search, pages, bulk changes and live fragments."""

import json
import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.messages import get_messages

from helpdesk.tickets import services
from helpdesk.tickets.models import EventKind, Priority, Status, Team, Ticket, TicketEvent
from tests.helpdesk.permissions import sign_in_customer

pytestmark = pytest.mark.django_db

INBOX = "/en/staff/tickets/"
# Monday 2026-11-16 10:00 UTC: inside the default calendar's hours (Mon–Fri 09:00–17:00 UTC).
MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def open_ticket(customer, subject="Where is my order?", body="It has not arrived.", **kwargs):
    return services.ticket_create(customer=customer, subject=subject, body=body, **kwargs)


def view_counts(html: str) -> dict[str, int]:
    return {view: int(count) for view, count in re.findall(r'href="\?view=(\w+)"[^>]*>.*?class="count">(\d+)<', html)}


def page(client, **params) -> str:
    response = client.get(INBOX, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def desk(customer_emma, customer_reza, agent_sara, agent_omar):
    """Three tickets: one new and unassigned, one Sara's, one pending with Omar."""
    with at(MONDAY_10):
        new = open_ticket(customer_emma, subject="Refund for a broken kettle")
        mine = open_ticket(customer_reza, subject="سفارش من کجاست؟", body="هنوز نرسیده است")
        services.ticket_assign(ticket=mine, assignee=agent_sara, by=agent_sara)
        waiting = open_ticket(customer_emma, subject="Which size fits?")
        services.ticket_reply(ticket=waiting, body="Which size do you wear?", by=agent_omar, status=Status.PENDING)
    return {"new": new, "mine": mine, "waiting": waiting}


def test_mine_is_the_default_view_and_shows_only_my_tickets(client, agent_sara, desk):
    client.force_login(agent_sara)

    html = page(client)

    assert "سفارش من کجاست؟" in html
    assert "Refund for a broken kettle" not in html
    assert "Which size fits?" not in html
    assert 'aria-current="page"><span>Mine</span>' in html


def test_every_view_shows_its_count_on_the_side(client, agent_sara, desk):
    client.force_login(agent_sara)

    with at(MONDAY_10):
        counts = view_counts(page(client, view="open"))

    assert counts == {"mine": 1, "unassigned": 1, "due_soon": 0, "breached": 0, "pending": 1, "open": 3}


@pytest.mark.parametrize(
    ("view", "shown", "hidden"),
    [
        ("unassigned", ["Refund for a broken kettle"], ["سفارش من کجاست؟", "Which size fits?"]),
        ("pending", ["Which size fits?"], ["Refund for a broken kettle", "سفارش من کجاست؟"]),
        ("open", ["Refund for a broken kettle", "سفارش من کجاست؟", "Which size fits?"], []),
    ],
)
def test_each_view_lists_its_tickets(client, agent_sara, desk, view, shown, hidden):
    client.force_login(agent_sara)

    html = page(client, view=view)

    assert all(subject in html for subject in shown)
    assert not any(subject in html for subject in hidden)


def test_a_row_shows_customer_subject_snippet_sla_and_assignee(client, agent_sara, desk):
    client.force_login(agent_sara)

    with at(MONDAY_10):
        html = page(client, view="open")

    row = re.search(rf'data-ticket="{desk["mine"].pk}".*?</li>', html, re.S).group(0)
    assert "<bdi>رضا محمدی</bdi>" in row
    assert f'href="/en/staff/tickets/{desk["mine"].pk}/"' in row
    assert 'lang="fa" dir="auto">هنوز نرسیده است' in row
    assert 'class="sla sla-ok">Due in 1\xa0day<' in row
    assert "<bdi>Sara Ahmadi</bdi>" in row


def test_the_list_is_sorted_by_the_nearest_due_time_with_overdue_badges(client, agent_sara, customer_emma):
    with at(MONDAY_10):
        later = open_ticket(customer_emma, subject="Low priority question", priority=Priority.LOW)
        sooner = open_ticket(customer_emma, subject="Urgent: charged twice", priority=Priority.URGENT)
    client.force_login(agent_sara)

    with at(datetime(2026, 11, 20, 10, 0, tzinfo=UTC)):  # Friday: both first replies are late
        html = page(client, view="breached")

    assert html.index("Urgent: charged twice") < html.index("Low priority question")
    assert re.search(r'class="sla sla-overdue">Overdue by \d', html)
    assert {later.pk, sooner.pk} == {int(pk) for pk in re.findall(r'data-ticket="(\d+)"', html)}


def test_due_within_the_hour_view(client, agent_sara, customer_emma):
    with at(MONDAY_10):
        ticket = open_ticket(customer_emma)
    client.force_login(agent_sara)
    due = Ticket.objects.get(pk=ticket.pk).sla_due_at

    with at(due - timedelta(minutes=40)):
        html = page(client, view="due_soon")

    assert "Where is my order?" in html
    assert 'class="sla sla-soon">Due in 40\xa0minutes<' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"priority": "urgent"}, {"Urgent: charged twice"}),
        ({"status": "pending"}, {"Which size fits?"}),
        ({"locale": "fa"}, {"سفارش من کجاست؟"}),
        ({"channel": "email"}, {"Sent by email"}),
        ({"tag": "refund"}, {"Refund for a broken kettle"}),
        ({"assignee": "none"}, {"Refund for a broken kettle", "Urgent: charged twice", "Sent by email"}),
        ({"team": "TEAM"}, {"Urgent: charged twice"}),
        ({"assignee": "SARA", "locale": "fa"}, {"سفارش من کجاست؟"}),
    ],
)
def test_filters_narrow_the_list(client, agent_sara, desk, customer_emma, params, expected):
    billing = Team.objects.create(name="Billing")
    with at(MONDAY_10):
        urgent = open_ticket(customer_emma, subject="Urgent: charged twice", priority=Priority.URGENT)
        services.ticket_set_team(ticket=urgent, team=billing, by=agent_sara)
        open_ticket(customer_emma, subject="Sent by email", channel="email")
        services.ticket_tag(ticket=desk["new"], by=agent_sara, add=["refund"])
    params = {
        key: {"TEAM": str(billing.pk), "SARA": str(agent_sara.pk)}.get(value, value) for key, value in params.items()
    }
    client.force_login(agent_sara)

    html = page(client, view="open", **params)

    assert subjects(html) == expected


@pytest.mark.parametrize("common_from", [0, 1, 100])
@pytest.mark.parametrize("extra", [{}, {"priority": "urgent"}])
def test_a_tag_filter_finds_the_same_tickets_however_common_the_tag(
    client, agent_sara, customer_emma, monkeypatch, common_from, extra
):
    """A common tag alone walks the due order (EXISTS); with another filter, or rare, it is joined."""
    from helpdesk.tickets import selectors

    monkeypatch.setattr(selectors, "COMMON_TAG", common_from)
    with at(MONDAY_10):
        for n, priority in enumerate([Priority.URGENT, Priority.NORMAL, Priority.URGENT, Priority.LOW]):
            ticket = open_ticket(customer_emma, subject=f"Tagged {n}", priority=priority)
            services.ticket_tag(ticket=ticket, by=agent_sara, add=["late"])
        open_ticket(customer_emma, subject="Not tagged", priority=Priority.URGENT)
    client.force_login(agent_sara)

    html = page(client, view="open", tag="late", **extra)

    expected = {"Tagged 0", "Tagged 2"} if extra else {"Tagged 0", "Tagged 1", "Tagged 2", "Tagged 3"}
    assert subjects(html) == expected
    assert subjects(page(client, view="open", tag="nobody-has-this", **extra)) == set()


def subjects(html: str) -> set[str]:
    return set(re.findall(r'class="ticket-link"[^>]*><bdi lang="\w+">(.*?)</bdi>', html))


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"priority": "<script>"},
        {"assignee": "abc"},
        {"team": "1 OR 1=1"},
        {"locale": "xx"},
        {"channel": "fax"},
        {"view": "everything"},
        {"after": "not-a-cursor"},
        {"tag": "a b c" * 40},
        {"q": "x" * 5000},
    ],
)
def test_invalid_filter_values_never_break_the_page(client, agent_sara, desk, params):
    client.force_login(agent_sara)

    response = client.get(INBOX, {"view": "open", **params})

    assert response.status_code == 200


def test_an_invalid_filter_is_reported_and_left_out(client, agent_sara, desk):
    client.force_login(agent_sara)

    html = page(client, view="open", status="bogus", locale="fa")

    assert "Select a valid choice" in html
    assert subjects(html) == {"سفارش من کجاست؟"}


@pytest.mark.parametrize("query", ["كجاست", "سفارش", "نرسيده", "kettle", "REFUND"])
def test_search_finds_subjects_and_messages_with_arabic_letters_for_persian_ones(client, agent_sara, desk, query):
    client.force_login(agent_sara)

    found = subjects(page(client, view="open", q=query))

    assert len(found) == 1


def test_search_matches_a_persian_word_typed_with_arabic_yeh_and_kaf_and_without_zwnj(
    client, agent_sara, customer_reza
):
    with at(MONDAY_10):
        open_ticket(customer_reza, subject="کتاب‌هایم هنوز نرسیده", body="لطفاً پیگیری کنید")
        open_ticket(customer_reza, subject="سؤال درباره‌ی فاکتور", body="فاکتور را می‌خواهم")
    client.force_login(agent_sara)

    assert subjects(page(client, view="open", q="كتابهايم")) == {"کتاب‌هایم هنوز نرسیده"}
    assert subjects(page(client, view="open", q="پيگيري")) == {"کتاب‌هایم هنوز نرسیده"}
    assert subjects(page(client, view="open", q="no such words")) == set()


def test_search_by_ticket_number(client, agent_sara, desk):
    client.force_login(agent_sara)

    assert subjects(page(client, view="open", q=f"#{desk['waiting'].pk}")) == {"Which size fits?"}


def test_pages_follow_a_cursor_without_repeating_or_skipping(client, agent_sara, customer_emma):
    with at(MONDAY_10):
        created = {open_ticket(customer_emma, subject=f"Question {n:02d}").pk for n in range(27)}
    client.force_login(agent_sara)

    first = page(client, view="open")
    next_link = re.search(r'href="\?([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(f"{INBOX}?{next_link}").content.decode()

    first_ids = {int(pk) for pk in re.findall(r'data-ticket="(\d+)"', first)}
    second_ids = {int(pk) for pk in re.findall(r'data-ticket="(\d+)"', second)}
    assert len(first_ids) == 25 and len(second_ids) == 2
    assert first_ids | second_ids == created
    assert 'rel="next"' not in second
    assert "First page" in second


def test_the_cursor_walks_ties_and_distinct_due_times_in_order(agent_sara, customer_emma):
    from helpdesk.tickets.selectors import InboxView, tickets_for_agent

    with at(MONDAY_10):
        tickets = [open_ticket(customer_emma, subject=f"Question {n:02d}") for n in range(60)]
    for n, ticket in enumerate(tickets):  # ties within three due times, ids out of step with them
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=MONDAY_10 + timedelta(hours=(n * 7) % 3))
    expected = list(
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by("sla_due_at", "pk").values_list("pk", flat=True)
    )

    seen, cursor = [], ""
    while True:
        page_ = tickets_for_agent(agent=agent_sara, view=InboxView.OPEN, cursor=cursor, now=MONDAY_10)
        seen += [ticket.pk for ticket in page_.tickets]
        if not (cursor := page_.next_cursor):
            break

    assert seen == expected


def test_the_first_page_costs_at_most_ten_queries_however_many_tickets(
    client, agent_sara, customer_emma, django_assert_max_num_queries
):
    Team.objects.create(name="Billing")
    with at(MONDAY_10):
        for n in range(30):
            ticket = open_ticket(customer_emma, subject=f"Question {n}")
            services.ticket_tag(ticket=ticket, by=agent_sara, add=["late", f"batch-{n % 3}"])
            services.ticket_assign(ticket=ticket, assignee=agent_sara, by=agent_sara)
    client.force_login(agent_sara)
    client.get(INBOX)  # the session row is written once, on the first request

    with django_assert_max_num_queries(10):
        html = page(client, view="mine", priority="normal")
    with django_assert_max_num_queries(10):
        page(client, view="open", fragment="list")

    assert len(re.findall(r'class="ticket-row"', html)) == 25


def test_the_list_fragment_is_only_the_views_and_the_list(client, agent_sara, desk):
    client.force_login(agent_sara)

    html = page(client, view="open", fragment="list")

    assert html.lstrip().startswith('<nav class="inbox-views" id="inbox-views"')
    assert 'id="inbox-list"' in html
    assert "<html" not in html and "bulk-form" in html  # the checkboxes still belong to the page's bulk form


def test_the_page_loads_the_live_script_and_its_settings(client, agent_sara, desk):
    client.force_login(agent_sara)

    html = page(client)

    assert 'src="/static/js/inbox.js"' in html
    assert '<script id="inbox-live" type="application/json">' in html
    assert '"socket": "/ws/staff/"' in html
    assert '<dialog id="shortcut-sheet"' in html


def test_the_page_gives_the_script_the_words_for_sla_alerts_in_the_agents_language(client, agent_sara, desk):
    client.force_login(agent_sara)

    html = client.get("/fa/staff/tickets/").content.decode()
    live = json.loads(re.search(r'<script id="inbox-live" type="application/json">(.*?)</script>', html, re.S).group(1))

    assert live["ticketUrl"] == "/fa/staff/tickets/0/"
    assert "%(number)s" in live["strings"]["slaBreach"] and "SLA" in live["strings"]["slaBreach"]
    assert live["strings"]["slaBreach"] != "SLA breached on #%(number)s: %(subject)s"  # translated
    assert '<div id="sla-alerts" class="sla-alerts" role="alert">' in html


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_bulk_assign_to_me_writes_an_event_per_ticket(client, agent_omar, desk):
    client.force_login(agent_omar)
    ids = [desk["new"].pk, desk["mine"].pk]

    response = client.post(
        f"{INBOX}bulk/", {"tickets": ids, "action": "assign", "assignee": "me", "next": f"{INBOX}?view=open"}
    )

    assert response.status_code == 302 and response["Location"] == f"{INBOX}?view=open"
    assert messages_of(response) == ["2 tickets updated."]
    assert set(Ticket.objects.filter(pk__in=ids).values_list("assignee", flat=True)) == {agent_omar.pk}
    events = TicketEvent.objects.filter(ticket__in=ids, kind=EventKind.ASSIGNED, actor_user=agent_omar)
    assert events.count() == 2


def test_bulk_status_and_tag(client, agent_sara, desk):
    client.force_login(agent_sara)
    ids = [desk["new"].pk, desk["waiting"].pk]

    client.post(f"{INBOX}bulk/", {"tickets": ids, "action": "status", "status": "solved"})
    client.post(f"{INBOX}bulk/", {"tickets": ids, "action": "tag", "tag": "Late delivery, refund"})

    for ticket in Ticket.objects.filter(pk__in=ids):
        assert ticket.status == Status.SOLVED
        assert sorted(ticket.tags.values_list("name", flat=True)) == ["late-delivery", "refund"]
    assert TicketEvent.objects.filter(ticket__in=ids, kind=EventKind.STATUS, data__to="solved").count() == 2
    assert TicketEvent.objects.filter(ticket__in=ids, kind=EventKind.TAGS).count() == 2


def test_bulk_assign_to_another_agent_and_to_nobody(client, agent_sara, agent_omar, desk):
    client.force_login(agent_sara)

    client.post(f"{INBOX}bulk/", {"tickets": [desk["new"].pk], "action": "assign", "assignee": str(agent_omar.pk)})
    assert Ticket.objects.get(pk=desk["new"].pk).assignee == agent_omar
    client.post(f"{INBOX}bulk/", {"tickets": [desk["new"].pk], "action": "assign", "assignee": "none"})
    assert Ticket.objects.get(pk=desk["new"].pk).assignee is None


def test_bulk_changes_all_tickets_or_none(client, agent_sara, desk):
    services.ticket_set_status(ticket=desk["mine"], status=Status.CLOSED, by=agent_sara)
    client.force_login(agent_sara)
    before = TicketEvent.objects.count()

    response = client.post(
        f"{INBOX}bulk/", {"tickets": [desk["new"].pk, desk["mine"].pk], "action": "status", "status": "pending"}
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        f"Nothing was changed: ticket #{desk['mine'].pk}: This ticket is closed. Please open a new one."
    ]
    assert Ticket.objects.get(pk=desk["new"].pk).status == Status.NEW
    assert TicketEvent.objects.count() == before


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"action": "assign", "assignee": "me"}, "Select at least one ticket."),
        ({"tickets": ["x"], "action": "assign", "assignee": "me"}, "Select up to 100 tickets from the list."),
        ({"tickets": ["TICKET"], "action": "assign", "assignee": "99999"}, "Choose one of the agents in the list."),
        ({"tickets": ["TICKET"], "action": "status", "status": ""}, "Choose the status to set."),
        ({"tickets": ["TICKET"], "action": "tag", "tag": "<b>"}, "“<b>” cannot be a tag"),
        ({"tickets": ["TICKET"], "action": "explode"}, "Select a valid choice."),
    ],
)
def test_bulk_refuses_what_it_cannot_do_and_says_why(client, agent_sara, desk, data, error):
    client.force_login(agent_sara)
    data = {
        key: [str(desk["new"].pk) if v == "TICKET" else v for v in value] if isinstance(value, list) else value
        for key, value in data.items()
    }
    before = TicketEvent.objects.count()

    response = client.post(f"{INBOX}bulk/", data)

    assert response.status_code == 302
    assert any(error in message for message in messages_of(response))
    assert TicketEvent.objects.count() == before


def test_bulk_never_redirects_off_site(client, agent_sara, desk):
    client.force_login(agent_sara)

    response = client.post(
        f"{INBOX}bulk/", {"tickets": [desk["new"].pk], "action": "tag", "tag": "x", "next": "https://evil.example/"}
    )

    assert response["Location"] == INBOX


def test_the_inbox_is_for_staff_only(client, customer_emma, django_user_model):
    assert client.get(INBOX)["Location"].startswith("/en/staff/sign-in/")
    sign_in_customer(client, customer_emma)
    assert client.get(INBOX)["Location"].startswith("/en/staff/sign-in/")
    shopper = django_user_model.objects.create_user("shopper@example.com", "a long password 123")
    client.force_login(shopper)
    assert client.get(INBOX).status_code == 403
    assert client.post(f"{INBOX}bulk/", {"tickets": ["1"], "action": "tag", "tag": "x"}).status_code == 403
    assert client.get(f"{INBOX}bulk/").status_code == 405


def test_search_by_the_customers_email(client, agent_sara, desk):
    client.force_login(agent_sara)

    assert page(client, view="open", q="emma@example.com").count('class="ticket-row"') == 2


def test_counts_stop_at_the_cap_and_say_so(client, agent_sara, customer_emma, monkeypatch):
    from helpdesk.tickets import selectors
    from helpdesk.tickets.staff.inbox import _count_text

    for number in range(4):
        services.ticket_create(customer=customer_emma, subject=f"Question {number}", body="Hello")
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)

    counts = selectors.inbox_counts(agent=agent_sara)

    assert counts["open"] == 3 and counts["unassigned"] == 3 and counts["mine"] == 0
    assert _count_text(1001) == "1,000+" and _count_text(999) == "999"
