"""One conversation, one thread: in the ticket, and in the customer's and the agent's mailboxes."""

from email import message_from_bytes, policy

import pytest

from helpdesk.mailbox.parse import message_ids
from helpdesk.tickets.models import AuthorKind, Channel, Ticket

from .conftest import SUPPORT, eml

pytestmark = pytest.mark.django_db


def _reply_to(email) -> str:
    return email.reply_to[0].split("<")[1].rstrip(">")


def _id(email) -> str:
    return email.extra_headers["Message-ID"].strip("<>")


def _sent(email):
    """The message as it leaves for the mail server: what the customer's mail app reads."""
    return message_from_bytes(email.message().as_bytes(), policy=policy.default)


def test_started_by_email_answered_in_the_inbox_and_by_email_is_one_thread(
    ingest, client, agent_sara, mailoutbox, django_capture_on_commit_callbacks
):
    raw = eml(
        "customer_reply.eml.tmpl", FROM="emma@example.com", TO=SUPPORT, MESSAGE_ID="first@mail.example.com",
        IN_REPLY_TO="shop-newsletter@shop.example", REFERENCES="",
    ).replace(b"Subject: Re: [#1] Broken kettle", b"Subject: Broken kettle")  # fmt: skip
    ingest(raw)
    ticket = Ticket.objects.get()
    ack = mailoutbox[0]

    client.force_login(agent_sara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/staff/tickets/{ticket.pk}/reply/", {"body": "A new kettle is on its way."})
    assert response.status_code == 302
    answer = mailoutbox[1]

    ingest(eml(
        "customer_reply.eml.tmpl", FROM="emma@example.com", TO=_reply_to(answer), MESSAGE_ID="second@mail.example.com",
        IN_REPLY_TO=_id(answer), REFERENCES=f"<first@mail.example.com> <{_id(ack)}> <{_id(answer)}>",
    ))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/staff/tickets/{ticket.pk}/reply/", {"body": "Glad to hear it!", "status": "solved"})

    # In the ticket: one conversation, in order, with the channel each message came by.
    messages = list(ticket.messages.filter(public=True).order_by("created_at", "id"))
    assert [(m.author_kind, m.channel) for m in messages] == [
        (AuthorKind.CUSTOMER, Channel.EMAIL),
        (AuthorKind.AGENT, Channel.WEB),
        (AuthorKind.CUSTOMER, Channel.EMAIL),
        (AuthorKind.AGENT, Channel.WEB),
    ]
    assert messages[2].body == "Thank you, the new one works.\n\nEmma"
    assert Ticket.objects.count() == 1

    # In the customer's mailbox: every email answers the one before it and names the thread's root.
    sent = [_sent(email) for email in mailoutbox]
    assert [email.to for email in mailoutbox] == [["emma@example.com"]] * 4
    assert len({email["Message-ID"] for email in sent}) == 4
    answered = ["first@mail.example.com", _id(mailoutbox[0]), "second@mail.example.com", _id(mailoutbox[2])]
    for email, previous in zip(sent, answered, strict=True):
        assert message_ids(email["In-Reply-To"]) == [previous]
        assert message_ids(email["References"])[0] == "first@mail.example.com"
        assert email["Subject"] == "Re: Broken kettle"
        assert email["Reply-To"].addresses[0].addr_spec.startswith("support+c")
    assert message_ids(sent[3]["References"]) == [
        "first@mail.example.com", _id(mailoutbox[0]), _id(mailoutbox[1]), "second@mail.example.com", _id(mailoutbox[2]),
    ]  # fmt: skip


def test_an_agent_answers_by_replying_to_the_notification_email(
    ingest, agent_sara, customer_emma, mailoutbox, django_capture_on_commit_callbacks
):
    agent_sara.ticket_emails = True
    agent_sara.save(update_fields=["ticket_emails"])
    from helpdesk.tickets.services import ticket_assign, ticket_create, ticket_reply

    ticket = ticket_create(customer=customer_emma, subject="Broken kettle", body="It arrived broken.")
    ticket_assign(ticket=ticket, assignee=agent_sara, by=agent_sara)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, body="Still waiting for an answer!", by=customer_emma)
    [notification] = mailoutbox
    assert notification.to == ["sara@example.com"]
    assert "Still waiting for an answer!" in notification.body
    assert _reply_to(notification).startswith("support+a")

    code, printed = ingest(eml(
        "agent_reply.eml.tmpl", FROM="sara@example.com", TO=_reply_to(notification), MESSAGE_ID="sara-1@example.com",
        IN_REPLY_TO=_id(notification),
    ))  # fmt: skip

    assert (code, printed) == (0, f"replied agent ticket #{ticket.pk}")
    reply = ticket.messages.order_by("created_at", "id").last()
    assert (reply.author_user, reply.channel, reply.public) == (agent_sara, Channel.EMAIL, True)
    assert reply.body == "A new kettle is on its way, no need to send the old one back."
    to_customer = mailoutbox[-1]
    assert to_customer.to == ["emma@example.com"] and "A new kettle is on its way" in to_customer.body


def test_an_agent_token_proves_nothing_when_the_sender_is_someone_else(
    ingest, agent_sara, agent_omar, customer_emma, mailoutbox, django_capture_on_commit_callbacks
):
    agent_sara.ticket_emails = True
    agent_sara.save(update_fields=["ticket_emails"])
    from helpdesk.tickets.services import ticket_assign, ticket_create, ticket_reply

    ticket = ticket_create(customer=customer_emma, subject="Broken kettle", body="It arrived broken.")
    ticket_assign(ticket=ticket, assignee=agent_sara, by=agent_sara)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, body="Hello?", by=customer_emma)
    token_address = _reply_to(mailoutbox[-1])

    for sender, message_id in (("omar@example.com", "o@x"), ("attacker@evil.example", "a@x")):
        code, printed = ingest(
            eml("agent_reply.eml.tmpl", FROM=sender, TO=token_address, MESSAGE_ID=message_id, IN_REPLY_TO="z@z")
        )
        assert (code, printed) == (0, "rejected spoofed")
    forged = token_address.replace("support+a", "support+a1")
    code, printed = ingest(
        eml("agent_reply.eml.tmpl", FROM="sara@example.com", TO=forged, MESSAGE_ID="f@x", IN_REPLY_TO="z@z")
    )
    assert (code, printed) == (0, "rejected bad-token")
    assert ticket.messages.filter(author_kind=AuthorKind.AGENT).count() == 0


def test_names_and_subjects_cannot_add_headers(customer_emma, mailoutbox, django_capture_on_commit_callbacks, settings):
    from helpdesk.tickets.services import ticket_create

    settings.WAGTAIL_SITE_NAME = "Shop\r\nBcc: victim@example.com"
    customer_emma.name = "Emma\nBcc: spy@example.com"
    customer_emma.save()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(customer=customer_emma, subject="Hi\r\nBcc: spy@example.com", body="Hello")

    sent = _sent(mailoutbox[0])
    assert sent.get_all("Bcc") is None and mailoutbox[0].recipients() == ["emma@example.com"]
    assert "\n" not in str(sent["Subject"]) and "\n" not in str(sent["Reply-To"])
    assert sent.get_body(preferencelist=("plain",)) is not None and sent.get_body(preferencelist=("html",)) is not None
