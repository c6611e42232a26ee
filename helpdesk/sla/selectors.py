"""Reads of SLA configuration, and the clock calendars built from it."""

import threading
from collections import defaultdict
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.utils import translation

from .clock import BusinessCalendar
from .engine import PAUSE_DEFAULT, Targets
from .models import Calendar, SlaPolicy

ALWAYS_OPEN = BusinessCalendar(tz=ZoneInfo("UTC"), weekly={day: ((time(0), time(0)),) for day in range(7)})

_lock = threading.Lock()
_calendars: dict[int, tuple[object, BusinessCalendar]] = {}


class ClosedDates(frozenset):
    """A calendar's own closed dates; `in` also asks the country's public holidays, loading each year on first use."""

    def __new__(cls, dates, *, country: str = "", subdivision: str = ""):
        closed = super().__new__(cls, dates)
        closed.country, closed.subdivision = country, subdivision
        closed._years: dict[int, frozenset[date]] = {}
        closed._lock = threading.Lock()
        return closed

    def __contains__(self, day) -> bool:
        return frozenset.__contains__(self, day) or (bool(self.country) and day in self.holidays(day.year))

    def __eq__(self, other):
        if not isinstance(other, ClosedDates):
            return NotImplemented
        same_country = (self.country, self.subdivision) == (other.country, other.subdivision)
        return same_country and frozenset.__eq__(self, other)

    def __hash__(self):
        return hash((frozenset(self), self.country, self.subdivision))

    def holidays(self, year: int) -> frozenset[date]:
        """Return the country's public holidays in a year."""
        if year not in self._years:
            with self._lock:
                if year not in self._years:
                    found = holidays.country_holidays(self.country, subdiv=self.subdivision or None, years=year)
                    self._years[year] = frozenset(found)
        return self._years[year]


def _holiday_language(country: str) -> str | None:
    current = (translation.get_language() or "en").split("-")[0]
    supported = holidays.country_holidays(country).supported_languages
    return next((code for code in supported if code.split("_")[0] == current), None)


def upcoming_holidays(calendar: Calendar, *, start: date, days: int = 365) -> list[tuple[date, str]]:
    """Return the public holidays (named in the active language when possible) and custom closed days ahead."""
    end = start + timedelta(days=days)
    found: dict[date, str] = {}
    if calendar.holiday_country:
        names = holidays.country_holidays(
            calendar.holiday_country,
            subdiv=calendar.holiday_subdivision or None,
            years=range(start.year, end.year + 1),
            language=_holiday_language(calendar.holiday_country),
        )
        found.update({day: name for day, name in names.items() if start <= day < end})
    for closed in calendar.closed_dates.filter(date__gte=start, date__lt=end):
        found[closed.date] = closed.name
    return sorted(found.items())


def _intervals(rows) -> dict[int, tuple[tuple[time, time], ...]]:
    by_day: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for row in rows:
        by_day[row.weekday].append((row.start, row.end))
    return {weekday: tuple(hours) for weekday, hours in by_day.items()}


def _overrides(calendar: Calendar) -> dict[date, tuple[tuple[time, time], ...]]:
    result = {}
    for override in calendar.overrides.prefetch_related("hours").order_by("start_date"):
        weekly = _intervals(override.hours.all())
        day = override.start_date
        while day <= override.end_date:
            result[day] = weekly.get(day.weekday(), ())
            day += timedelta(days=1)
    return result


def _build(calendar: Calendar) -> BusinessCalendar:
    return BusinessCalendar(
        tz=ZoneInfo(calendar.timezone),
        weekly=_intervals(calendar.hours.all()),
        closed_dates=ClosedDates(
            calendar.closed_dates.values_list("date", flat=True),
            country=calendar.holiday_country,
            subdivision=calendar.holiday_subdivision,
        ),
        overrides=_overrides(calendar),
    )


def default_calendar() -> Calendar | None:
    """Return the calendar used by policies that name none."""
    return Calendar.objects.filter(is_default=True).first()


def business_calendar(calendar: Calendar | None) -> BusinessCalendar:
    """Return the clock calendar for a stored calendar (None: the default one, else always open), cached per edit."""
    if calendar is None:
        calendar = default_calendar()
        if calendar is None:
            return ALWAYS_OPEN
    cached = _calendars.get(calendar.pk)
    if cached is not None and cached[0] == calendar.updated_at:
        return cached[1]
    built = _build(calendar)
    with _lock:
        _calendars[calendar.pk] = (calendar.updated_at, built)
    return built


def policy_for(*, priority: str, channel: str) -> SlaPolicy | None:
    """Return the policy for a priority and channel: the channel's own first, then the one for any channel."""
    policies = {
        policy.channel: policy
        for policy in SlaPolicy.objects.select_related("calendar").filter(priority=priority, channel__in=[channel, ""])
    }
    return policies.get(channel) or policies.get("")


def policies() -> list[SlaPolicy]:
    """Return every policy with its calendar, for settings pages."""
    return list(SlaPolicy.objects.select_related("calendar").order_by("priority", "channel"))


def _seconds(minutes: int | None) -> int | None:
    return None if minutes is None else minutes * 60


def targets_for(policy: SlaPolicy) -> Targets:
    """Return a policy's targets in business seconds."""
    return Targets(
        first_response=_seconds(policy.first_response_minutes),
        next_response=_seconds(policy.next_response_minutes),
        resolution=_seconds(policy.resolution_minutes),
    )


def paused_statuses_for(policy: SlaPolicy) -> frozenset[str]:
    """Return the ticket statuses in which a policy's clocks stand still."""
    paused = {"pending": policy.pause_on_pending, "on_hold": policy.pause_on_on_hold}
    return frozenset(status for status, pause in paused.items() if pause) & PAUSE_DEFAULT
