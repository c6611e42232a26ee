"""Reads for the inbox, the ticket page and the customer portal, each scoped and bounded."""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db import connections
from django.db.models import Exists, F, Lookup, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from helpdesk.customers.models import Customer

from .models import UNSOLVED, Attachment, Status, Tag, Ticket, TicketEvent
from .search import search_q

PAGE_SIZE = 25
# A tag on more tickets than this is filtered by walking the inbox's order (see _tag_q).
COMMON_TAG = 2000
# On PostgreSQL, a tag on at most this many tickets is looked up by id (see _tag_q_postgresql).
FEW_LINKS = 10_000
DUE_SOON = timedelta(hours=1)


class InboxView(StrEnum):
    MINE = "mine"
    UNASSIGNED = "unassigned"
    DUE_SOON = "due_soon"
    BREACHED = "breached"
    PENDING = "pending"
    OPEN = "open"


def view_q(view: InboxView, *, agent, now: datetime) -> Q:
    unsolved = Q(status__in=UNSOLVED)
    return {
        InboxView.MINE: unsolved & Q(assignee=agent),
        InboxView.UNASSIGNED: Q(status__in=[Status.NEW, Status.OPEN], assignee__isnull=True),
        InboxView.DUE_SOON: unsolved & Q(sla_due_at__gte=now, sla_due_at__lte=now + DUE_SOON),
        InboxView.BREACHED: unsolved & (Q(sla_breached=True) | Q(sla_due_at__lt=now)),
        InboxView.PENDING: Q(status=Status.PENDING),
        InboxView.OPEN: unsolved,
    }[view]


# Filters that narrow the inbox besides a tag (see _tag_q).
NARROWING = ("status", "priority", "assignee", "team", "channel", "locale", "q")


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""
    priority: str = ""
    assignee: str = ""  # a user id, or "none" for unassigned
    team: str = ""
    tag: str = ""
    channel: str = ""
    locale: str = ""
    q: str = ""

    def as_q(self) -> Q:
        q = Q()
        for field in ("status", "priority", "channel", "locale"):
            if value := getattr(self, field):
                q &= Q(**{field: value})
        if self.assignee == "none":
            q &= Q(assignee__isnull=True)
        elif self.assignee.isdigit():
            q &= Q(assignee_id=int(self.assignee))
        if self.team.isdigit():
            q &= Q(team_id=int(self.team))
        if self.tag:
            q &= _tag_q(self.tag, alone=not any(getattr(self, name) for name in NARROWING))
        if self.q:
            q &= _search(self.q)
        return q


def _tag_q(name: str, *, alone: bool) -> Q:
    """Tickets with the tag, written for the plan that suits how many tickets carry it.

    By id: a join on the tag's name gives PostgreSQL a poor plan next to other filters. On
    SQLite a tag on few tickets is joined (read them all, sort, keep a page). For a common tag with no other
    filter, SQLite would read every one of its tickets the same way (45 ms for 15,000), so the
    due-time index is walked instead, checking each ticket for the tag: a page within a few
    hundred rows. Another filter on top (an urgent priority, say) makes that walk long, and the
    join reads every ticket the tag was ever on, solved ones included (SQLite's statistics only
    know the average tag, so it starts there anyway; 30 ms for 15,000): so SQLite takes the
    unsolved tickets' ids from the status index and keeps those with the tag, a few thousand
    index lookups whatever the tag's history. PostgreSQL: see `_tag_q_postgresql`.
    """
    tagged = Ticket.tags.through.objects
    if connections[tagged.db].vendor == "postgresql":
        return _tag_q_postgresql(name, alone=alone)
    common = Exists(tagged.filter(tag=OuterRef("pk"))[COMMON_TAG:])
    found = Tag.objects.filter(name=name).values_list("pk", common).first()
    if found is None:
        return Q(pk__in=[])
    tag_id, is_common = found
    if is_common and alone:
        return Q(Exists(tagged.filter(ticket=OuterRef("pk"), tag_id=tag_id)))
    if is_common:
        unsolved = Ticket.objects.filter(status__in=UNSOLVED).order_by().values("pk")
        return Q(pk__in=tagged.filter(tag_id=tag_id, ticket__in=unsolved).values("ticket_id"))
    return Q(tags=tag_id)


