"""Emails about a ticket that thread in the reader's mail app, and whose replies find their way back.

Every email gets its own Message-ID, recorded in OutboundEmail; `In-Reply-To` names the newest
email of the reader's thread on this ticket (what we sent them, or what they sent us) and
`References` the first and the most recent ones. The subject stays the same across the thread,
as Gmail also wants, and `Reply-To` is the reader's signed reply address (tokens.py).
"""

import re
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from helpdesk.core.mail import one_line, templated_email
from helpdesk.tickets.models import AuthorKind, Channel, Message, Ticket

from .models import OutboundEmail
from .tokens import AGENT, CUSTOMER, reply_address, reply_base

REFERENCES_MAX = 10
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fwd?|fw)\s*:\s*)+", re.IGNORECASE)


def _thread(ticket: Ticket, recipient: str, user) -> list[str]:
    sent = OutboundEmail.objects.filter(ticket=ticket, recipient__iexact=recipient, recipient_user=user)
    if user is None:
        received = Message.objects.filter(ticket=ticket, author_kind=AuthorKind.CUSTOMER)
    else:
        received = Message.objects.filter(ticket=ticket, author_user=user)
    rows = [(row.sent_at, row.message_id) for row in sent]
    rows += list(received.exclude(email_message_id="").values_list("created_at", "email_message_id"))
    return [message_id for _when, message_id in sorted(rows)]


def thread_subject(ticket: Ticket, *, reply: bool) -> str:
    """The thread's one subject: the customer's own for a ticket started by email, else numbered."""
    base = _REPLY_PREFIX.sub("", ticket.subject) or ticket.subject
    if ticket.channel != Channel.EMAIL:
        base = f"[#{ticket.pk}] {base}"
    return one_line(f"Re: {base}" if reply else base)


def send_ticket_email(
    *,
    ticket: Ticket,
    kind: str,
    template: str,
    context: dict,
    recipient: str,
    name: str = "",
    user=None,
    automatic: str = "",
) -> str:
    """Send one ticket email to the customer (user=None) or to the agent `user`; return its Message-ID."""
    thread = _thread(ticket, recipient, user)
    message_id = make_msgid(idstring=f"ticket{ticket.pk}", domain=reply_base()[1] or None)[1:-1]
    headers = {"Message-ID": f"<{message_id}>"}
    if thread:
        references = thread[:1] + thread[1:][-(REFERENCES_MAX - 1) :]
        headers["In-Reply-To"] = f"<{thread[-1]}>"
        headers["References"] = " ".join(f"<{value}>" for value in references)
    if automatic:
        headers["Auto-Submitted"] = automatic
        headers["X-Auto-Response-Suppress"] = "All"
    kind_token = CUSTOMER if user is None else AGENT
    actor = ticket.customer_id if user is None else user.pk
    with transaction.atomic():  # the row only stays when the email went out
        OutboundEmail.objects.create(
            ticket=ticket, message_id=message_id, recipient=recipient.lower(), recipient_user=user, kind=kind,
            sent_at=timezone.now(),
        )  # fmt: skip
        email = templated_email(
            template=template,
            context=context,
            to=[recipient],
            headers=headers,
            subject=thread_subject(ticket, reply=bool(thread)),
            reply_to=[
                formataddr(
                    (
                        one_line(settings.WAGTAIL_SITE_NAME),
                        reply_address(kind=kind_token, ticket_id=ticket.pk, actor_id=actor),
                    )
                )
            ],
        )
        email.send()
    return message_id
