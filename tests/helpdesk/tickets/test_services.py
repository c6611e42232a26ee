"""Ticket write path: each change writes its event, refreshes SLA figures and tells others on commit."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.tickets import services
from helpdesk.tickets.errors import TicketError, TicketErrorCode
from helpdesk.tickets.models import NO_DUE, Attachment, EventKind, Message, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

# Monday 2026-11-16 10:00 UTC: inside the default calendar's hours (Mon–Fri 09:00–17:00 UTC).
MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def open_ticket(customer, **kwargs):
    kwargs.setdefault("subject", "Where is my order?")
    kwargs.setdefault("body", "It has not arrived.")
    return services.ticket_create(customer=customer, **kwargs)


def kinds(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))


def test_create_writes_ticket_message_event_and_sla_due(customer_reza, django_capture_on_commit_callbacks, mailoutbox):
    with at(MONDAY_10), django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(customer_reza, subject="سفارش\r\nBcc: x@evil.test")

    assert ticket.subject == "سفارش Bcc: x@evil.test"  # one line: no header injection downstream
    assert ticket.status == Status.NEW and ticket.locale == "fa"
    assert kinds(ticket) == [EventKind.CREATED]
    message = ticket.messages.get()
    assert message.author_kind == "customer" and message.public
    # Normal priority: first response within 480 business minutes = Monday 18:00? No: 10:00 + 7h = 17:00, +1h Tue 10:00.
    assert ticket.first_response_due_at == datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
    assert ticket.sla_due_at == ticket.first_response_due_at
    assert len(mailoutbox) == 1 and mailoutbox[0].subject == f"[#{ticket.pk}] سفارش Bcc: x@evil.test"
    assert "درخواست شمارهٔ" in mailoutbox[0].body  # in Reza's Persian
    assert mailoutbox[0].to == ["reza@example.com"]


def test_agent_reply_records_first_response_in_business_seconds(customer_emma, agent_sara):
    with at(MONDAY_10):
        ticket = open_ticket(customer_emma)
    with at(datetime(2026, 11, 16, 18, 30, tzinfo=UTC)):  # after hours: business time stopped at 17:00
        services.ticket_reply(ticket=ticket, body="We are on it.", by=agent_sara)
    ticket.refresh_from_db()

    assert ticket.status == Status.OPEN and ticket.assignee == agent_sara
    assert ticket.first_response_seconds == 8 * 3600 + 30 * 60
    assert ticket.first_response_business_seconds == 7 * 3600
    assert not ticket.first_response_breached
    assert kinds(ticket) == [EventKind.CREATED, EventKind.REPLIED, EventKind.STATUS, EventKind.ASSIGNED]


def test_pending_pauses_the_clock_and_customer_reply_reopens(customer_emma, agent_sara):
    with at(MONDAY_10):
        ticket = open_ticket(customer_emma)
    with at(datetime(2026, 11, 16, 11, 0, tzinfo=UTC)):
        services.ticket_reply(ticket=ticket, body="Which size?", by=agent_sara, status=Status.PENDING)
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING and ticket.sla_paused and ticket.sla_due_at == NO_DUE

    with at(datetime(2026, 11, 17, 9, 0, tzinfo=UTC)):
        services.ticket_reply(ticket=ticket, body="Size M please", by=customer_emma)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and not ticket.sla_paused
    assert ticket.next_response_due_at == datetime(2026, 11, 17, 17, 0, tzinfo=UTC)


def test_priority_change_recomputes_due(customer_emma, agent_sara):
    with at(MONDAY_10):
        ticket = open_ticket(customer_emma)
        services.ticket_set_priority(ticket=ticket, priority="urgent", by=agent_sara)
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == datetime(2026, 11, 16, 11, 0, tzinfo=UTC)
    assert kinds(ticket)[-1] == EventKind.PRIORITY


def test_solving_stops_resolution_and_emails_the_customer(
    customer_emma, agent_sara, mailoutbox, django_capture_on_commit_callbacks
):
    with at(MONDAY_10):
        ticket = open_ticket(customer_emma)
    with at(datetime(2026, 11, 16, 12, 0, tzinfo=UTC)), django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket=ticket, body="Refunded.", by=agent_sara, status=Status.SOLVED)
    ticket.refresh_from_db()

    assert ticket.status == Status.SOLVED and ticket.solved_at is not None
    assert ticket.resolution_business_seconds == 2 * 3600
    assert ticket.sla_due_at == NO_DUE
    bodies = [mail.body for mail in mailoutbox]
    assert any("now solved" in body for body in bodies) and any("We have replied" in body for body in bodies)
    assert all(mail.subject.endswith(ticket.subject) for mail in mailoutbox)  # one thread in the mail app


def test_customer_may_solve_but_not_reopen_by_status(customer_emma, customer_reza):
    ticket = open_ticket(customer_emma)
    with pytest.raises(TicketError) as refused:
        services.ticket_set_status(ticket=ticket, status=Status.OPEN, by=customer_emma)
    assert refused.value.code == TicketErrorCode.INVALID_STATUS
    with pytest.raises(TicketError):
        services.ticket_set_status(ticket=ticket, status=Status.SOLVED, by=customer_reza)
    services.ticket_set_status(ticket=ticket, status=Status.SOLVED, by=customer_emma)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED


def test_customer_cannot_use_staff_operations(customer_emma):
    ticket = open_ticket(customer_emma)
    for call in (
        lambda: services.ticket_add_note(ticket=ticket, body="x", by=customer_emma),
        lambda: services.ticket_assign(ticket=ticket, assignee=None, by=customer_emma),
        lambda: services.ticket_set_priority(ticket=ticket, priority="high", by=customer_emma),
    ):
        with pytest.raises(TicketError) as refused:
            call()
        assert refused.value.code == TicketErrorCode.NOT_STAFF
    assert kinds(ticket) == [EventKind.CREATED]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", TicketErrorCode.EMPTY_BODY),
        ("a\x00b", TicketErrorCode.INVALID_TEXT),
        ("x" * 50_001, TicketErrorCode.BODY_TOO_LONG),
    ],
)
def test_bad_bodies_are_refused_with_nothing_written(customer_emma, body, code):
    with pytest.raises(TicketError) as refused:
        open_ticket(customer_emma, body=body)
    assert refused.value.code == code
    assert not Ticket.objects.exists() and not Message.objects.exists()


def test_hostile_markdown_is_rendered_inert(customer_emma):
    ticket = open_ticket(
        customer_emma, body="<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    html = ticket.messages.get().body_html
    assert "<script" not in html and 'href="javascript' not in html and "onerror" not in html


def test_attachments_are_checked_by_their_bytes(customer_emma):
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    ticket = open_ticket(customer_emma, attachments=[png])
    attachment = Attachment.objects.get(message__ticket=ticket)
    assert (attachment.filename, attachment.content_type) == ("photo.png", "image/png")

    fake = SimpleUploadedFile("evil.png", b"<svg onload=alert(1)>", content_type="image/png")
    with pytest.raises(TicketError) as refused:
        services.ticket_reply(ticket=ticket, body="see", by=customer_emma, attachments=[fake])
    assert refused.value.code == TicketErrorCode.ATTACHMENT_TYPE
    assert ticket.messages.count() == 1


def test_merge_moves_messages_and_closes_the_duplicate(customer_emma, customer_reza, agent_sara):
    first = open_ticket(customer_emma, body="First")
    duplicate = open_ticket(customer_emma, body="Second")
    target = services.ticket_merge(source=duplicate, target=first, by=agent_sara)

    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.merged_into == first
    assert list(target.messages.values_list("body", flat=True)) == ["First", "Second"]
    assert EventKind.MERGED_FROM in kinds(first) and EventKind.MERGED in kinds(duplicate)
    with pytest.raises(TicketError) as refused:
        services.ticket_reply(ticket=duplicate, body="more", by=customer_emma)
    assert refused.value.code == TicketErrorCode.TICKET_MERGED

    other = open_ticket(customer_reza)
    with pytest.raises(TicketError) as refused:
        services.ticket_merge(source=other, target=first, by=agent_sara)
    assert refused.value.code == TicketErrorCode.MERGE_OTHER_CUSTOMER


def test_order_must_belong_to_the_customer(customer_emma, customer_reza):
    reza_order = customer_reza.orders.get()
    with pytest.raises(TicketError) as refused:
        open_ticket(customer_emma, order=reza_order)
    assert refused.value.code == TicketErrorCode.ORDER_NOT_CUSTOMERS


def test_tags_and_assignment_events(customer_emma, agent_sara, agent_omar):
    ticket = open_ticket(customer_emma)
    services.ticket_tag(ticket=ticket, by=agent_sara, add=["refund", "vip"])
    services.ticket_tag(ticket=ticket, by=agent_sara, remove=["vip"])
    services.ticket_assign(ticket=ticket, assignee=agent_omar, by=agent_sara)
    ticket.refresh_from_db()

    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    assert ticket.assignee == agent_omar
    tag_events = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.TAGS).order_by("pk")
    assert [(e.data["added"], e.data["removed"]) for e in tag_events] == [(["refund", "vip"], []), ([], ["vip"])]


def test_changes_broadcast_to_staff_after_commit(customer_emma, agent_sara, django_capture_on_commit_callbacks):
    sent = []
    with mock.patch("helpdesk.tickets.broadcast._send", side_effect=sent.append):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = open_ticket(customer_emma)
        assert [event.kind for event in sent] == [EventKind.CREATED]
        with django_capture_on_commit_callbacks(execute=False) as pending:
            services.ticket_add_note(ticket=ticket, body="Check the warehouse", by=agent_sara)
        assert len(sent) == 1 and pending  # nothing leaves before commit


def test_history_records_ticket_changes(customer_emma, agent_sara):
    ticket = open_ticket(customer_emma)
    services.ticket_set_priority(ticket=ticket, priority="high", by=agent_sara)
    assert ticket.history.filter(priority="high").exists()
