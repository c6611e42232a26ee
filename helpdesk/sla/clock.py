"""Business-hours arithmetic: exact whole seconds of open time between two instants.

The calendar describes opening hours in local wall time; each local day's hours are turned into
UTC instants with zoneinfo, so the answer depends only on the arguments, never on process state.

Choices at the edges of wall time (docs/sla.md explains them):
- instants are truncated to whole seconds (towards the past) before anything else, so
  ``business_seconds`` is exactly additive over any split point;
- a wall time that does not exist (clocks jumped forward) is moved to the instant of the jump,
  so an interval that overlaps the gap is shortened by it;
- a wall time that happens twice (clocks went back) means its first occurrence (fold=0), so an
  interval that ends after the repeated hour is lengthened by it;
- an interval ending at 00:00 ends at midnight at the end of its day.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

Interval = tuple[time, time]

MIDNIGHT = time(0)
ONE_DAY = timedelta(days=1)
ONE_SECOND = timedelta(seconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# add_business_seconds gives up after this many days, so a calendar that is never open cannot loop.
SEARCH_DAYS = 3 * 366


def _normalise(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Return the intervals sorted, to the second, after checking each one is a forward span of one day."""
    result = []
    for start, end in intervals:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("Opening hours are local wall times without a time zone.")
        start, end = start.replace(microsecond=0), end.replace(microsecond=0)
        if end != MIDNIGHT and end <= start:
            raise ValueError(f"Opening hours must end after they start: {start:%H:%M}–{end:%H:%M}.")
        result.append((start, end))
    return tuple(sorted(result))


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours in one time zone: weekly hours, closed dates and dated overrides.

    Treat the mappings as immutable: each calendar caches the open instants of the days it has seen.
    """

    tz: ZoneInfo
    weekly: Mapping[int, tuple[Interval, ...]]
    closed_dates: frozenset[date] = frozenset()
    overrides: Mapping[date, tuple[Interval, ...]] = field(default_factory=dict)
    _days: dict[date, tuple[tuple[tuple[int, int], ...], int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self):
        weekly = {int(weekday): _normalise(hours) for weekday, hours in self.weekly.items()}
        if any(weekday not in range(7) for weekday in weekly):
            raise ValueError("Weekdays run from 0 (Monday) to 6 (Sunday).")
        object.__setattr__(self, "weekly", MappingProxyType(weekly))
        overrides = {day: _normalise(hours) for day, hours in self.overrides.items()}
        object.__setattr__(self, "overrides", MappingProxyType(overrides))
        if not isinstance(self.closed_dates, frozenset):
            object.__setattr__(self, "closed_dates", frozenset(self.closed_dates))

    def __hash__(self):
        return hash((self.tz.key, tuple(sorted(self.weekly.items())), self.closed_dates, len(self.overrides)))

    def hours_on(self, day: date) -> tuple[Interval, ...]:
        """Return the wall-time opening hours of a local date (closed dates win over overrides)."""
        if day in self.closed_dates:
            return ()
        if day in self.overrides:
            return self.overrides[day]
        return self.weekly.get(day.weekday(), ())

    def has_hours(self) -> bool:
        """Tell whether the calendar is ever open."""
        return any(self.weekly.values()) or any(self.overrides.values())

    def open_seconds(self, day: date) -> tuple[tuple[tuple[int, int], ...], int]:
        """Return a local date's open spans as UTC epoch seconds, merged, with their total."""
        cached = self._days.get(day)
        if cached is None:
            cached = self._days[day] = _open_spans(self.tz, day, self.hours_on(day))
        return cached


def _open_spans(tz: ZoneInfo, day: date, hours: tuple[Interval, ...]) -> tuple[tuple[tuple[int, int], ...], int]:
    spans: list[tuple[int, int]] = []
    for start, end in hours:
        lo = _wall_to_epoch(tz, datetime.combine(day, start))
        hi = _wall_to_epoch(tz, datetime.combine(day + ONE_DAY if end == MIDNIGHT else day, end))
        if hi <= lo:
            continue  # the whole interval fell into a DST gap
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return tuple(spans), sum(hi - lo for lo, hi in spans)


def _epoch(moment: datetime) -> int:
    return (moment - EPOCH) // ONE_SECOND


def _local_wall(tz: ZoneInfo, seconds: int) -> datetime:
    return (EPOCH + timedelta(seconds=seconds)).astimezone(tz).replace(tzinfo=None)


def _wall_to_epoch(tz: ZoneInfo, wall: datetime) -> int:
    """Return the instant of a local wall time: its first occurrence, or the jump if it does not exist."""
    seconds = _epoch(wall.replace(tzinfo=tz, fold=0))
    if _local_wall(tz, seconds) == wall:
        return seconds
    # In a gap fold=1 reads the wall time with the later offset (an instant before the jump) and
    # fold=0 with the earlier one (after the jump); bisect for the jump itself.
    before, after = _epoch(wall.replace(tzinfo=tz, fold=1)), seconds
    while after - before > 1:
        middle = (before + after) // 2
        if _local_wall(tz, middle) > wall:
            after = middle
        else:
            before = middle
    return after


def _to_epoch(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Business-hours arithmetic needs aware datetimes.")
    return _epoch(moment)


def _local_date(tz: ZoneInfo, seconds: int) -> date:
    return _local_wall(tz, seconds).date()


def business_seconds(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Return the whole seconds between two instants during which the calendar is open; 0 if end <= start."""
    lo, hi = _to_epoch(start), _to_epoch(end)
    if hi <= lo:
        return 0
    total = 0
    # A local day's spans start no earlier than its midnight, so the day before start is a safe margin.
    day, last = _local_date(calendar.tz, lo) - ONE_DAY, _local_date(calendar.tz, hi)
    while day <= last:
        spans, day_total = calendar.open_seconds(day)
        if spans and lo <= spans[0][0] and spans[-1][1] <= hi:
            total += day_total
        else:
            for open_at, close_at in spans:
                total += max(0, min(close_at, hi) - max(open_at, lo))
        day += ONE_DAY
    return total


def add_business_seconds(calendar: BusinessCalendar, start: datetime, seconds: int) -> datetime:
    """Return the earliest instant (UTC) at which the calendar has been open for `seconds` since start."""
    if seconds < 0:
        raise ValueError("Cannot add a negative number of business seconds.")
    lo = _to_epoch(start)
    if seconds == 0:
        return EPOCH + timedelta(seconds=lo)
    if not calendar.has_hours():
        raise ValueError("This calendar has no opening hours, so no due time can be reached.")
    remaining = seconds
    day = _local_date(calendar.tz, lo) - ONE_DAY
    for _ in range(SEARCH_DAYS):
        for open_at, close_at in calendar.open_seconds(day)[0]:
            available = close_at - max(open_at, lo)
            if available <= 0:
                continue
            if remaining <= available:
                return EPOCH + timedelta(seconds=max(open_at, lo) + remaining)
            remaining -= available
        day += ONE_DAY
    raise ValueError(
        f"{seconds} business seconds from {start.isoformat()} do not fit in the calendar's opening hours "
        f"within {SEARCH_DAYS} days."
    )
