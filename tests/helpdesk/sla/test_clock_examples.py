"""Worked examples, checked by hand: Tehran and Riyadh office hours, DST changes, midnight, bad input."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from helpdesk.sla.clock import BusinessCalendar, add_business_seconds, business_seconds

HOUR = 3600
TEHRAN = ZoneInfo("Asia/Tehran")  # +03:30 all year since 2023
RIYADH = ZoneInfo("Asia/Riyadh")  # +03:00 all year
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")

TEHRAN_DAY = ((time(9), time(13)), (time(14), time(18)))
# Saturday to Wednesday with a lunch hour, Thursday mornings, Friday closed.
IRAN = BusinessCalendar(
    tz=TEHRAN,
    weekly={5: TEHRAN_DAY, 6: TEHRAN_DAY, 0: TEHRAN_DAY, 1: TEHRAN_DAY, 2: TEHRAN_DAY, 3: ((time(9), time(13)),)},
    closed_dates=frozenset(holidays.country_holidays("IR", years=2026)),
)
# Sunday to Thursday 09–17; Ramadan 1447 (Umm al-Qura: 18 February – 19 March 2026) 10–15.
RAMADAN = {
    date(2026, 2, 18) + timedelta(days=offset): ((time(10), time(15)),)
    for offset in range(30)
    if (date(2026, 2, 18) + timedelta(days=offset)).weekday() not in (4, 5)
}
SAUDI = BusinessCalendar(
    tz=RIYADH,
    weekly={day: ((time(9), time(17)),) for day in (6, 0, 1, 2, 3)},
    closed_dates=frozenset(holidays.country_holidays("SA", years=2026)),
    overrides=RAMADAN,
)
ALWAYS = {day: ((time(0), time(0)),) for day in range(7)}


def at(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


def test_the_holiday_lists_hold_the_dates_the_examples_rely_on():
    assert {date(2026, 3, day) for day in (21, 22, 23, 24)} <= IRAN.closed_dates  # Nowruz, 1–4 Farvardin 1405
    assert date(2026, 3, 25) not in IRAN.closed_dates
    assert date(2026, 1, 10) not in IRAN.closed_dates
    assert date(2026, 2, 22) in SAUDI.closed_dates  # Founding Day
    assert {date(2026, 3, day) for day in (19, 22, 23, 24)} <= SAUDI.closed_dates  # Eid al-Fitr
    assert date(2026, 3, 25) not in SAUDI.closed_dates


def test_iran_thursday_afternoon_ticket_is_due_on_saturday():
    # Thursday 8 January 2026, 12:30: half an hour left of Thursday's 09–13 morning.
    # Friday is the weekend. Saturday opens at 09:00: the remaining 3 h 30 run out at 12:30.
    opened = at(TEHRAN, 2026, 1, 8, 12, 30)

    due = add_business_seconds(IRAN, opened, 4 * HOUR)

    assert due == at(TEHRAN, 2026, 1, 10, 12, 30)
    assert due == datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def test_iran_lunch_hour_does_not_count():
    # 5 h from Thursday 12:30: 0 h 30 on Thursday, 4 h on Saturday 09–13, lunch 13–14 is closed,
    # the last 0 h 30 end at 14:30.
    opened = at(TEHRAN, 2026, 1, 8, 12, 30)

    assert add_business_seconds(IRAN, opened, 5 * HOUR) == at(TEHRAN, 2026, 1, 10, 14, 30)
    assert business_seconds(IRAN, at(TEHRAN, 2026, 1, 10, 12, 0), at(TEHRAN, 2026, 1, 10, 15, 0)) == 2 * HOUR


def test_iran_ticket_before_nowruz_waits_for_the_new_year_holidays():
    # Thursday 19 March 2026, 12:30: half an hour of Thursday morning. Friday 20 March is the weekend
    # (and a holiday); Saturday 21 to Tuesday 24 March are Nowruz (1–4 Farvardin). Wednesday 25 March
    # opens at 09:00 and the remaining 3 h 30 end at 12:30 (09:00 UTC).
    opened = at(TEHRAN, 2026, 3, 19, 12, 30)

    due = add_business_seconds(IRAN, opened, 4 * HOUR)

    assert due == at(TEHRAN, 2026, 3, 25, 12, 30)
    assert business_seconds(IRAN, opened, due) == 4 * HOUR
    # A whole week: Thursday 19th 4 h, nothing until Wednesday 25th 8 h, Thursday 26th 4 h.
    assert business_seconds(IRAN, at(TEHRAN, 2026, 3, 19, 9), at(TEHRAN, 2026, 3, 26, 18)) == 16 * HOUR


def test_saudi_ramadan_hours_replace_the_usual_day():
    # Thursday 19 February 2026, 13:00, in Ramadan (10–15): 2 h on Thursday. Friday and Saturday are
    # the weekend, Sunday 22 February is Founding Day. Monday 10–15 gives 5 h (7 h so far), and the
    # last hour ends Tuesday 24 February at 11:00 (08:00 UTC).
    opened = at(RIYADH, 2026, 2, 19, 13)

    due = add_business_seconds(SAUDI, opened, 8 * HOUR)

    assert due == at(RIYADH, 2026, 2, 24, 11)
    assert due == datetime(2026, 2, 24, 8, tzinfo=UTC)
    assert business_seconds(SAUDI, at(RIYADH, 2026, 2, 23, 8), at(RIYADH, 2026, 2, 23, 18)) == 5 * HOUR


def test_saudi_ticket_opened_after_the_ramadan_day_ends_starts_next_morning():
    # The day before Ramadan (Tuesday 17 February) keeps 09–17: 1 h from 16:00. Ramadan starts
    # Wednesday 18 February at 10:00, so 3 more hours end at 13:00.
    assert add_business_seconds(SAUDI, at(RIYADH, 2026, 2, 17, 16), 4 * HOUR) == at(RIYADH, 2026, 2, 18, 13)
    # Wednesday 18 February 16:00 is after the Ramadan closing time (15:00): Thursday 10–14.
    assert add_business_seconds(SAUDI, at(RIYADH, 2026, 2, 18, 16), 4 * HOUR) == at(RIYADH, 2026, 2, 19, 14)


def test_saudi_eid_holiday_wins_over_ramadan_hours():
    # Wednesday 18 March 14:00: 1 h left of the Ramadan day. Thursday 19 March is both the last day of
    # Ramadan and an Eid holiday: closed. Friday–Saturday weekend, Sunday 22 to Tuesday 24 March Eid
    # (24th observed). Wednesday 25 March has the usual 09–17 hours: 3 h more end at 12:00.
    opened = at(RIYADH, 2026, 3, 18, 14)

    assert add_business_seconds(SAUDI, opened, 4 * HOUR) == at(RIYADH, 2026, 3, 25, 12)
    assert business_seconds(SAUDI, at(RIYADH, 2026, 3, 19), at(RIYADH, 2026, 3, 25)) == 0


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (date(2026, 3, 28), 24),  # the Saturday before
        (date(2026, 3, 29), 23),  # clocks go 02:00 -> 03:00
        (date(2026, 10, 25), 25),  # clocks go 03:00 -> 02:00
    ],
)
def test_berlin_always_open_day_lasts_as_long_as_it_really_does(day, hours):
    calendar = BusinessCalendar(tz=BERLIN, weekly=ALWAYS)
    start = datetime.combine(day, time(0), tzinfo=BERLIN)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=BERLIN)

    assert business_seconds(calendar, start, end) == hours * HOUR


def test_an_interval_across_the_spring_gap_is_shortened_by_the_gap():
    calendar = BusinessCalendar(tz=BERLIN, weekly={6: ((time(1), time(4)), (time(2, 30), time(3, 30)))})
    sunday = datetime(2026, 3, 29, tzinfo=BERLIN)
    # 01:00–04:00 is 2 real hours (00:00–02:00 UTC); 02:30–03:30 starts in the gap, so it starts at the
    # jump (01:00 UTC) and lies inside the first interval.
    assert business_seconds(calendar, sunday, sunday + timedelta(days=1)) == 2 * HOUR
    assert add_business_seconds(calendar, sunday, HOUR) == datetime(2026, 3, 29, 1, tzinfo=UTC)


def test_an_interval_across_the_autumn_fold_counts_the_repeated_hour_once_more():
    calendar = BusinessCalendar(tz=BERLIN, weekly={6: ((time(1), time(4)),)})
    sunday = datetime(2026, 10, 25, tzinfo=BERLIN)
    # 01:00 CEST (23:00 UTC) to 04:00 CET (03:00 UTC): 4 real hours.
    assert business_seconds(calendar, sunday, sunday + timedelta(days=1)) == 4 * HOUR
    assert add_business_seconds(calendar, sunday, 4 * HOUR) == datetime(2026, 10, 25, 3, tzinfo=UTC)


def test_an_ambiguous_closing_time_means_its_first_occurrence():
    calendar = BusinessCalendar(tz=BERLIN, weekly={6: ((time(1), time(2, 30)),)})
    sunday = datetime(2026, 10, 25, tzinfo=BERLIN)
    # 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET); the first one closes the day.
    assert business_seconds(calendar, sunday, sunday + timedelta(days=1)) == 90 * 60


def test_new_york_office_hours_are_eight_hours_on_dst_days():
    calendar = BusinessCalendar(tz=NEW_YORK, weekly={day: ((time(9), time(17)),) for day in range(7)})
    for day in (date(2026, 3, 8), date(2026, 11, 1)):
        start = datetime.combine(day, time(0), tzinfo=NEW_YORK)
        assert business_seconds(calendar, start, start + timedelta(days=1)) == 8 * HOUR
    # Saturday 7 March 16:00 EST + 2 h: 1 h on Saturday, then Sunday 09:00 EDT (13:00 UTC) + 1 h.
    due = add_business_seconds(calendar, datetime(2026, 3, 7, 16, tzinfo=NEW_YORK), 2 * HOUR)
    assert due == datetime(2026, 3, 8, 14, tzinfo=UTC)


def test_tehran_day_with_a_missing_midnight_and_a_repeated_hour():
    calendar = BusinessCalendar(tz=TEHRAN, weekly=ALWAYS)
    # 2022: at 00:00 on 22 March clocks jumped to 01:00; at 24:00 on 21 September back to 23:00.
    first_spring_hour = datetime(2022, 3, 21, 20, 30, tzinfo=UTC)  # where 22 March begins
    assert business_seconds(calendar, first_spring_hour, datetime(2022, 3, 22, 19, 30, tzinfo=UTC)) == 23 * HOUR
    autumn_start = datetime(2022, 9, 20, 19, 30, tzinfo=UTC)  # 21 September 00:00 +04:30
    assert business_seconds(calendar, autumn_start, datetime(2022, 9, 21, 20, 30, tzinfo=UTC)) == 25 * HOUR
    # Since 2023 Tehran stays on +03:30: 22 March 2023 is an ordinary day.
    start = datetime(2023, 3, 22, tzinfo=TEHRAN)
    assert business_seconds(calendar, start, start + timedelta(days=1)) == 24 * HOUR


def test_evening_shift_runs_through_midnight():
    calendar = BusinessCalendar(tz=RIYADH, weekly={0: ((time(22), time(0)),), 1: ((time(0), time(2)),)})
    monday = datetime(2026, 1, 5, tzinfo=RIYADH)

    assert business_seconds(calendar, monday + timedelta(hours=21), monday + timedelta(hours=27)) == 4 * HOUR
    assert add_business_seconds(calendar, monday + timedelta(hours=23), 2 * HOUR) == monday + timedelta(hours=25)
    # Exactly filling an interval ends at its closing time, not at the next opening.
    assert add_business_seconds(calendar, monday, 4 * HOUR) == monday + timedelta(hours=26)


def test_microseconds_are_truncated_to_the_second():
    calendar = BusinessCalendar(tz=UTC_ZONE, weekly=ALWAYS)
    start = datetime(2026, 1, 5, 9, 0, 0, 999_999, tzinfo=UTC)

    assert business_seconds(calendar, start, start + timedelta(microseconds=2)) == 1
    assert add_business_seconds(calendar, start, 10) == datetime(2026, 1, 5, 9, 0, 10, tzinfo=UTC)


def test_a_calendar_that_is_never_open_cannot_have_a_due_time():
    never = BusinessCalendar(tz=UTC_ZONE, weekly={})
    only_long_ago = BusinessCalendar(tz=UTC_ZONE, weekly={}, overrides={date(2001, 1, 1): ((time(9), time(17)),)})
    start = datetime(2026, 1, 1, tzinfo=UTC)

    with pytest.raises(ValueError, match="no opening hours"):
        add_business_seconds(never, start, 60)
    with pytest.raises(ValueError, match="within"):
        add_business_seconds(only_long_ago, start, 60)
    assert business_seconds(never, start, start + timedelta(days=400)) == 0


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="aware"):
        business_seconds(IRAN, datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC))
    with pytest.raises(ValueError, match="negative"):
        add_business_seconds(IRAN, datetime(2026, 1, 1, tzinfo=UTC), -1)
    with pytest.raises(ValueError, match="end after"):
        BusinessCalendar(tz=UTC_ZONE, weekly={0: ((time(17), time(9)),)})
    with pytest.raises(ValueError, match="Weekdays"):
        BusinessCalendar(tz=UTC_ZONE, weekly={7: ((time(9), time(17)),)})
