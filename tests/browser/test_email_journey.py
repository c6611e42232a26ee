"""A customer emails the helpdesk, an agent answers in the browser, and the answer threads in the customer's mail app.

In English and Persian (right to left). The mail server pipes the customer's email to
`manage.py ingest_email`, here in the test's own process, so the acknowledgement it sends lands in
the locmem outbox. The agent's answer is sent by the live server, a process of its own whose email
never reaches this outbox: its console backend prints each email to the Daphne log, and the
OutboundEmail row it records names which one is the answer.
"""

import io
import re
import sys
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from helpdesk.mailbox.models import OutboundEmail
from helpdesk.mailbox.parse import header, message_ids
from helpdesk.mailbox.tokens import CUSTOMER, reply_base, token_in, token_read
from helpdesk.tickets.models import AuthorKind, Channel, Message, Ticket

from .i18n import translated
from .ticket_helpers import beside_the_browser, main_navigation, sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = pytest.mark.parametrize("language", ["en", "fa"])
CONSOLE_SEPARATOR = "\n" + "-" * 79 + "\n"  # what Django's console email backend writes after each email


@dataclass(frozen=True)
class Writing:
    name: str
    sender: str
    message_id: str
    direction: str
    subject: str
    body: str
    reply: str


WRITING = {
    "en": Writing(
        name="Olivia Byrne",
        sender="olivia.byrne@example.org",
        message_id="CAEn1.kettle@mail.example.org",
        direction="ltr",
        subject="My kettle stopped working after a week",
        body="Hello,\nThe kettle I bought last week no longer heats up. Can you help?\n\nOlivia",
        reply="I'm sorry to hear that, Olivia. We are sending you a new kettle today.",
    ),
    "fa": Writing(
        name="مریم حسینی",
        sender="maryam.hosseini@example.net",
        message_id="CAFa1.kettle@mail.example.net",
        direction="rtl",
        subject="کتری برقی من بعد از یک هفته خراب شد",
        body="سلام،\nکتری‌ای که هفتهٔ پیش خریدم دیگر گرم نمی‌شود. لطفاً کمکم کنید.\n\nمریم",
        reply="مریم جان، از این بابت متأسفیم. کتری نو امروز برایتان ارسال می‌شود.",
    ),
}


def _customer_email(words: Writing) -> bytes:
    """The raw RFC 822 bytes of the customer's email to the support address."""
    email = EmailMessage()
    email["From"] = Address(display_name=words.name, addr_spec=words.sender)
    email["To"] = Address(display_name="Support", addr_spec=settings.HELPDESK_EMAIL_REPLY_ADDRESS)
    email["Subject"] = words.subject
    email["Date"] = formatdate()
    email["Message-ID"] = f"<{words.message_id}>"
    email.set_content(words.body)
    return email.as_bytes()


def _mail_server_pipes(monkeypatch, raw: bytes) -> str:
    """Run `manage.py ingest_email` on the raw email as a mail server's pipe does; return the line it prints.

    Beside the browser: the ticket's on-commit broadcasts refuse to run in Playwright's thread.
    """
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    beside_the_browser(lambda: call_command("ingest_email", stdout=out))
    return out.getvalue().strip()


def _as_sent(email) -> EmailMessage:
    """A locmem email as it leaves for the mail server: what the customer's mail app reads."""
    return message_from_bytes(email.message().as_bytes(), policy=policy.default)


def _emailed_by_the_live_server(live_daphne, message_id: str) -> EmailMessage:
    """The email the live server sent with this Message-ID, as its console backend printed it to the Daphne log."""
    wanted = f"Message-ID: <{message_id}>"
    blocks = [block for block in live_daphne.log_path.read_text().split(CONSOLE_SEPARATOR) if wanted in block]
    assert len(blocks) == 1, f"the live server printed no single email {wanted}:\n{live_daphne.log_tail()}"
    text = blocks[0]
    start = text.index("Content-Type: multipart/")  # the email's first header; log lines may come before it
    return message_from_bytes(text[start:].encode(), policy=policy.default)


def _channel_label(language: str, channel: Channel) -> str:
    with translation.override(language):
        return str(channel.label)


def _assert_threads_and_signs_reply_to(email: EmailMessage, *, ticket: Ticket, subject: str) -> None:
    """The email has its own id, keeps the customer's subject, and asks for the answer at their signed address."""
    assert len(message_ids(email["Message-ID"])) == 1
    # Unfolded as mail apps do: Django folds a non-ASCII subject onto a line of its own, after a space.
    assert header(email, "Subject") == f"Re: {subject}"
    [reply_to] = email["Reply-To"].addresses
    local, domain = reply_base()
    assert re.fullmatch(rf"{re.escape(local)}\+[0-9a-z.]+@{re.escape(domain)}", reply_to.addr_spec)
    claim = token_read(token_in(reply_to.addr_spec))
    assert claim is not None
    assert (claim.kind, claim.ticket_id, claim.actor_id) == (CUSTOMER, ticket.pk, ticket.customer_id)


