"""Properties of the business-hours clock that must hold for every calendar and every pair of instants."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpdesk.sla.clock import SEARCH_DAYS, BusinessCalendar, _wall_to_epoch, add_business_seconds, business_seconds

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tehran",  # DST with a gap at midnight until it was dropped after 2022
    "Asia/Riyadh",
    "Australia/Lord_Howe",  # half-hour DST shifts
]
# DST changes (in UTC) the strategies aim at, so the edges are exercised on every run.
TRANSITIONS = [
    datetime(2026, 3, 29, 1, tzinfo=UTC),  # Berlin springs forward
    datetime(2026, 10, 25, 1, tzinfo=UTC),  # Berlin falls back
    datetime(2026, 3, 8, 7, tzinfo=UTC),  # New York springs forward
    datetime(2026, 11, 1, 6, tzinfo=UTC),  # New York falls back
    datetime(2022, 3, 21, 20, 30, tzinfo=UTC),  # Tehran: midnight 22 March 2022 never happened
    datetime(2022, 9, 21, 19, 30, tzinfo=UTC),  # Tehran: 23:00–24:00 on 21 September 2022 happened twice
    datetime(2026, 4, 4, 15, tzinfo=UTC),  # Lord Howe goes back half an hour
]
EXAMPLES = settings(max_examples=100, deadline=None)


DAY = 86400


def wall_time(seconds: int) -> time:
    return time(0) if seconds == DAY else time(seconds // 3600, seconds // 60 % 60, seconds % 60)


@st.composite
def intervals(draw, grid):
    """An opening interval on the quarter hour (plus `grid` steps), sometimes ending at midnight."""
    start = draw(st.integers(0, 95)) * 900 + draw(st.sampled_from([0, 0, grid]))
    end = draw(st.one_of(st.just(DAY), st.integers(start // grid + 1, DAY // grid).map(lambda step: step * grid)))
    return wall_time(start), wall_time(end)


def day_hours(grid, min_size=0):
    return st.lists(intervals(grid), min_size=min_size, max_size=3).map(tuple)


@st.composite
def calendars(draw, *, zones=tuple(ZONES), grid=30):
    weekly = draw(st.dictionaries(st.integers(0, 6), day_hours(grid)))
    weekly[draw(st.integers(0, 6))] = draw(day_hours(grid, min_size=1))
    days = st.dates(min_value=date(2022, 3, 1), max_value=date(2026, 12, 31))
    closed = draw(st.frozensets(days, max_size=20))
    overrides = draw(st.dictionaries(days, day_hours(grid), max_size=10))
    zone = ZoneInfo(draw(st.sampled_from(zones)))
    return BusinessCalendar(tz=zone, weekly=weekly, closed_dates=closed, overrides=overrides)


near_transition = st.builds(
    lambda moment, offset, micro: moment + timedelta(seconds=offset, microseconds=micro),
    st.sampled_from(TRANSITIONS),
    st.integers(-3 * 86400, 3 * 86400),
    st.integers(0, 999_999),
)
anywhere = st.datetimes(min_value=datetime(2022, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC))
instants = st.one_of(near_transition, anywhere)


def local_midnight(calendar: BusinessCalendar, day: date) -> datetime:
    return datetime.fromtimestamp(_wall_to_epoch(calendar.tz, datetime.combine(day, time(0))), UTC)


@EXAMPLES
@given(calendars(), st.lists(instants, min_size=3, max_size=3).map(sorted))
def test_additive_over_any_split_point(calendar, moments):
    start, middle, end = moments
    whole = business_seconds(calendar, start, end)
    assert whole == business_seconds(calendar, start, middle) + business_seconds(calendar, middle, end)


@EXAMPLES
@given(calendars(), instants, st.integers(1, 3))
def test_additive_when_split_at_local_midnight(calendar, start, days):
    midnight = local_midnight(calendar, start.astimezone(calendar.tz).date() + timedelta(days=days))
    end = midnight + timedelta(hours=30)
    assert business_seconds(calendar, start, end) == (
        business_seconds(calendar, start, midnight) + business_seconds(calendar, midnight, end)
    )


@EXAMPLES
@given(calendars(), instants, instants, instants)
def test_monotonic_in_end_and_never_more_than_the_wall_clock(calendar, start, first_end, second_end):
    earlier, later = sorted([first_end, second_end])
    assert business_seconds(calendar, start, earlier) <= business_seconds(calendar, start, later)
    assert 0 <= business_seconds(calendar, start, later) <= max(0, (later - start).total_seconds() + 1)


@EXAMPLES
@given(calendars(), instants, instants)
def test_zero_when_end_is_not_after_start(calendar, first, second):
    start, end = max(first, second), min(first, second)
    assert business_seconds(calendar, start, end) == 0


@EXAMPLES
@given(calendars(), instants, st.floats(0, 1), st.floats(0, 1))
def test_zero_on_a_closed_day(calendar, moment, first, second):
    day = moment.astimezone(calendar.tz).date()
    closed = BusinessCalendar(
        tz=calendar.tz,
        weekly=calendar.weekly,
        closed_dates=calendar.closed_dates | {day},
        overrides=calendar.overrides,
    )
    day_start, day_end = local_midnight(calendar, day), local_midnight(calendar, day + timedelta(days=1))
    span = day_end - day_start
    start, end = sorted([day_start + span * first, day_start + span * second])
    assert business_seconds(closed, start, end) == 0


@EXAMPLES
@given(calendars(), instants, st.integers(0, 200 * 3600))
def test_adding_business_seconds_is_the_inverse_and_the_earliest_such_instant(calendar, start, seconds):
    try:
        due = add_business_seconds(calendar, start, seconds)
    except ValueError:
        # Only a calendar too sparse to give that much time within the search horizon may refuse.
        assert business_seconds(calendar, start, start + timedelta(days=SEARCH_DAYS - 3)) < seconds
        return

    assert due.tzinfo is UTC
    assert business_seconds(calendar, start, due) == seconds
    if seconds:
        assert business_seconds(calendar, start, due - timedelta(seconds=1)) == seconds - 1


@EXAMPLES
@given(st.sampled_from(ZONES), instants, instants)
def test_always_open_calendar_counts_real_elapsed_seconds_across_dst(zone, first, second):
    calendar = BusinessCalendar(tz=ZoneInfo(zone), weekly={day: ((time(0), time(0)),) for day in range(7)})
    start, end = sorted([first, second])
    elapsed = int(end.timestamp()) - int(start.timestamp())
    assert business_seconds(calendar, start, end) == elapsed


@EXAMPLES
@given(calendars(), instants, instants, st.dates(min_value=date(2022, 1, 1), max_value=date(2026, 12, 31)))
def test_a_holiday_removes_exactly_its_own_open_time(calendar, first, second, holiday):
    assume(holiday not in calendar.closed_dates)
    start, end = sorted([first, second])
    with_holiday = BusinessCalendar(
        tz=calendar.tz,
        weekly=calendar.weekly,
        closed_dates=calendar.closed_dates | {holiday},
        overrides=calendar.overrides,
    )
    day_start = max(start, local_midnight(calendar, holiday))
    day_end = min(end, local_midnight(calendar, holiday + timedelta(days=1)))
    removed = business_seconds(calendar, day_start, day_end)
    assert business_seconds(with_holiday, start, end) == business_seconds(calendar, start, end) - removed


def brute_force_seconds(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Count open minutes by asking, minute by minute, whether the local wall time is in the day's hours."""
    total = 0
    moment = start
    while moment < end:
        local = moment.astimezone(calendar.tz)
        wall = local.time()
        for opens, closes in calendar.hours_on(local.date()):
            if opens <= wall and (closes == time(0) or wall < closes):
                total += 60
                break
        moment += timedelta(minutes=1)
    return total


@settings(max_examples=60, deadline=None)
@given(
    # Whole minutes only, so every opening and closing falls on a minute boundary.
    calendars(zones=("UTC", "Asia/Riyadh", "Asia/Tehran"), grid=60),
    st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2026, 12, 1)),
    st.integers(0, 3 * 24 * 60),
)
def test_matches_a_minute_by_minute_count_without_dst(calendar, start, minutes):
    start = start.replace(second=0, microsecond=0, tzinfo=calendar.tz).astimezone(UTC)
    end = start + timedelta(minutes=minutes)
    assert business_seconds(calendar, start, end) == brute_force_seconds(calendar, start, end)
