"""Customers' emails become tickets and replies; automatic mail and spoofed staff never do."""

import pytest

from helpdesk.customers.models import Customer
from helpdesk.mailbox.models import InboundEmail, OutboundEmail
from helpdesk.tickets.models import Attachment, AuthorKind, Channel, Message, Status, Ticket
from helpdesk.tickets.services import ticket_create, ticket_reply, ticket_set_status

from .conftest import SUPPORT, eml

pytestmark = pytest.mark.django_db


def test_a_persian_email_opens_a_ticket_for_a_new_customer_and_is_acknowledged(ingest, mailoutbox):
    code, printed = ingest(eml("persian_new.eml"))

    ticket = Ticket.objects.get()
    assert (code, printed) == (0, f"created ticket #{ticket.pk}")
    assert ticket.subject == "سفارش ۱۲۳ هنوز نرسیده" and ticket.channel == Channel.EMAIL and ticket.locale == "fa"
    customer = Customer.objects.get()
    assert (customer.email, customer.name, customer.locale) == ("maryam.h@example.net", "مریم حسینی", "fa")
    message = ticket.messages.get()
    assert message.body == "سلام،\nسفارشم با شماره‌ی ۱۲۳ هنوز نرسیده. لطفاً پیگیری کنید.\n\n--\nمریم"
    assert message.email_message_id == "CAFa1.persian@mail.example.net"
    [ack] = mailoutbox
    assert ack.to == ["maryam.h@example.net"] and ack.subject == "Re: سفارش ۱۲۳ هنوز نرسیده"
    assert ack.extra_headers["In-Reply-To"] == "<CAFa1.persian@mail.example.net>"
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"  # RFC 3834: robots must not answer it
    assert "سلام" in ack.body and ack.alternatives[0][0].startswith("<!doctype html>")


def test_an_arabic_windows_1256_email_keeps_the_image_and_notes_the_refused_file(ingest):
    ingest(eml("arabic_attachments.eml"))

    ticket = Ticket.objects.get()
    assert ticket.subject == "طلب مكسور عند الوصول" and ticket.locale == "ar"
    assert ticket.customer.name == "خالد القاسمي"
    first, note = ticket.messages.order_by("created_at", "id")
    assert first.body.startswith("مرحبا،\nوصل الطلب مكسوراً.")
    [attachment] = Attachment.objects.all()
    assert (attachment.filename, attachment.content_type, attachment.message) == ("صورة.png", "image/png", first)
    assert (note.author_kind, note.public) == (AuthorKind.SYSTEM, False)
    assert "invoice.exe" in note.body


def test_a_forwarded_html_email_keeps_what_was_forwarded_and_no_markup(ingest):
    ingest(eml("forwarded.eml"))

    message = Message.objects.get()
    assert message.body.startswith("It never arrived, see below.")
    assert "Forwarded message" in message.body and "Your parcel left our warehouse." in message.body
    assert "https://track.example/123" in message.body
    assert "<script" not in message.body_html and "alert(1)" not in message.body


@pytest.mark.parametrize(
    ("name", "reason"),
    [("out_of_office.eml", "auto-reply"), ("bounce.eml", "bounce"), ("list_loop.eml", "bulk")],
)
def test_automatic_mail_is_logged_and_never_opens_a_ticket_or_gets_an_answer(ingest, mailoutbox, name, reason):
    code, printed = ingest(eml(name))

    assert (code, printed) == (0, f"ignored {reason}")
    assert not Ticket.objects.exists() and mailoutbox == []
    assert InboundEmail.objects.get().reason == reason


def test_a_sender_flooding_the_mailbox_is_cut_off(ingest, settings, mailoutbox):
    settings.HELPDESK_EMAIL_SENDER_HOURLY_LIMIT = 2
    for number in range(3):
        raw = eml("spoofed_agent.eml").replace(b"sara@example.com", b"robot@example.com")
        ingest(raw.replace(b"spoof-6@", f"flood-{number}@".encode()))

    assert Ticket.objects.count() == 2 and len(mailoutbox) == 2
    assert InboundEmail.objects.order_by("-received_at", "-id").first().reason == "loop"


def test_an_email_claiming_to_be_from_an_agent_without_their_token_is_refused(ingest, agent_sara, mailoutbox):
    code, printed = ingest(eml("spoofed_agent.eml"))

    assert (code, printed) == (0, "rejected unverified-staff")
    assert not Ticket.objects.exists() and not Customer.objects.exists() and mailoutbox == []


def test_the_same_email_delivered_twice_is_handled_once(ingest, mailoutbox):
    ingest(eml("persian_new.eml"))
    code, printed = ingest(eml("persian_new.eml"))

    assert code == 0 and printed.endswith("(already received)")
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1 and len(mailoutbox) == 1


def test_unreadable_and_oversized_mail_exits_65_so_the_server_bounces_it(ingest, settings):
    assert ingest(b"this is not an email")[0] == 65
    settings.HELPDESK_EMAIL_MAX_BYTES = 100
    assert ingest(eml("persian_new.eml"))[0] == 65
    assert not Ticket.objects.exists() and not InboundEmail.objects.exists()


def _reply_to(email) -> str:
    return email.reply_to[0].split("<")[1].rstrip(">")


