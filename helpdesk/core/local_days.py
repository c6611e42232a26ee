"""Rows counted per calendar day of the shop's time zone, in the database.

PostgreSQL converts each timestamp itself (`AT TIME ZONE`). SQLite's Django function for the same
(`django_datetime_cast_date`) is Python called once per row, a second for 50,000 tickets, so
there the period is cut where the zone's UTC offset changes (twice a year at most in zones with
daylight saving, never in most) and SQLite's own `date(value, '+N seconds')` shifts each stretch
by its offset: the local date of an instant is its UTC time plus the offset in force at it.
"""

from datetime import UTC, date, datetime, timedelta, tzinfo

from django.db import connection
from django.db.models import Case, CharField, Count, DateField, F, Func, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone


def local_date(field: str, low: datetime, high: datetime) -> Func | TruncDate:
    """`field`'s calendar day in the current time zone, as an expression; valid for values within [low, high)."""
    zone = timezone.get_current_timezone()
    if connection.vendor == "sqlite":
        return _sqlite_local_date(field, offset_stretches(low, high, zone))
    return TruncDate(field, tzinfo=zone)


def count_per_local_day(rows: QuerySet, field: str, low: datetime, high: datetime) -> dict[date, int]:
    """How many of `rows` have `field` on each local day; `rows` must have it within [low, high)."""
    counted = rows.annotate(day=local_date(field, low, high)).values("day").annotate(count=Count("pk"))
    return dict(counted.values_list("day", "count").order_by())


def _offset(zone: tzinfo, moment: int) -> int:
    return int(datetime.fromtimestamp(moment, UTC).astimezone(zone).utcoffset().total_seconds())


def offset_stretches(low: datetime, high: datetime, zone: tzinfo) -> list[tuple[datetime, int]]:
    """(first instant, UTC offset in seconds) of each stretch of [low, high) with one offset, in order.

    Offsets are compared a day apart and each change found to the second (zones change on whole
    seconds), so a change that comes and goes within one day would be missed; no zone does that.
    """
    first, last = int(low.timestamp()), int(high.timestamp())
    stretches = [(first, _offset(zone, first))]
    day = int(timedelta(days=1).total_seconds())
    for moment in range(first, last, day):
        following = min(moment + day, last)
        if _offset(zone, following) == stretches[-1][1]:
            continue
        before, after = moment, following  # the offset changes in (before, after]
        while after - before > 1:
            middle = (before + after) // 2
            before, after = (middle, after) if _offset(zone, middle) == stretches[-1][1] else (before, middle)
        stretches.append((after, _offset(zone, after)))
    return [(datetime.fromtimestamp(start, UTC), offset) for start, offset in stretches]


def _sqlite_local_date(field: str, stretches: list[tuple[datetime, int]]) -> Func:
    def shift(offset: int) -> Value:
        return Value(f"{offset:+d} seconds")

    modifier = shift(stretches[-1][1])
    if len(stretches) > 1:
        changes = zip(stretches[1:], stretches, strict=False)
        whens = [When(**{f"{field}__lt": start}, then=shift(before)) for (start, _), (_, before) in changes]
        modifier = Case(*whens, default=modifier, output_field=CharField())
    return Func(F(field), modifier, function="date", output_field=DateField())  # SQLite's text, read as a date
