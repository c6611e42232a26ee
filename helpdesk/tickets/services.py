"""Write path for tickets: every change goes through one of these functions.

Each runs in a transaction, writes a TicketEvent for the timeline, refreshes the SLA
figures when they may have moved, and tells staff screens and other apps on commit.
"""

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from helpdesk.accounts.roles import is_agent
from helpdesk.core.sanitize import render_markdown
from helpdesk.customers.models import Customer
from helpdesk.orders.models import Order

from . import broadcast
from .attachments import attachments_check
from .errors import TicketError, TicketErrorCode
from .models import (
    DONE,
    Attachment,
    AuthorKind,
    Channel,
    EventKind,
    Message,
    Priority,
    Status,
    Tag,
    Team,
    Ticket,
    TicketEvent,
)
from .search import search_text_extend
from .sla_sync import ticket_sla_refresh
from .text import clean_body, clean_subject, snippet


def _actor_fields(by) -> dict:
    if by is None:
        return {}
    if isinstance(by, Customer):
        return {"actor_customer": by}
    return {"actor_user": by}


def _require_staff(by) -> None:
    if by is None or isinstance(by, Customer) or not is_agent(by):
        raise TicketError(TicketErrorCode.NOT_STAFF)


def _event(ticket: Ticket, kind: EventKind, by=None, *, message: Message | None = None, **data) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket, kind=kind, message=message, data=data, created_at=timezone.now(), **_actor_fields(by)
    )
    broadcast.on_commit(event)
    return event


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _touch(ticket: Ticket, *fields: str) -> None:
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=[*fields, "updated_at"])


def _add_message(
    ticket: Ticket,
    *,
    body: str,
    by,
    public: bool,
    channel: str,
    attachments: Iterable[UploadedFile] = (),
    email_message_id: str = "",
) -> Message:
    checked = attachments_check(list(attachments))
    text = clean_body(body)
    kind = AuthorKind.SYSTEM if by is None else AuthorKind.CUSTOMER if isinstance(by, Customer) else AuthorKind.AGENT
    message = Message.objects.create(
        ticket=ticket,
        author_kind=kind,
        author_user=None if kind != AuthorKind.AGENT else by,
        public=public,
        body=text,
        body_html=render_markdown(text),
        channel=channel,
        email_message_id=email_message_id[:255],
        created_at=timezone.now(),
    )
    for item in checked:
        attachment = Attachment(message=message, filename=item.filename, content_type=item.content_type, size=item.size)
        attachment.file.save(item.filename, item.upload, save=False)
        attachment.save()  # a rollback leaves the file without a row: purge_orphan_attachments removes it later
    ticket.search_text = search_text_extend(ticket.search_text, text)
    if public:
        ticket.last_message_at = message.created_at
        ticket.last_message_snippet = snippet(text)
    return message


def _check_writable(ticket: Ticket) -> None:
    if ticket.merged_into_id:
        raise TicketError(TicketErrorCode.TICKET_MERGED)
    if ticket.status == Status.CLOSED:
        raise TicketError(TicketErrorCode.TICKET_CLOSED)


