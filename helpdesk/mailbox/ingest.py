"""Write path for inbound email: one raw message in, and a ticket opened or answered, or nothing.

Routing, in order (docs/email.md explains each):
1. mail no person wrote (auto-replies, bounces, bulk, our own address, a sender flooding us) is
   logged and dropped: no ticket, no answer;
2. an agent's signed reply address makes it that agent's reply, when the sender is that agent;
   any other mail from a staff address is refused, since a From header proves nothing;
3. a customer's signed reply address, or an In-Reply-To/References id the helpdesk sent to or
   received from this sender, makes it a reply on that ticket (a follow-up ticket when it is closed);
4. anything else opens a new ticket, creating the customer when the address is new.
The subject is never used to find a ticket. Every email is logged once, by Message-ID, so a
redelivered email changes nothing.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpdesk.accounts.roles import is_agent
from helpdesk.customers.services import customer_for_email
from helpdesk.tickets.attachments import MAX_FILES, attachments_check
from helpdesk.tickets.errors import TicketError
from helpdesk.tickets.models import AuthorKind, Channel, Message, Status, Ticket
from helpdesk.tickets.services import ticket_add_system_note, ticket_create, ticket_reply

from .auto import automatic_reason
from .language import script_language
from .models import InboundEmail, OutboundEmail, Outcome
from .parse import ParsedEmail, email_parse
from .quotes import reply_text
from .tokens import AGENT, ReplyToken, reply_base, token_in, token_read


class EmailTooLarge(ValueError):
    """The message is over HELPDESK_EMAIL_MAX_BYTES; the mail server should bounce it."""


@dataclass(frozen=True)
class IngestResult:
    outcome: str
    reason: str = ""
    ticket: Ticket | None = None
    duplicate: bool = False


def _key(parsed: ParsedEmail, raw: bytes) -> str:
    basis = f"id:{parsed.message_id}".encode() if parsed.message_id else raw
    return hashlib.sha256(basis).hexdigest()


def _text(value: str) -> str:
    value = value.replace("\x00", "").encode("utf-8", errors="replace").decode("utf-8")
    limit = settings.HELPDESK_MESSAGE_MAX_CHARS
    return value if len(value) <= limit else value[: limit - 2] + " …"


def _uploads(parsed: ParsedEmail) -> tuple[list[SimpleUploadedFile], list[str]]:
    """The attachments that pass the ticket limits, and the names of those that do not."""
    kept, dropped = [], []
    for item in parsed.files:
        upload = SimpleUploadedFile(item.filename, item.content, item.content_type)
        try:
            attachments_check([upload])
        except TicketError:
            dropped.append(item.filename)
            continue
        if len(kept) < MAX_FILES:
            kept.append(upload)
        else:
            dropped.append(item.filename)
    return kept, dropped


def _note_dropped(ticket: Ticket, dropped: list[str]) -> None:
    if dropped:
        with translation.override(settings.LANGUAGE_CODE):
            body = _(
                "Attachments not kept from this email (too large, too many, or a type we do not accept): %(names)s"
            ) % {"names": ", ".join(dropped)}
        ticket_add_system_note(ticket=ticket, body=body)


def _automatic(parsed: ParsedEmail, now) -> str:
    reason = automatic_reason(parsed.message, parsed.sender)
    if reason:
        return reason
    local, domain = reply_base()
    if parsed.sender == f"{local}@{domain}" or token_in(parsed.sender):
        return "loop"
    recent = InboundEmail.objects.filter(sender=parsed.sender, received_at__gte=now - timedelta(hours=1)).count()
    return "loop" if recent >= settings.HELPDESK_EMAIL_SENDER_HOURLY_LIMIT else ""


def _claims(parsed: ParsedEmail, envelope_recipient: str) -> tuple[ReplyToken | None, bool]:
    """The first valid reply token among the recipients, and whether an agent token failed to verify."""
    agent_refused = False
    for address in [envelope_recipient, *parsed.recipients]:
        token = token_in(address) if address else ""
        if not token:
            continue
        claim = token_read(token)
        if claim is not None:
            return claim, False
        agent_refused = agent_refused or token.startswith(AGENT)
    return None, agent_refused


def _current(ticket: Ticket | None) -> Ticket | None:
    seen = set()
    while ticket is not None and ticket.merged_into_id and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = ticket.merged_into
    return ticket


def _ticket_by_thread(parsed: ParsedEmail) -> Ticket | None:
    ids = parsed.thread_ids
    if not ids:
        return None
    sent = OutboundEmail.objects.filter(message_id__in=ids, recipient__iexact=parsed.sender, recipient_user=None)
    received = Message.objects.filter(
        email_message_id__in=ids, author_kind=AuthorKind.CUSTOMER, ticket__customer__email__iexact=parsed.sender
    )
    found = [(row.message_id, row.ticket) for row in sent.select_related("ticket")]
    found += [(row.email_message_id, row.ticket) for row in received.select_related("ticket")]
    if not found:
        return None
    rank = {value: index for index, value in enumerate(ids)}  # newest first: In-Reply-To wins
    return min(found, key=lambda pair: rank[pair[0]])[1]


def _agent_reply(parsed: ParsedEmail, claim: ReplyToken, body: str) -> IngestResult:
    user = get_user_model().objects.filter(pk=claim.actor_id, is_active=True).first()
    if user is None or not is_agent(user) or user.email.lower() != parsed.sender:
        return IngestResult(Outcome.REJECTED, "spoofed")
    ticket = _current(Ticket.objects.filter(pk=claim.ticket_id).first())
    if ticket is None or ticket.status == Status.CLOSED:
        return IngestResult(Outcome.REJECTED, "ticket-closed", ticket)
    uploads, dropped = _uploads(parsed)
    ticket_reply(
        ticket=ticket,
        body=body,
        by=user,
        channel=Channel.EMAIL,
        attachments=uploads,
        email_message_id=parsed.message_id,
    )
    _note_dropped(ticket, dropped)
    return IngestResult(Outcome.REPLIED, "agent", ticket)


def _customer_ticket(parsed: ParsedEmail, claim: ReplyToken | None) -> Ticket | None:
    if claim is not None:
        ticket = (
            Ticket.objects.select_related("customer").filter(pk=claim.ticket_id, customer_id=claim.actor_id).first()
        )
        if ticket is not None and ticket.customer.email.lower() == parsed.sender:
            return _current(ticket)
    return _current(_ticket_by_thread(parsed))


def _open_ticket(parsed: ParsedEmail, body: str, previous: Ticket | None) -> IngestResult:
    language = script_language(parsed.subject + " " + body)
    customer = (
        previous.customer
        if previous
        else customer_for_email(email=parsed.sender, name=parsed.sender_name[:200], locale=language)
    )
    with translation.override(language or customer.locale):
        subject = parsed.subject or _("(no subject)")
    uploads, dropped = _uploads(parsed)
    ticket = ticket_create(
        customer=customer,
        subject=subject,
        body=body,
        channel=Channel.EMAIL,
        locale=language or customer.locale,
        attachments=uploads,
        email_message_id=parsed.message_id,
    )
    if previous is not None:
        with translation.override(settings.LANGUAGE_CODE):
            note = _("This email answered ticket #%(number)s, which is closed, so it opened this follow-up.") % {
                "number": previous.pk
            }
        ticket_add_system_note(ticket=ticket, body=note)
    _note_dropped(ticket, dropped)
    return IngestResult(Outcome.FOLLOW_UP if previous else Outcome.CREATED, "", ticket)


def _route(parsed: ParsedEmail, envelope_recipient: str, now) -> IngestResult:
    reason = _automatic(parsed, now)
    if reason:
        return IngestResult(Outcome.IGNORED, reason)
    claim, agent_refused = _claims(parsed, envelope_recipient)
    if agent_refused:
        return IngestResult(Outcome.REJECTED, "bad-token")
    text = _text(parsed.text)
    if claim is not None and claim.kind == AGENT:
        return _agent_reply(parsed, claim, reply_text(text, subject=parsed.subject) or _("(The email had no text.)"))
    if get_user_model().objects.filter(email__iexact=parsed.sender).exists():
        return IngestResult(Outcome.REJECTED, "unverified-staff")
    ticket = _customer_ticket(parsed, claim)
    if ticket is None or ticket.status == Status.CLOSED:
        with translation.override(ticket.locale if ticket else script_language(text) or settings.LANGUAGE_CODE):
            body = text.strip() or _("(The email had no text.)")
        return _open_ticket(parsed, body, ticket)
    with translation.override(ticket.locale):
        body = reply_text(text, subject=parsed.subject) or _("(The email had no text.)")
    uploads, dropped = _uploads(parsed)
    ticket_reply(
        ticket=ticket,
        body=body,
        by=ticket.customer,
        channel=Channel.EMAIL,
        attachments=uploads,
        email_message_id=parsed.message_id,
    )
    _note_dropped(ticket, dropped)
    return IngestResult(Outcome.REPLIED, "", ticket)


def _duplicate(key: str) -> IngestResult | None:
    seen = InboundEmail.objects.select_related("ticket").filter(key=key).first()
    return IngestResult(seen.outcome, seen.reason, seen.ticket, duplicate=True) if seen else None


def email_ingest(raw: bytes, *, envelope_recipient: str = "") -> IngestResult:
    """Route one raw email; raise EmailTooLarge or parse.UnreadableEmail for mail to bounce."""
    if len(raw) > settings.HELPDESK_EMAIL_MAX_BYTES:
        raise EmailTooLarge(len(raw))
    parsed = email_parse(raw)
    key = _key(parsed, raw)
    seen = _duplicate(key)
    if seen is not None:
        return seen
    now = timezone.now()
    log = {
        "key": key,
        "message_id": parsed.message_id[:255],
        "sender": parsed.sender[:254],
        "subject": parsed.subject[:255],
        "size": len(raw),
        "received_at": now,
    }
    try:
        with transaction.atomic():
            result = _route(parsed, envelope_recipient, now)
            InboundEmail.objects.create(**log, outcome=result.outcome, reason=result.reason, ticket=result.ticket)
    except TicketError as error:
        result = IngestResult(Outcome.REJECTED, str(error.code))
        InboundEmail.objects.create(**log, outcome=result.outcome, reason=result.reason)
    except IntegrityError:  # the same email, delivered twice at once: the other delivery handled it
        seen = _duplicate(key)
        if seen is None:
            raise
        return seen
    return result
