"""Inbound email is the least trusted input of all: every header and body part is the sender's choice.

Whatever an email carries, ingesting it never fails on the database (PostgreSQL refuses NUL), every
stored value is clean, and the ticket, the inbox and the acknowledgement show it inert.
"""

import pytest

from helpdesk.customers.models import Customer
from helpdesk.mailbox.ingest import email_ingest
from helpdesk.mailbox.models import InboundEmail
from helpdesk.mailbox.parse import UnreadableEmail
from helpdesk.tickets.models import Message, Ticket
from tests.hostile.conftest import BIDI, MARKUP, VICTIM, nothing_written, storable
from tests.hostile.inert import assert_email_safe, assert_inert, unisolated_bidi

pytestmark = pytest.mark.django_db


def eml(
    *,
    subject: bytes = b"Where is my parcel?",
    sender: bytes = b"Eve <eve@example.com>",
    message_id: bytes = b"<hostile-1@mail.example.net>",
    content_type: bytes = b"text/plain; charset=utf-8",
    body: bytes = b"It has not arrived.",
) -> bytes:
    return b"\n".join(
        [
            b"From: " + sender,
            b"To: support@helpdesk.test",
            b"Subject: " + subject,
            b"Message-ID: " + message_id,
            b"Content-Type: " + content_type,
            b"",
            body,
        ]
    )


def encoded(text: str) -> bytes:
    """`text` as an RFC 2047 encoded word, the way a mail program sends non-ASCII (or hostile) headers."""
    return b"=?utf-8?q?" + "".join(f"={byte:02X}" for byte in text.encode("utf-8")).encode() + b"?="


def stored_text() -> list[str]:
    """Every text value the email wrote: the log, the customer, the ticket and its messages."""
    values = list(InboundEmail.objects.values_list("subject", "sender", "message_id", "reason"))
    values += list(Customer.objects.values_list("name", "email", "external_id"))
    values += list(Ticket.objects.values_list("subject", "search_text", "last_message_snippet"))
    values += list(Message.objects.values_list("body", "body_html", "email_message_id"))
    return [text for row in values for text in row]


@pytest.fixture
def ingest(committed, mailoutbox):
    def run(raw: bytes):
        result = committed(email_ingest, raw)
        assert [text for text in stored_text() if not storable(text)] == []
        return result

    return run


@pytest.mark.parametrize("payload", MARKUP.values(), ids=MARKUP.keys())
def test_markup_in_the_subject_name_and_body_is_inert_in_the_inbox_and_the_acknowledgement(
    ingest, sara, mailoutbox, payload
):
    ingest(eml(subject=encoded(f"Parcel {payload}"), sender=encoded(f"Eve {payload}") + b" <eve@example.com>",
               body=f"Hello {payload}".encode()))  # fmt: skip

    ticket = Ticket.objects.get()
    for where in ["/en/staff/tickets/?view=open", f"/en/staff/tickets/{ticket.pk}/"]:
        assert_inert(sara.get(where).content, payload, where=where)
    [acknowledgement] = mailoutbox
    assert_email_safe(acknowledgement, payload)


def test_an_html_only_email_keeps_its_text_and_none_of_its_code(ingest, sara):
    html = (
        b"<html><body><p>Hello</p><script>alert(1)</script><img src=x onerror=alert(1)>"
        b'<a href="javascript:alert(1)">track</a><iframe src="https://evil.example"></iframe>'
        b'<p onclick="alert(1)">It never <b>arrived</b>.</p></body></html>'
    )

    ingest(eml(content_type=b"text/html; charset=utf-8", body=html))

    message = Message.objects.get()
    assert "It never arrived." in message.body and "alert(1)" not in message.body
    assert_inert(sara.get(f"/en/staff/tickets/{message.ticket_id}/").content)


def test_a_line_break_encoded_in_the_subject_cannot_add_a_header(ingest, mailoutbox):
    ingest(eml(subject=encoded(f"Hi\r\nBcc: {VICTIM}")))

    assert Ticket.objects.get().subject == f"Hi Bcc: {VICTIM}"
    [acknowledgement] = mailoutbox
    assert_email_safe(acknowledgement)
    assert acknowledgement.recipients() == ["eve@example.com"]


def test_a_line_break_encoded_in_the_senders_name_bounces_the_email_with_nothing_written(committed):
    with nothing_written(), pytest.raises(UnreadableEmail):
        committed(email_ingest, eml(sender=encoded(f"Eve\r\nBcc: {VICTIM}") + b" <eve@example.com>"))

    assert not InboundEmail.objects.exists()


@pytest.mark.parametrize("control", [BIDI["rlo"], BIDI["rli"]], ids=["rlo", "rli"])
def test_bidi_controls_in_the_subject_and_name_stay_isolated(ingest, sara, mailoutbox, control):
    ingest(eml(subject=encoded(f"{control}gpj.exe"), sender=encoded(f"{control}Eve") + b" <eve@example.com>"))

    ticket = Ticket.objects.get()
    for where in ["/en/staff/tickets/?view=open", f"/en/staff/tickets/{ticket.pk}/"]:
        assert unisolated_bidi(sara.get(where).content) == [], where
    assert_email_safe(mailoutbox[0])


@pytest.mark.parametrize(
    "email",
    [
        eml(subject=encoded("Where is\x00 my parcel?")),
        eml(subject=b"Where is\x00 my parcel?"),
        eml(sender=encoded("E\x00ve") + b" <eve@example.com>"),
        eml(sender=b"Eve <e\x00ve@example.com>"),
        eml(message_id=b"<hostile\x00-1@mail.example.net>"),
        eml(body=b"It has\x00 not arrived."),
        eml(content_type=b"text/plain; charset=utf-16-le", body="It has\x00 not arrived.".encode("utf-16-le")),
    ],
    ids=["subject-encoded", "subject-raw", "name", "address", "message-id", "body", "utf-16-body"],
)
def test_a_nul_anywhere_in_an_email_is_dropped_and_the_ticket_opens(ingest, email):
    result = ingest(email)

    assert result.outcome == "created"
    ticket = Ticket.objects.get()
    assert ticket.subject == "Where is my parcel?"
    assert ticket.messages.get().body == "It has not arrived."


@pytest.mark.parametrize(
    "email",
    [
        eml(subject=b"Caf\xe9 \xff\xfe order"),
        eml(subject=b"=?utf-8?q?Caf=ED=A0=80_order?="),  # a lone surrogate's bytes, which are not UTF-8
        eml(sender=b"Ren\xe9 <rene@example.com>"),
        eml(body=b"Caf\xe9 \xed\xa0\x80 order"),
    ],
    ids=["subject-latin1", "subject-surrogate", "name-latin1", "body-surrogate"],
)
def test_undecodable_bytes_arrive_replaced(ingest, email):
    result = ingest(email)

    assert result.outcome == "created"
    assert any("\ufffd" in text for text in stored_text())


def test_control_characters_in_headers_are_removed(ingest):
    ingest(eml(subject=b"Where\x1b[2J is\x07 my parcel?", sender=b"E\x08ve <eve@example.com>"))

    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.customer.name) == ("Where[2J is my parcel?", "Eve")


def test_a_huge_body_is_cut_to_the_message_limit(ingest, settings):
    ingest(eml(body=b"x" * (settings.HELPDESK_MESSAGE_MAX_CHARS + 10_000)))

    body = Message.objects.get().body
    assert len(body) <= settings.HELPDESK_MESSAGE_MAX_CHARS and body.endswith(" \u2026")
