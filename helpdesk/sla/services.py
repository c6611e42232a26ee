"""Write path for SLA configuration: every change bumps `updated_at` and announces itself after commit."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time

from django.db import transaction

from .models import Calendar, CalendarClosedDate, CalendarHours, CalendarOverride, CalendarOverrideHours, SlaPolicy
from .signals import sla_configuration_changed

WeeklyHours = Mapping[int, Iterable[tuple[time, time]]]


@dataclass(frozen=True)
class OverrideData:
    name: str
    start_date: date
    end_date: date
    hours: WeeklyHours = field(default_factory=dict)


def _announce(*, calendar: Calendar | None = None, policy: SlaPolicy | None = None) -> None:
    sender = Calendar if policy is None else SlaPolicy
    transaction.on_commit(lambda: sla_configuration_changed.send(sender=sender, calendar=calendar, policy=policy))


@transaction.atomic
def calendar_save(*, calendar: Calendar) -> Calendar:
    """Save a calendar (making it the only default if it is marked so) and announce the change."""
    if calendar.is_default:
        others = Calendar.objects.select_for_update().filter(is_default=True).exclude(pk=calendar.pk)
        for other in others:
            other.is_default = False
            other.save(update_fields=["is_default", "updated_at"])
    calendar.save()
    _announce(calendar=calendar)
    return calendar


@transaction.atomic
def calendar_touch(*, calendar: Calendar) -> Calendar:
    """Record that a calendar's hours, closed days or special hours changed, and announce it."""
    calendar.save(update_fields=["updated_at"])
    _announce(calendar=calendar)
    return calendar


def _replace_hours(queryset, make, hours: WeeklyHours) -> bool:
    wanted = sorted((weekday, start, end) for weekday, spans in hours.items() for start, end in spans)
    if sorted(queryset.values_list("weekday", "start", "end")) == wanted:
        return False
    queryset.delete()
    for weekday, start, end in wanted:
        row = make(weekday=weekday, start=start, end=end)
        row.full_clean()
        row.save()
    return True


@transaction.atomic
def calendar_hours_replace(*, calendar: Calendar, hours: WeeklyHours) -> Calendar:
    """Replace a calendar's weekly opening hours (weekday 0 = Monday; a missing weekday is closed)."""
    if _replace_hours(calendar.hours.all(), lambda **row: CalendarHours(calendar=calendar, **row), hours):
        calendar_touch(calendar=calendar)
    return calendar


@transaction.atomic
def calendar_closed_date_set(*, calendar: Calendar, day: date, name: str = "") -> CalendarClosedDate:
    """Close the calendar on a date (or rename the closed date) and announce it."""
    closed, _created = CalendarClosedDate.objects.update_or_create(calendar=calendar, date=day, defaults={"name": name})
    calendar_touch(calendar=calendar)
    return closed


@transaction.atomic
def calendar_override_set(*, calendar: Calendar, data: OverrideData) -> CalendarOverride:
    """Create or update the special hours of that name on a calendar, with their weekly hours."""
    override = CalendarOverride.objects.filter(calendar=calendar, name=data.name).first() or CalendarOverride(
        calendar=calendar, name=data.name
    )
    override.start_date, override.end_date = data.start_date, data.end_date
    override.full_clean()
    override.save()
    _replace_hours(override.hours.all(), lambda **row: CalendarOverrideHours(override=override, **row), data.hours)
    calendar_touch(calendar=calendar)
    return override


@transaction.atomic
def calendar_override_save(*, override: CalendarOverride) -> CalendarOverride:
    """Save special hours as edited (their hours rows saved by the caller) and announce the calendar's change."""
    override.save()
    calendar_touch(calendar=override.calendar)
    return override


@transaction.atomic
def calendar_override_delete(*, override: CalendarOverride) -> None:
    """Delete special hours and announce the calendar's change."""
    calendar = override.calendar
    override.delete()
    calendar_touch(calendar=calendar)


@transaction.atomic
def calendar_delete(*, calendar: Calendar) -> None:
    """Delete a calendar no policy uses, and announce it."""
    calendar.delete()
    _announce()


@transaction.atomic
def policy_save(*, policy: SlaPolicy) -> SlaPolicy:
    """Save an SLA policy and announce the change."""
    policy.save()
    _announce(policy=policy)
    return policy


@transaction.atomic
def policy_delete(*, policy: SlaPolicy) -> None:
    """Delete an SLA policy and announce it, so its tickets fall back to another policy."""
    policy.delete()
    _announce()