class _AnyOf(Lookup):
    """`lhs = ANY(ARRAY(subquery))`: PostgreSQL runs the subquery once, then looks each value up in an index.

    (`lhs IN (subquery)` leaves the planner free to join instead.)
    """

    lookup_name = "any_of"  # used as an expression, not registered

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def _tag_q_postgresql(name: str, *, alone: bool) -> Q:
    """On PostgreSQL: a tag on up to FEW_LINKS tickets is looked up by id.

    Joined, a tag that is rare among the unsolved tickets but on thousands of solved ones (5,500
    links, 266 unsolved, at 1M tickets) made the planner read every unsolved ticket and hash them,
    or walk the due-time index through thousands of tickets: 40-70 ms for the list query. Its
    ticket ids are now read first (`= ANY(ARRAY(…))`, which the planner cannot turn into a join)
    and each is looked up by primary key: 12-15 ms. (A partial index of the unsolved tickets' ids
    made it 8-11 ms, but the planner then also used that index to read every unsolved ticket for
    an urgent priority with a common tag, 7 → 31 ms, so there is none.) A common tag alone walks
    the inbox's order as on SQLite (PostgreSQL makes the EXISTS a semi-join that stops within a
    page); with other filters it is joined, which PostgreSQL plans well: its statistics know the
    common tags.
    """
    tagged = Ticket.tags.through.objects
    many = Exists(tagged.filter(tag=OuterRef("pk"))[FEW_LINKS:])
    found = Tag.objects.filter(name=name).values_list("pk", many).first()
    if found is None:
        return Q(pk__in=[])
    tag_id, is_many = found
    if not is_many:
        return Q(_AnyOf(F("pk"), Subquery(tagged.filter(tag_id=tag_id).values("ticket_id"))))
    if alone:
        return Q(Exists(tagged.filter(ticket=OuterRef("pk"), tag_id=tag_id)))
    return Q(tags=tag_id)


def _search(query: str) -> Q:
    text = query.strip()
    number = text.lstrip("#")
    if number.isdecimal() and len(number) < 12:
        return Q(pk=int(number))
    if "@" in text and " " not in text:
        return Q(customer__email=text.lower())  # stored lowercased, so the index serves it
    return search_q(text) or Q(pk__in=[])


@dataclass(frozen=True)
class InboxPage:
    tickets: list[Ticket]
    next_cursor: str