def test_a_persian_reply_lands_on_its_ticket_with_the_quoted_history_cut(ingest, mailoutbox):
    ingest(eml("persian_new.eml"))
    [ack] = mailoutbox
    ticket = Ticket.objects.get()
    ack_id = ack.extra_headers["Message-ID"].strip("<>")

    code, printed = ingest(
        eml(
            "persian_reply.eml.tmpl",
            TO=_reply_to(ack),
            MESSAGE_ID="fa-reply-2@mail.example.net",
            IN_REPLY_TO=ack_id,
            REFERENCES=f"<CAFa1.persian@mail.example.net> <{ack_id}>",
        )
    )

    assert (code, printed) == (0, f"replied ticket #{ticket.pk}")
    reply = ticket.messages.order_by("created_at", "id").last()
    assert reply.body == "ممنون، بسته امروز رسید ولی یک قلم کم است."
    assert (reply.author_kind, reply.channel) == (AuthorKind.CUSTOMER, Channel.EMAIL)
    assert len(mailoutbox) == 1  # a customer's reply is not acknowledged again


def test_a_reply_is_matched_by_references_alone_but_only_from_the_customer(ingest, mailoutbox):
    ingest(eml("persian_new.eml"))
    ack_id = mailoutbox[0].extra_headers["Message-ID"].strip("<>")
    values = {"TO": SUPPORT, "IN_REPLY_TO": ack_id, "REFERENCES": f"<{ack_id}>"}

    ingest(eml("persian_reply.eml.tmpl", MESSAGE_ID="by-refs@mail.example.net", **values))
    stranger = eml("persian_reply.eml.tmpl", MESSAGE_ID="stranger@mail.example.net", **values)
    ingest(stranger.replace(b"maryam.h@example.net", b"someone@else.example"))

    first, second = Ticket.objects.order_by("pk")
    assert first.messages.count() == 2  # the customer's reply threads on the references
    assert second.customer.email == "someone@else.example"  # anyone else starts their own ticket


def test_the_subject_alone_never_finds_a_ticket(ingest, customer_emma):
    existing = ticket_create(customer=customer_emma, subject="Broken kettle", body="It arrived broken.")
    raw = eml(
        "customer_reply.eml.tmpl",
        FROM="emma@example.com",
        TO=SUPPORT,
        MESSAGE_ID="x@y",
        IN_REPLY_TO="unknown@nowhere",
        REFERENCES="",
    )

    ingest(raw)

    assert existing.messages.count() == 1 and Ticket.objects.count() == 2


def test_a_reply_to_an_old_notification_of_a_closed_ticket_opens_a_follow_up(
    ingest, customer_emma, agent_sara, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(customer=customer_emma, subject="Broken kettle", body="It arrived broken.")
    old_notification = mailoutbox[0]
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, body="Sorry! Replacing it.", by=agent_sara, status=Status.SOLVED)
        ticket_set_status(ticket=ticket, status=Status.CLOSED, by=agent_sara)

    raw = eml(
        "customer_reply.eml.tmpl",
        FROM="emma@example.com",
        TO=_reply_to(old_notification),
        MESSAGE_ID="late@example.com",
        IN_REPLY_TO=old_notification.extra_headers["Message-ID"].strip("<>"),
        REFERENCES=old_notification.extra_headers["Message-ID"],
    )
    code, printed = ingest(raw)

    follow_up = Ticket.objects.exclude(pk=ticket.pk).get()
    assert (code, printed) == (0, f"follow_up ticket #{follow_up.pk}")
    assert follow_up.customer == customer_emma and follow_up.channel == Channel.EMAIL
    assert Ticket.objects.get(pk=ticket.pk).messages.count() == 2  # the closed ticket is untouched
    note = follow_up.messages.get(public=False)
    assert f"#{ticket.pk}" in note.body


def test_a_reply_to_an_old_notification_of_a_solved_ticket_reopens_it(
    ingest, customer_emma, agent_sara, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(customer=customer_emma, subject="Broken kettle", body="It arrived broken.")
        ticket_reply(ticket=ticket, body="Replacing it.", by=agent_sara, status=Status.SOLVED)
    old = mailoutbox[0]

    ingest(
        eml(
            "customer_reply.eml.tmpl",
            FROM="Emma@Example.com",
            TO=_reply_to(old),
            MESSAGE_ID="m@e",
            IN_REPLY_TO="gone@nowhere",
            REFERENCES="",
        )
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.messages.order_by("created_at", "id").last().body == "Thank you, the new one works.\n\nEmma"
    assert OutboundEmail.objects.filter(ticket=ticket, recipient="emma@example.com").count() >= 2


def test_the_agent_sees_the_email_ticket_and_the_system_note_in_the_inbox(ingest, client, agent_sara):
    ingest(eml("arabic_attachments.eml"))
    ticket = Ticket.objects.get()
    client.force_login(agent_sara)

    html = client.get(f"/en/staff/tickets/{ticket.pk}/").content.decode()

    assert "طلب مكسور عند الوصول" in html and "وصل الطلب مكسوراً" in html
    assert "invoice.exe" in html and "صورة.png" in html


HOSTILE_BASE = b"From: Emma <emma@example.com>\nSubject: Hi\nMIME-Version: 1.0\n"


@pytest.mark.parametrize(
    "headers",
    [
        # A recipient list the standard library's address parser trips over (found by fuzzing the fixtures).
        b"Message-ID: <h1@x>\nTo: support@helpdesk.test: Tue, 17 Nov 2026 .<example>\nContent-Type: text/plain\n",
        # A charset name with a NUL in it.
        b'Message-ID: <h2@x>\nTo: support@helpdesk.test\nContent-Type: text/plain; charset="utf\x00-8"\n',
    ],
)
def test_mangled_headers_are_read_as_well_as_they_can_be_never_a_crash(ingest, headers):
    code, printed = ingest(HOSTILE_BASE + headers + b"\nHello, my parcel is late.\n")

    ticket = Ticket.objects.get()
    assert (code, printed) == (0, f"created ticket #{ticket.pk}")
    assert ticket.messages.get().body == "Hello, my parcel is late."
