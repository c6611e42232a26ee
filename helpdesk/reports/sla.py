"""The SLA report's figures: tickets created in a period of the shop's calendar days.

Read together with docs/reports.md ("SLA report"), which defines every figure.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.sla.choices import Channel, Priority
from helpdesk.tickets.models import Ticket

TARGETS = ("first_response", "next_response", "resolution")
_TARGET_MINUTES = {target: f"sla_policy__{target}_minutes" for target in TARGETS}
_FIELDS = [
    "priority",
    "channel",
    "locale",
    "assignee_id",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__email",
    "first_response_business_seconds",
    "resolution_business_seconds",
    *(f"{target}_breached" for target in TARGETS),
    *_TARGET_MINUTES.values(),
]


def percentile(values: Iterable[int], share: int) -> int | None:
    """The nearest-rank percentile: the smallest value with at least `share` % of values at or below it."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(math.ceil(share * len(ordered) / 100), 1) - 1]


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


def _rate(rows: Sequence[dict], target: str) -> BreachRate:
    breached = f"{target}_breached"
    timed = [row for row in rows if row[breached] or row[_TARGET_MINUTES[target]] is not None]
    return BreachRate(breached=sum(1 for row in timed if row[breached]), timed=len(timed))


def _present(values: Iterable[int | None]) -> list[int]:
    return [value for value in values if value is not None]


def _figures(key: str, label: str, rows: Sequence[dict]) -> SlaFigures:
    first = _present(row["first_response_business_seconds"] for row in rows)
    solved = _present(row["resolution_business_seconds"] for row in rows)
    return SlaFigures(
        key=key,
        label=label,
        tickets=len(rows),
        first_response_median=percentile(first, 50),
        first_response_p90=percentile(first, 90),
        resolution_median=percentile(solved, 50),
        resolution_p90=percentile(solved, 90),
        first_response=_rate(rows, "first_response"),
        next_response=_rate(rows, "next_response"),
        resolution=_rate(rows, "resolution"),
    )


def _agent_label(row: dict) -> str:
    if row["assignee_id"] is None:
        return _("Unassigned")
    name = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
    return name or row["assignee__email"]


def _grouped(rows: Sequence[dict], key: Callable[[dict], str], label: Callable[[str, dict], str], order=None):
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    figures = [_figures(name, label(name, members[0]), members) for name, members in groups.items()]
    if order is None:
        return sorted(figures, key=lambda figure: figure.label.casefold())
    return sorted(figures, key=lambda figure: order.index(figure.key) if figure.key in order else len(order))


def sla_report(start: date, end: date) -> SlaReport:
    """Every group's figures from one query over the tickets created in the period."""
    rows = list(tickets_created_between(start, end).values(*_FIELDS))
    priorities, channels = dict(Priority.choices), dict(Channel.choices)
    languages = dict(Ticket._meta.get_field("locale").choices)
    return SlaReport(
        total=_figures("", _("All tickets"), rows),
        by_priority=_grouped(
            rows, lambda r: r["priority"], lambda k, r: str(priorities.get(k, k)), order=list(reversed(priorities))
        ),
        by_agent=_grouped(rows, lambda r: str(r["assignee_id"] or ""), lambda k, r: _agent_label(r)),
        by_channel=_grouped(rows, lambda r: r["channel"], lambda k, r: str(channels.get(k, k)), order=list(channels)),
        by_locale=_grouped(rows, lambda r: r["locale"], lambda k, r: str(languages.get(k, k)), order=list(languages)),
    )


@dataclass(frozen=True)
class VolumePoint:
    day: date  # the first day of the bucket (a day, or a month)
    created: int
    solved: int
    backlog: int  # unsolved at the end of the bucket's last day


def _per_day(queryset: QuerySet[Ticket], field: str) -> dict[date, int]:
    day = TruncDate(field, tzinfo=timezone.get_current_timezone())
    return dict(queryset.annotate(day=day).values("day").annotate(count=Count("pk")).values_list("day", "count"))


def daily_volume(start: date, end: date) -> list[VolumePoint]:
    """Created and solved per day, and the backlog at each day's end, in four queries.

    Each counts through one of the partial indexes on created_at and solved_at (merged tickets left
    out), rather than one pass over the whole table.
    """
    low, high = period_bounds(start, end)
    tickets = Ticket.objects.filter(merged_into__isnull=True)
    backlog = tickets.filter(created_at__lt=low).count() - tickets.filter(solved_at__lt=low).count()
    created = _per_day(tickets.filter(created_at__gte=low, created_at__lt=high), "created_at")
    solved = _per_day(tickets.filter(solved_at__gte=low, solved_at__lt=high), "solved_at")
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
    """Every ticket of the period for the CSV, oldest first, with its assignee."""
    return tickets_created_between(start, end).select_related("assignee").order_by("created_at", "id")
