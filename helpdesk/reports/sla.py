"""The SLA report's figures: tickets created in a period of the shop's calendar days.

Read together with docs/reports.md ("SLA report"), which defines every figure.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.core.local_days import count_per_local_day
from helpdesk.sla.choices import Channel, Priority
from helpdesk.tickets.models import Ticket

from .sla_groups import DURATIONS, TARGETS, TOTAL, GroupCounts, group_figures
from .sla_groups import percentile as percentile  # the rule chat.report_rows ranks chats with


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the shop's time zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def tickets_created_between(start: date, end: date) -> QuerySet[Ticket]:
    """Tickets opened on the shop's calendar days start to end, merged-away tickets left out."""
    low, high = period_bounds(start, end)
    return Ticket.objects.filter(created_at__gte=low, created_at__lt=high, merged_into__isnull=True)


@dataclass(frozen=True)
class BreachRate:
    breached: int
    timed: int  # tickets that had this target

    @property
    def percent(self) -> float | None:
        return round(100 * self.breached / self.timed, 1) if self.timed else None


@dataclass(frozen=True)
class SlaFigures:
    key: str
    label: str
    tickets: int
    first_response_median: int | None
    first_response_p90: int | None
    resolution_median: int | None
    resolution_p90: int | None
    first_response: BreachRate
    next_response: BreachRate
    resolution: BreachRate


@dataclass(frozen=True)
class SlaReport:
    total: SlaFigures
    by_priority: list[SlaFigures]
    by_agent: list[SlaFigures]
    by_channel: list[SlaFigures]
    by_locale: list[SlaFigures]


def _figures(key: str, label: str, counts: GroupCounts, ranked: dict) -> SlaFigures:
    first, solved = ranked.get(DURATIONS[0], (None, None)), ranked.get(DURATIONS[1], (None, None))
    rate = {target: BreachRate(breached=counts.breached[target], timed=counts.timed[target]) for target in TARGETS}
    return SlaFigures(
        key=key,
        label=label,
        tickets=counts.tickets,
        first_response_median=first[0],
        first_response_p90=first[1],
        resolution_median=solved[0],
        resolution_p90=solved[1],
        first_response=rate["first_response"],
        next_response=rate["next_response"],
        resolution=rate["resolution"],
    )


def _agent_label(assignee_id: int | None, agents: dict[int, tuple[str, str, str]]) -> str:
    if assignee_id is None:
        return _("Unassigned")
    first_name, last_name, email = agents.get(assignee_id, ("", "", ""))
    return f"{first_name} {last_name}".strip() or email


def sla_report(start: date, end: date) -> SlaReport:
    """Every group's figures, in two queries over the tickets created in the period (helpdesk/reports/sla_groups.py)."""
    tickets = tickets_created_between(start, end)
    counts, ranked, agents = group_figures(tickets)
    priorities, channels = dict(Priority.choices), dict(Channel.choices)
    languages = dict(Ticket._meta.get_field("locale").choices)
    labels = {
        "priority": lambda value: str(priorities.get(value, value)),
        "assignee_id": lambda value: _agent_label(value, agents),
        "channel": lambda value: str(channels.get(value, value)),
        "locale": lambda value: str(languages.get(value, value)),
    }

    def grouped(dimension: str, order: list | None = None) -> list[SlaFigures]:
        figures = [
            _figures("" if value is None else str(value), labels[kind](value), found, ranked.get((kind, value), {}))
            for (kind, value), found in counts.items()
            if kind == dimension
        ]
        if order is None:
            return sorted(figures, key=lambda figure: figure.label.casefold())
        return sorted(figures, key=lambda row: order.index(row.key) if row.key in order else len(order))

    return SlaReport(
        total=_figures("", _("All tickets"), counts.get(TOTAL, GroupCounts()), ranked.get(TOTAL, {})),
        by_priority=grouped("priority", order=list(reversed(priorities))),
        by_agent=grouped("assignee_id"),
        by_channel=grouped("channel", order=list(channels)),
        by_locale=grouped("locale", order=list(languages)),
    )


@dataclass(frozen=True)
class VolumePoint:
    day: date  # the first day of the bucket (a day, or a month)
    created: int
    solved: int
    backlog: int  # unsolved at the end of the bucket's last day


def daily_volume(start: date, end: date) -> list[VolumePoint]:
    """Created and solved per day, and the backlog at each day's end, in four queries.

    Each counts through one of the partial indexes on created_at and solved_at (merged tickets left
    out), rather than one pass over the whole table.
    """
    low, high = period_bounds(start, end)
    tickets = Ticket.objects.filter(merged_into__isnull=True)
    backlog = tickets.filter(created_at__lt=low).count() - tickets.filter(solved_at__lt=low).count()
    created = count_per_local_day(tickets.filter(created_at__gte=low, created_at__lt=high), "created_at", low, high)
    solved = count_per_local_day(tickets.filter(solved_at__gte=low, solved_at__lt=high), "solved_at", low, high)
    points, day = [], start
    while day <= end:
        backlog += created.get(day, 0) - solved.get(day, 0)
        points.append(VolumePoint(day=day, created=created.get(day, 0), solved=solved.get(day, 0), backlog=backlog))
        day += timedelta(days=1)
    return points


def fold_volume(points: Sequence[VolumePoint], bucket_of: Callable[[date], date]) -> list[VolumePoint]:
    """Sum daily points into buckets (months, say); a bucket's backlog is that of its last day."""
    buckets: dict[date, VolumePoint] = {}
    for point in points:
        key = bucket_of(point.day)
        seen = buckets.get(key)
        created = point.created + (seen.created if seen else 0)
        solved = point.solved + (seen.solved if seen else 0)
        buckets[key] = VolumePoint(day=key, created=created, solved=solved, backlog=point.backlog)
    return list(buckets.values())


def breaching_tickets(start: date, end: date, *, target: str = "", **filters) -> QuerySet[Ticket]:
    """Tickets of the period that breached `target` (any target when empty), newest first.

    `filters` may name priority, channel, locale and assignee_id (None for unassigned).
    """
    breached = Q(**{f"{target}_breached": True}) if target else Q(sla_breached=True)
    chosen = {name: value for name, value in filters.items() if value not in ("", None)}
    if filters.get("assignee_id", "") is None:
        chosen["assignee__isnull"] = True
    return (
        tickets_created_between(start, end)
        .filter(breached, **chosen)
        .select_related("customer", "assignee")
        .order_by("-created_at", "-id")
    )


def ticket_rows(start: date, end: date) -> QuerySet[Ticket]:
    """Every ticket of the period for the CSV, oldest first."""
    return tickets_created_between(start, end).order_by("created_at", "id")