def cursor_encode(ticket: Ticket) -> str:
    raw = f"{ticket.sla_due_at.isoformat()}|{ticket.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime, int] | None:
    """Return the (due, id) a cursor points after, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        due_text, pk_text = raw.split("|")
        due = parse_datetime(due_text)
        return (due, int(pk_text)) if due and due.tzinfo else None
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def tickets_for_agent(
    *, agent, view: InboxView, filters: InboxFilters = InboxFilters(), cursor: str = "", now: datetime | None = None
) -> InboxPage:
    """One inbox page sorted by the nearest SLA due time, after `cursor` (keyset, no OFFSET)."""
    now = now or timezone.now()
    queryset = Ticket.objects.filter(view_q(view, agent=agent, now=now) & filters.as_q(), merged_into__isnull=True)
    if (position := cursor_decode(cursor)) is not None:
        due, pk = position
        # The range first, so the due-time index is entered there; `a > x OR (a = x AND id > y)`
        # alone made SQLite read every later ticket and sort them (45 ms at page 40 of 100k).
        queryset = queryset.filter(Q(sla_due_at__gte=due) & (Q(sla_due_at__gt=due) | Q(pk__gt=pk)))
    rows = list(
        queryset.select_related("customer", "assignee")
        .only(*INBOX_ROW_FIELDS)
        .prefetch_related("tags")
        .order_by("sla_due_at", "pk")[: PAGE_SIZE + 1]
    )
    next_cursor = cursor_encode(rows[PAGE_SIZE - 1]) if len(rows) > PAGE_SIZE else ""
    return InboxPage(rows[:PAGE_SIZE], next_cursor)


INBOX_ROW_FIELDS = (
    "public_id",
    "subject",
    "status",
    "priority",
    "channel",
    "locale",
    "created_at",
    "updated_at",
    "last_message_at",
    "last_message_snippet",
    "sla_due_at",
    "sla_breached",
    "sla_paused",
    "customer__name",
    "customer__email",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__email",
)

COUNT_CAP = 1000


def inbox_counts(*, agent, now: datetime | None = None) -> dict[str, int]:
    """The number of tickets in each view, each counted only up to COUNT_CAP + 1, in one statement."""
    now = now or timezone.now()
    live = Ticket.objects.filter(status__in=UNSOLVED, merged_into__isnull=True).order_by()
    parts, params = [], []
    for view in InboxView:
        capped = live.filter(view_q(view, agent=agent, now=now)).values("pk")[: COUNT_CAP + 1]
        sql, view_params = capped.query.sql_with_params()
        # `sql` comes from the ORM with its parameters apart; the alias is an enum value.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped_{view.value})")  # noqa: S608
        params.extend(view_params)
    with connections[live.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {view.value: count for view, count in zip(InboxView, row, strict=True)}


def ticket_for_staff(pk: int) -> Ticket | None:
    return (
        # What the page shows; the duplicate's target and the SLA policy are read only by id.
        Ticket.objects.select_related("customer", "assignee", "team", "order")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )


def ticket_timeline(ticket: Ticket, *, public_only: bool = False) -> QuerySet[TicketEvent]:
    """The ticket's events, oldest first, with their messages and attachments (customers see public ones)."""
    # Messages merged in from a duplicate keep their events on the duplicate; they belong here too.
    # Naming the tickets first (this one and its duplicates) keeps the OR from scanning every event;
    # a UNION, not `pk = … OR merged_into = …`, which SQLite answers by scanning every ticket.
    duplicates = Ticket.objects.filter(merged_into=ticket).order_by().values("pk")
    sources = Ticket.objects.filter(pk=ticket.pk).order_by().values("pk").union(duplicates, all=True)
    events = (
        TicketEvent.objects.filter(ticket_id__in=sources)
        .filter(Q(ticket=ticket) | Q(message__ticket=ticket))
        .select_related("actor_user", "actor_customer", "message__author_user")
        .prefetch_related(Prefetch("message__attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )
    if public_only:
        events = events.filter(message__public=True)
    return events


def tickets_for_customer(customer: Customer) -> QuerySet[Ticket]:
    """The customer's own tickets, newest first, merged duplicates left out."""
    return Ticket.objects.filter(customer=customer, merged_into__isnull=True).order_by("-created_at", "-pk")


def ticket_for_customer(customer: Customer, public_id) -> Ticket | None:
    """The customer's own ticket, merged duplicates included (their page leads to the ticket they joined)."""
    return Ticket.objects.select_related("order", "merged_into").filter(customer=customer, public_id=public_id).first()


def attachment_for_staff(public_id) -> Attachment | None:
    return Attachment.objects.select_related("message").filter(public_id=public_id).first()


def attachment_for_customer(customer: Customer, public_id) -> Attachment | None:
    return (
        Attachment.objects.select_related("message")
        .filter(public_id=public_id, message__public=True, message__ticket__customer=customer)
        .first()
    )


def customer_panel(customer: Customer, *, exclude_ticket: Ticket | None = None) -> dict:
    """What an agent sees beside a conversation: recent orders and earlier tickets."""
    earlier = tickets_for_customer(customer).only("pk", "subject", "status", "created_at")
    if exclude_ticket is not None:
        earlier = earlier.exclude(pk=exclude_ticket.pk)
    return {
        "orders": list(customer.orders.order_by("-placed_at")[:5]),
        "tickets": list(earlier[:10]),
    }