@transaction.atomic
def ticket_create(
    *,
    customer: Customer,
    subject: str,
    body: str,
    channel: str = Channel.WEB,
    priority: str = Priority.NORMAL,
    order: Order | None = None,
    locale: str = "",
    by=None,
    attachments: Iterable[UploadedFile] = (),
    email_message_id: str = "",
) -> Ticket:
    """Open a ticket with the customer's first message (`by` is the staff member opening it for them).

    `email_message_id` is the Message-ID of the email the message came in, so replies thread on it.
    """
    if order is not None and order.customer_id != customer.pk:
        raise TicketError(TicketErrorCode.ORDER_NOT_CUSTOMERS)
    if by is not None:
        _require_staff(by)
    now = timezone.now()
    ticket = Ticket.objects.create(
        subject=clean_subject(subject),
        customer=customer,
        channel=channel,
        priority=priority,
        order=order,
        locale=locale or customer.locale,
        created_at=now,
        updated_at=now,
        search_text=search_text_extend("", subject),
    )
    # The opening message is the customer's even when staff type it in for them (a phone call, say),
    # so the first-response clock starts with it.
    message = _add_message(
        ticket,
        body=body,
        by=customer,
        public=True,
        channel=channel,
        attachments=attachments,
        email_message_id=email_message_id,
    )
    ticket.save(update_fields=["search_text", "last_message_at", "last_message_snippet"])
    _event(ticket, EventKind.CREATED, by or customer, message=message, status=ticket.status, channel=channel)
    ticket_sla_refresh(ticket)
    broadcast.notify_customer(ticket, "received", message)
    return ticket


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    body: str,
    by,
    attachments: Iterable[UploadedFile] = (),
    status: str = "",
    channel: str = Channel.WEB,
    email_message_id: str = "",
) -> Message:
    """Add a public reply from the customer or an agent; an agent may set the status in the same step."""
    ticket = _lock(ticket)
    _check_writable(ticket)
    from_customer = isinstance(by, Customer)
    if not from_customer:
        _require_staff(by)
    message = _add_message(
        ticket,
        body=body,
        by=by,
        public=True,
        channel=channel,
        attachments=attachments,
        email_message_id=email_message_id,
    )
    _touch(ticket, "search_text", "last_message_at", "last_message_snippet")
    _event(ticket, EventKind.REPLIED, by, message=message)
    if from_customer:
        if ticket.status != Status.NEW:
            _status_change(ticket, Status.OPEN, by)
        broadcast.notify_assignee(ticket, message)
    elif not from_customer:
        reopened = Status.OPEN if ticket.status in (Status.NEW, Status.SOLVED) else ticket.status
        _status_change(ticket, status or reopened, by)
        if ticket.assignee_id is None:
            _assign(ticket, by, by)
        broadcast.notify_customer(ticket, "replied", message)
    ticket_sla_refresh(ticket)
    return message


@transaction.atomic
def ticket_add_note(*, ticket: Ticket, body: str, by, attachments: Iterable[UploadedFile] = ()) -> Message:
    """Add an internal note only staff can see."""
    _require_staff(by)
    ticket = _lock(ticket)
    if ticket.merged_into_id:
        raise TicketError(TicketErrorCode.TICKET_MERGED)
    message = _add_message(ticket, body=body, by=by, public=False, channel=Channel.WEB, attachments=attachments)
    _touch(ticket, "search_text")
    _event(ticket, EventKind.NOTE, by, message=message)
    return message


@transaction.atomic
def ticket_add_system_note(*, ticket: Ticket, body: str) -> Message:
    """Add an internal note written by the helpdesk itself (what happened to an email, say)."""
    ticket = _lock(ticket)
    message = _add_message(ticket, body=body, by=None, public=False, channel=Channel.WEB)
    _touch(ticket, "search_text")
    _event(ticket, EventKind.NOTE, None, message=message)
    return message


def _assign(ticket: Ticket, assignee, by) -> None:
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return
    previous = ticket.assignee
    ticket.assignee = assignee
    _touch(ticket, "assignee")
    _event(
        ticket,
        EventKind.ASSIGNED,
        by,
        **{"from": previous.get_full_name() if previous else "", "to": assignee.get_full_name() if assignee else ""},
        to_id=assignee.pk if assignee else None,
    )


@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee, by) -> Ticket:
    """Give the ticket to an agent (or to nobody with assignee=None)."""
    _require_staff(by)
    if assignee is not None:
        _require_staff(assignee)
    ticket = _lock(ticket)
    _assign(ticket, assignee, by)
    return ticket


@transaction.atomic
def ticket_set_team(*, ticket: Ticket, team: Team | None, by) -> Ticket:
    """Route the ticket to a team."""
    _require_staff(by)
    ticket = _lock(ticket)
    if ticket.team_id != (team.pk if team else None):
        previous = ticket.team
        ticket.team = team
        _touch(ticket, "team")
        _event(ticket, EventKind.TEAM, by, **{"from": str(previous or ""), "to": str(team or "")})
    return ticket


def _status_change(ticket: Ticket, status: str, by) -> None:
    if ticket.status == status:
        return
    previous = ticket.status
    ticket.status = status
    fields = ["status"]
    if status in DONE and previous not in DONE:
        ticket.solved_at = timezone.now()
        fields.append("solved_at")
    _touch(ticket, *fields)
    _event(ticket, EventKind.STATUS, by, **{"from": previous, "to": status})
    if status == Status.SOLVED:
        broadcast.notify_customer(ticket, "solved", None)