def _open_unassigned_view(page, language: str) -> None:
    main_navigation(page, language).get_by_role("link", name=translated(language, "Inbox"), exact=True).click()
    views = page.get_by_role("navigation", name=translated(language, "Views"))
    views.get_by_role("link").filter(has_text=translated(language, "Unassigned")).click()
    heading = f"{translated(language, 'Inbox')}: {translated(language, 'Unassigned')}"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


@LANGUAGES
def test_a_customers_email_opens_a_ticket_and_the_agents_answer_threads_in_their_mailbox(
    page, screenshot, live_daphne, monkeypatch, mailoutbox, agent_omar, language
):
    words = WRITING[language]

    # Given a customer's email, piped by the mail server to the helpdesk
    printed = _mail_server_pipes(monkeypatch, _customer_email(words))

    # Then it opens an email ticket in the language it is written in, for a customer made from its sender
    ticket = Ticket.objects.select_related("customer").get(subject=words.subject)
    assert printed == f"created ticket #{ticket.pk}"
    assert (ticket.channel, ticket.locale) == (Channel.EMAIL, language)
    assert (ticket.customer.email, ticket.customer.name) == (words.sender, words.name)

    # And the customer is sent an acknowledgement in the thread of their email
    [ack] = mailoutbox
    assert ack.to == [words.sender]
    acknowledgement = _as_sent(ack)
    assert acknowledgement["In-Reply-To"] == f"<{words.message_id}>"
    assert f"<{words.message_id}>" in acknowledgement["References"].split()
    _assert_threads_and_signs_reply_to(acknowledgement, ticket=ticket, subject=words.subject)

    # When an agent signs in and opens the unassigned tickets
    sign_in_staff(page, language=language, user=agent_omar)
    _open_unassigned_view(page, language)
    expect(page.locator("html")).to_have_attribute("dir", words.direction)

    # Then they find the ticket by its subject, from the customer who wrote it
    inbox_list = page.get_by_role("region", name=translated(language, "Unassigned"), exact=True)
    row = inbox_list.get_by_role("listitem").filter(has=page.get_by_role("link", name=words.subject, exact=True))
    expect(row).to_contain_text(words.name)
    screenshot(f"email-inbox-{language}")

    # When they open it
    row.get_by_role("link", name=words.subject, exact=True).click()

    # Then it says it came by email, and shows the customer's words, marked as sent by email
    expect(page.get_by_role("heading", level=1)).to_contain_text(words.subject)
    expect(page.locator("html")).to_have_attribute("dir", words.direction)
    email_label = _channel_label(language, Channel.EMAIL)
    channel = page.get_by_role("term").filter(has_text=re.compile(rf"^{re.escape(translated(language, 'Channel'))}$"))
    expect(page.locator("dl > div").filter(has=channel).get_by_role("definition")).to_have_text(email_label)
    conversation = page.get_by_role("region", name=translated(language, "Conversation"))
    first = conversation.get_by_role("listitem").filter(has_text=words.body.splitlines()[1])
    expect(first).to_contain_text(translated(language, "via %(channel)s") % {"channel": email_label})

    # When they type a reply in the reply box and send it
    box = page.get_by_label(translated(language, "Message (Markdown)"), exact=True)
    box.click()
    page.keyboard.type(words.reply)
    page.get_by_role("button", name=translated(language, "Send reply"), exact=True).click()

    # Then they are told it went, and it is in the ticket's conversation
    expect(page.get_by_role("status").filter(has_text=translated(language, "Reply sent."))).to_be_visible()
    expect(conversation.get_by_role("listitem").filter(has_text=words.reply)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", words.direction)
    screenshot(f"email-ticket-replied-{language}")
    answer = Message.objects.get(ticket=ticket, author_kind=AuthorKind.AGENT, public=True)
    assert answer.body == words.reply

    # And the customer is emailed the answer, in the same thread: it answers the newest email of the
    # thread (the acknowledgement), and its References start at the customer's own email
    sent = OutboundEmail.objects.get(ticket=ticket, kind="replied")
    assert sent.recipient == words.sender
    email = _emailed_by_the_live_server(live_daphne, sent.message_id)
    assert email["To"].addresses[0].addr_spec == words.sender
    ack_id = acknowledgement["Message-ID"].strip("<>")
    assert email["In-Reply-To"] == f"<{ack_id}>"
    assert message_ids(email["References"]) == [words.message_id, ack_id]
    assert email["Message-ID"] not in (acknowledgement["Message-ID"], f"<{words.message_id}>")
    _assert_threads_and_signs_reply_to(email, ticket=ticket, subject=words.subject)
    assert words.reply in email.get_body(("plain",)).get_content()
