"""The staff ticket page: header, SLA figures, one timeline from events, and one POST per action."""

import re
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.tickets import services
from helpdesk.tickets.models import EventKind, Message, Priority, Status, Tag, Team, Ticket, TicketEvent
from tests.conftest import REZA, make_order
from tests.helpdesk.permissions import sign_in_customer

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
# Session, user, permissions with the roles (one query), ticket + tags, timeline (the merged duplicates
# named in a subquery) + attachments, orders + earlier tickets, agents with teams, macros, the
# customer's latest survey answers.
DETAIL_QUERIES = 12


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def url(ticket, action=""):
    return f"/en/staff/tickets/{ticket.pk}/" + (f"{action}/" if action else "")


def detail(client, ticket, **params) -> str:
    response = client.get(url(ticket), params)
    assert response.status_code == 200
    return response.content.decode()


def kinds(ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def ticket(customer_reza):
    with at(MONDAY_10):
        return services.ticket_create(
            customer=customer_reza, subject="سفارش من کجاست؟", body="سفارش **ORD-REZA-1** هنوز نرسیده است."
        )


@pytest.fixture
def sara(client, agent_sara):
    client.force_login(agent_sara)
    return client


def test_the_page_shows_the_header_the_conversation_and_the_customer_panel(sara, ticket, customer_reza):
    earlier = services.ticket_create(customer=customer_reza, subject="An earlier question", body="Hello")

    html = detail(sara, ticket)

    assert f'<h1><bdi lang="fa">سفارش من کجاست؟</bdi> <span class="ltr ticket-number">#{ticket.pk}</span></h1>' in html
    assert '<div class="message-body" lang="fa" dir="auto"><p>سفارش <strong>ORD-REZA-1</strong>' in html
    assert "<bdi>رضا محمدی</bdi> opened the ticket" in html
    assert '<bdi class="ltr">ORD-REZA-1</bdi>' in html  # the customer's order in the side panel
    assert f'href="/en/staff/tickets/{earlier.pk}/"' in html
    assert "An earlier question" in html
    assert 'id="reply-body"' in html and f'action="/en/staff/tickets/{ticket.pk}/reply/"' in html


def test_in_persian_the_page_is_rtl_with_jalali_dates(sara, ticket):
    with at(MONDAY_10):
        html = sara.get(f"/fa/staff/tickets/{ticket.pk}/").content.decode()

    assert '<html lang="fa" dir="rtl">' in html
    assert "۲۵ آبان ۱۴۰۵" in html  # 16 November 2026


def test_an_english_ticket_in_a_persian_interface_keeps_its_own_language(sara, customer_emma):
    english = services.ticket_create(customer=customer_emma, subject="Broken kettle", body="It leaks.")

    html = sara.get(f"/fa/staff/tickets/{english.pk}/").content.decode()

    assert '<div class="message-body" lang="en" dir="auto"><p>It leaks.</p></div>' in html
    assert '<bdi lang="en">Broken kettle</bdi>' in html


def test_sla_figures_say_how_long_is_left_in_words(sara, ticket):
    with at(datetime(2026, 11, 17, 9, 0, tzinfo=UTC)):
        html = detail(sara, ticket)

    figures = re.search(r'<section class="side-section sla-figures".*?</section>', html, re.S).group(0)
    assert "First response" in figures and "Resolution" in figures
    assert 'class="sla sla-soon">Due in 1\xa0hour<' in figures


def test_sla_figures_after_the_first_reply_show_business_time_and_breaches(sara, ticket, agent_sara):
    with at(datetime(2026, 11, 17, 12, 0, tzinfo=UTC)):  # two hours after the first reply was due
        services.ticket_reply(ticket=ticket, body="It ships today.", by=agent_sara)
        html = detail(sara, ticket)

    figures = re.search(r'<section class="side-section sla-figures".*?</section>', html, re.S).group(0)
    assert 'class="sla sla-overdue">Breached<' in figures
    assert "10\xa0hours of business time" in figures


def test_a_pending_ticket_says_its_clock_is_paused(sara, ticket, agent_sara):
    services.ticket_reply(ticket=ticket, body="Which size?", by=agent_sara, status=Status.PENDING)

    html = detail(sara, ticket)

    assert "The SLA clock is paused while the ticket waits." in html


def test_a_reply_is_sent_and_shows_in_the_timeline(sara, ticket, agent_sara):
    response = sara.post(url(ticket, "reply"), {"body": "Your parcel left today.", "status": "pending"})

    assert response.status_code == 302 and response["Location"] == url(ticket)
    assert messages_of(response) == ["Reply sent."]
    assert kinds(ticket)[1:] == [EventKind.REPLIED, EventKind.STATUS, EventKind.ASSIGNED]
    html = detail(sara, ticket)
    assert "<bdi>Sara Ahmadi</bdi> replied" in html
    assert "<p>Your parcel left today.</p>" in html
    assert "<bdi>Sara Ahmadi</bdi> changed the status from New to Pending" in html
    assert "<bdi>Sara Ahmadi</bdi> assigned the ticket to <bdi>Sara Ahmadi</bdi>" in html


def test_a_reply_with_an_attachment_links_to_a_staff_download(sara, ticket):
    upload = SimpleUploadedFile("receipt.txt", b"paid in full", content_type="text/plain")

    sara.post(url(ticket, "reply"), {"body": "Here is your receipt.", "attachments": [upload]})

    attachment = Message.objects.get(ticket=ticket, body="Here is your receipt.").attachments.get()
    download = f"/en/staff/tickets/attachments/{attachment.public_id}/"
    assert f'href="{download}" download><bdi>receipt.txt</bdi>' in detail(sara, ticket)
    response = sara.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"paid in full"
    assert response["Content-Disposition"].startswith("attachment")


def test_an_unknown_attachment_is_not_found(sara):
    assert sara.get("/en/staff/tickets/attachments/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_an_internal_note_is_marked_as_such(sara, ticket):
    response = sara.post(url(ticket, "note"), {"body": "Courier says Tuesday."})

    assert messages_of(response) == ["Internal note added."]
    assert kinds(ticket)[-1] == EventKind.NOTE
    html = detail(sara, ticket)
    note = re.search(r'<li class="entry message author-agent note".*?</li>', html, re.S).group(0)
    assert '<strong class="note-label">Internal note</strong>' in note
    assert "Courier says Tuesday." in note


def test_an_empty_reply_is_refused_with_the_reason_and_status_400(sara, ticket):
    response = sara.post(url(ticket, "reply"), {"body": "   "})

    assert response.status_code == 400
    assert "Please write a message." in response.content.decode()
    assert kinds(ticket) == [EventKind.CREATED]


def test_a_refused_reply_keeps_what_the_agent_typed(sara, ticket, agent_sara):
    services.ticket_set_status(ticket=ticket, status=Status.CLOSED, by=agent_sara)

    response = sara.post(url(ticket, "reply"), {"body": "A long answer I do not want to lose"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "This ticket is closed. Please open a new one." in html
    assert ">A long answer I do not want to lose</textarea>" in html


def test_hostile_markup_in_a_reply_renders_inert(sara, ticket):
    body = (
        '<script>alert("x")</script> [click](javascript:alert(1)) <img src=x onerror="alert(2)"> '
        '<a href="javascript:alert(3)">link</a> <iframe src="https://evil.example"></iframe>'
    )
    sara.post(url(ticket, "reply"), {"body": body})

    html = detail(sara, ticket)
    conversation = re.search(r'<ol class="timeline">.*?</ol>', html, re.S).group(0)
    assert "<script" not in conversation
    assert not re.search(r"(href|src)=\"?\s*javascript:", conversation)
    assert "onerror" not in conversation
    assert "<iframe" not in conversation
    assert "&lt;script&gt;" in conversation or "alert(&quot;x&quot;)" not in conversation


def test_hostile_subject_and_customer_name_are_escaped(sara, customer_emma):
    customer_emma.name = '<img src=x onerror="alert(1)">'
    customer_emma.save()
    hostile = services.ticket_create(customer=customer_emma, subject='Price < 5 & "quoted" > 3', body="hi")

    html = detail(sara, hostile)

    assert "Price &lt; 5 &amp; &quot;quoted&quot; &gt; 3" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


@pytest.mark.parametrize(
    ("assignee", "expected", "message"),
    [("me", "sara", "Assigned to Sara Ahmadi."), ("OMAR", "omar", "Assigned to Omar Haddad.")],
)
def test_assign(sara, ticket, agent_sara, agent_omar, assignee, expected, message):
    people = {"sara": agent_sara, "omar": agent_omar}

    response = sara.post(url(ticket, "assign"), {"assignee": str(agent_omar.pk) if assignee == "OMAR" else assignee})

    assert messages_of(response) == [message]
    assert Ticket.objects.get(pk=ticket.pk).assignee == people[expected]
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ASSIGNED)
    assert event.actor_user == agent_sara and event.data["to_id"] == people[expected].pk
    assert f"assigned the ticket to <bdi>{people[expected].get_full_name()}</bdi>" in detail(sara, ticket)


def test_unassign(sara, ticket, agent_sara):
    services.ticket_assign(ticket=ticket, assignee=agent_sara, by=agent_sara)

    response = sara.post(url(ticket, "assign"), {"assignee": "none"})

    assert messages_of(response) == ["The ticket is unassigned."]
    assert "<bdi>Sara Ahmadi</bdi> unassigned the ticket" in detail(sara, ticket)


def test_assigning_to_someone_who_is_not_an_agent_is_refused(sara, ticket, django_user_model):
    shopper = django_user_model.objects.create_user("shopper@example.com", "a long password 123")

    response = sara.post(url(ticket, "assign"), {"assignee": str(shopper.pk)})

    assert response.status_code == 400
    assert "Choose one of the agents in the list." in response.content.decode()


def test_status(sara, ticket):
    response = sara.post(url(ticket, "status"), {"status": "solved"})

    assert messages_of(response) == ["Status set to Solved."]
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.STATUS)
    assert event.data == {"from": "new", "to": "solved"}
    assert "changed the status from New to Solved" in detail(sara, ticket)


def test_status_new_cannot_be_chosen(sara, ticket):
    response = sara.post(url(ticket, "status"), {"status": "new"})

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()


def test_priority(sara, ticket):
    sara.post(url(ticket, "priority"), {"priority": "urgent"})

    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.URGENT
    assert "changed the priority from Normal to Urgent" in detail(sara, ticket)


def test_tags_are_added_and_removed(sara, ticket, agent_sara):
    services.ticket_tag(ticket=ticket, by=agent_sara, add=["shipping"])

    sara.post(url(ticket, "tags"), {"add": "Late delivery, تاخیر", "remove": ["shipping"]})

    assert sorted(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True)) == ["late-delivery", "تاخیر"]
    html = detail(sara, ticket)
    assert "added the tags <bdi>late-delivery</bdi>, <bdi>تاخیر</bdi> and removed <bdi>shipping</bdi>" in html


def test_a_tag_that_is_not_a_slug_is_refused(sara, ticket):
    response = sara.post(url(ticket, "tags"), {"add": "<script>"})

    assert response.status_code == 400
    assert "cannot be a tag" in response.content.decode()
    assert not Tag.objects.exists()


def test_team(sara, ticket):
    billing = Team.objects.create(name="Billing")

    sara.post(url(ticket, "team"), {"team": billing.pk})

    assert Ticket.objects.get(pk=ticket.pk).team == billing
    assert "moved the ticket to the team <bdi>Billing</bdi>" in detail(sara, ticket)


def test_link_and_unlink_an_order(sara, ticket):
    make_order("ORD-REZA-2", REZA)

    sara.post(url(ticket, "order"), {"order": "ORD-REZA-2"})
    assert Ticket.objects.get(pk=ticket.pk).order.external_id == "ORD-REZA-2"
    response = sara.post(url(ticket, "order"), {"order": ""})

    assert messages_of(response)[-1] == "Order unlinked."
    html = detail(sara, ticket)
    assert 'linked the order <bdi class="ltr">ORD-REZA-2</bdi>' in html
    assert "unlinked the order" in html


def test_an_order_of_another_customer_cannot_be_linked(sara, ticket, customer_emma):
    response = sara.post(url(ticket, "order"), {"order": "ORD-EMMA-1"})

    assert response.status_code == 400
    assert "That order does not belong to this customer." in response.content.decode()


def test_merge_moves_to_the_target_and_both_timelines_say_so(sara, ticket, customer_reza):
    duplicate = services.ticket_create(customer=customer_reza, subject="Same question again", body="Any news?")

    persian_number = f"#{ticket.pk}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    response = sara.post(url(duplicate, "merge"), {"target": persian_number})

    assert response.status_code == 302 and response["Location"] == url(ticket)
    assert Ticket.objects.get(pk=duplicate.pk).merged_into_id == ticket.pk
    merged_in = detail(sara, ticket)
    assert f'merged <a href="/en/staff/tickets/{duplicate.pk}/"><span class="ltr">#{duplicate.pk}</span>' in merged_in
    assert "<p>Any news?</p>" in merged_in  # the duplicate's message moved here
    assert f'This ticket was merged into <a href="/en/staff/tickets/{ticket.pk}/">#{ticket.pk}</a>' in detail(
        sara, duplicate
    )


@pytest.mark.parametrize(
    ("target", "error"),
    [("999999", "There is no ticket with that number."), ("SELF", "A ticket cannot be merged into itself.")],
)
def test_merge_refusals(sara, ticket, target, error):
    response = sara.post(url(ticket, "merge"), {"target": str(ticket.pk) if target == "SELF" else target})

    assert response.status_code == 400
    assert error in response.content.decode()


def test_the_timeline_fragment_is_only_the_timeline(sara, ticket):
    html = detail(sara, ticket, fragment="timeline")

    assert html.lstrip().startswith('<ol class="timeline">')
    assert "<html" not in html


def test_presence_and_activity_regions_are_announced(sara, ticket):
    html = detail(sara, ticket)

    assert '<p id="presence" class="presence" role="status" aria-live="polite"></p>' in html
    assert '"page": "ticket"' in html and f'"ticket": {ticket.pk}' in html


def queries_for(client, ticket) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url(ticket)).status_code == 200
    return len(context)