@transaction.atomic
def ticket_set_status(*, ticket: Ticket, status: str, by) -> Ticket:
    """Change the status; customers may only solve their own ticket or reopen it by replying."""
    if status not in Status.values:
        raise TicketError(TicketErrorCode.INVALID_STATUS)
    if isinstance(by, Customer):
        if status != Status.SOLVED or ticket.customer_id != by.pk:
            raise TicketError(TicketErrorCode.INVALID_STATUS)
    else:
        _require_staff(by)
    ticket = _lock(ticket)
    _check_writable(ticket)
    if status == Status.NEW and ticket.status != Status.NEW:
        raise TicketError(TicketErrorCode.INVALID_STATUS)
    _status_change(ticket, status, by)
    ticket_sla_refresh(ticket)
    return ticket


@transaction.atomic
def ticket_set_priority(*, ticket: Ticket, priority: str, by) -> Ticket:
    """Change the priority; the SLA targets follow it."""
    _require_staff(by)
    if priority not in Priority.values:
        raise TicketError(TicketErrorCode.INVALID_STATUS)
    ticket = _lock(ticket)
    if ticket.priority != priority:
        previous = ticket.priority
        ticket.priority = priority
        _touch(ticket, "priority")
        _event(ticket, EventKind.PRIORITY, by, **{"from": previous, "to": priority})
        ticket_sla_refresh(ticket)
    return ticket


def _tags_change(ticket: Ticket, add: Iterable[str], remove: Iterable[str], by) -> None:
    names_before = set(ticket.tags.values_list("name", flat=True))
    wanted = (names_before | {name for name in add if name}) - set(remove)
    if wanted == names_before:
        return
    tags = [Tag.objects.get_or_create(name=name)[0] for name in sorted(wanted)]
    ticket.tags.set(tags)
    _touch(ticket)
    _event(ticket, EventKind.TAGS, by, added=sorted(wanted - names_before), removed=sorted(names_before - wanted))


@transaction.atomic
def ticket_tag(*, ticket: Ticket, by, add: Iterable[str] = (), remove: Iterable[str] = ()) -> Ticket:
    """Add and remove tags."""
    _require_staff(by)
    ticket = _lock(ticket)
    _tags_change(ticket, add, remove, by)
    return ticket


@transaction.atomic
def ticket_link_order(*, ticket: Ticket, order: Order | None, by) -> Ticket:
    """Link the ticket to one of its customer's orders."""
    if order is not None and order.customer_id != ticket.customer_id:
        raise TicketError(TicketErrorCode.ORDER_NOT_CUSTOMERS)
    _require_staff(by)
    ticket = _lock(ticket)
    if ticket.order_id != (order.pk if order else None):
        ticket.order = order
        _touch(ticket, "order")
        _event(ticket, EventKind.ORDER, by, order=order.external_id if order else "")
    return ticket


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, by) -> Ticket:
    """Merge a duplicate into another ticket of the same customer: messages move, the source closes."""
    _require_staff(by)
    if source.pk == target.pk:
        raise TicketError(TicketErrorCode.MERGE_INTO_ITSELF)
    first, second = sorted([source.pk, target.pk])  # lock in one order so two merges cannot deadlock
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second])}
    source, target = locked[source.pk], locked[target.pk]
    if source.customer_id != target.customer_id:
        raise TicketError(TicketErrorCode.MERGE_OTHER_CUSTOMER)
    if source.merged_into_id or target.merged_into_id:
        raise TicketError(TicketErrorCode.TICKET_MERGED)
    source.messages.update(ticket=target)
    target.search_text = search_text_extend(target.search_text, source.search_text)
    latest = target.messages.filter(public=True).order_by("-created_at", "-id").first()
    if latest:
        target.last_message_at, target.last_message_snippet = latest.created_at, snippet(latest.body)
    _touch(target, "search_text", "last_message_at", "last_message_snippet")
    _event(target, EventKind.MERGED_FROM, by, other=source.pk, subject=source.subject)
    source.merged_into = target
    _touch(source, "merged_into")
    _event(source, EventKind.MERGED, by, other=target.pk, subject=target.subject)
    _status_change(source, Status.CLOSED, by)
    ticket_sla_refresh(source)
    ticket_sla_refresh(target)
    return target