def test_the_page_costs_the_same_few_queries_however_long_the_thread(sara, ticket, agent_sara, customer_reza):
    Team.objects.create(name="Billing")
    short = services.ticket_create(customer=customer_reza, subject="Short", body="Hi")
    for n in range(12):
        services.ticket_reply(ticket=ticket, body=f"Reply {n}", by=agent_sara)
        services.ticket_add_note(
            ticket=ticket,
            body=f"Note {n}",
            by=agent_sara,
            attachments=[SimpleUploadedFile(f"n{n}.txt", b"x", content_type="text/plain")],
        )
        services.ticket_reply(ticket=ticket, body=f"Customer {n}", by=customer_reza)
        services.ticket_tag(ticket=ticket, by=agent_sara, add=[f"t{n}"])
    detail(sara, short)  # the session row is written once, on the first request

    assert queries_for(sara, short) == queries_for(sara, ticket) == DETAIL_QUERIES
    assert detail(sara, ticket).count('class="entry message') == 1 + 36


def test_staff_only(client, ticket, customer_reza, django_user_model):
    assert client.get(url(ticket))["Location"].startswith("/en/staff/sign-in/")
    sign_in_customer(client, customer_reza)
    assert client.get(url(ticket))["Location"].startswith("/en/staff/sign-in/")
    shopper = django_user_model.objects.create_user("shopper@example.com", "a long password 123")
    client.force_login(shopper)
    assert client.get(url(ticket)).status_code == 403
    assert client.post(url(ticket, "reply"), {"body": "hi"}).status_code == 403
    assert client.get(url(ticket, "reply")).status_code == 405


def test_an_unknown_ticket_is_not_found(sara):
    assert sara.get("/en/staff/tickets/999999/").status_code == 404
    assert sara.post("/en/staff/tickets/999999/reply/", {"body": "hi"}).status_code == 404
