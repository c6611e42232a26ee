"""Stored SLA configuration: defaults, policy lookup, calendars built from rows, history and the change signal."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from helpdesk.sla.clock import add_business_seconds, business_seconds
from helpdesk.sla.demo import sla_demo_ensure
from helpdesk.sla.engine import Targets
from helpdesk.sla.models import Calendar, CalendarHours, SlaPolicy
from helpdesk.sla.selectors import business_calendar, paused_statuses_for, policy_for, targets_for
from helpdesk.sla.services import (
    OverrideData,
    calendar_closed_date_set,
    calendar_hours_replace,
    calendar_override_set,
    calendar_save,
    policy_save,
)
from helpdesk.sla.signals import sla_configuration_changed

pytestmark = pytest.mark.django_db

HOUR = 3600
TEHRAN = ZoneInfo("Asia/Tehran")
RIYADH = ZoneInfo("Asia/Riyadh")


@pytest.fixture
def announcements():
    """The (calendar name, policy name) of every sla_configuration_changed received."""
    received = []

    def receiver(sender, calendar, policy, **kwargs):
        received.append((calendar and calendar.name, policy and policy.name))

    sla_configuration_changed.connect(receiver)
    yield received
    sla_configuration_changed.disconnect(receiver)


@pytest.fixture
def riyadh():
    calendar = calendar_save(calendar=Calendar(name="Riyadh office", timezone="Asia/Riyadh", holiday_country="SA"))
    calendar_hours_replace(calendar=calendar, hours={day: [(time(9), time(17))] for day in (6, 0, 1, 2, 3)})
    return Calendar.objects.get(pk=calendar.pk)


def test_a_fresh_install_has_standard_hours_and_a_policy_per_priority():
    standard = Calendar.objects.get(is_default=True)
    urgent = policy_for(priority="urgent", channel="web")

    assert standard.name == "Standard hours"
    assert str(standard) == "Standard hours (UTC; closed Saturday, Sunday)"
    assert sorted(SlaPolicy.objects.values_list("priority", flat=True)) == ["high", "low", "normal", "urgent"]
    assert targets_for(urgent) == Targets(first_response=HOUR, next_response=HOUR, resolution=8 * HOUR)
    assert targets_for(policy_for(priority="low", channel="email")).resolution == 5760 * 60
    # Policies without a calendar use the default one: Monday 5 January 2026 16:00 UTC + 1 h.
    calendar = business_calendar(urgent.calendar)
    assert add_business_seconds(calendar, datetime(2026, 1, 5, 16, tzinfo=UTC), 2 * HOUR) == datetime(
        2026, 1, 6, 10, tzinfo=UTC
    )


def test_policy_for_prefers_the_channels_own_policy():
    chat = policy_save(
        policy=SlaPolicy(name="Urgent chat", priority="urgent", channel="chat", first_response_minutes=5)
    )

    assert policy_for(priority="urgent", channel="chat") == chat
    assert policy_for(priority="urgent", channel="email").name == "Urgent"
    assert targets_for(chat) == Targets(first_response=300, next_response=None, resolution=None)
    assert policy_for(priority="unheard-of", channel="chat") is None


def test_paused_statuses_follow_the_policy():
    policy = SlaPolicy.objects.get(priority="normal")
    assert paused_statuses_for(policy) == frozenset({"pending", "on_hold"})

    policy.pause_on_on_hold = False
    assert paused_statuses_for(policy) == frozenset({"pending"})


def test_business_calendar_has_the_countrys_holidays_custom_days_and_special_hours(riyadh):
    calendar_closed_date_set(calendar=riyadh, day=date(2026, 1, 7), name="Stocktaking")
    calendar_override_set(
        calendar=riyadh,
        data=OverrideData(
            name="Ramadan 1447",
            start_date=date(2026, 2, 18),
            end_date=date(2026, 3, 19),
            hours={day: [(time(10), time(15))] for day in (6, 0, 1, 2, 3)},
        ),
    )

    calendar = business_calendar(Calendar.objects.get(pk=riyadh.pk))

    assert calendar.tz == RIYADH
    assert date(2026, 1, 7) in calendar.closed_dates
    assert date(2026, 2, 22) in calendar.closed_dates  # Founding Day, from the holidays package
    assert date(2031, 2, 22) in calendar.closed_dates  # later years load when first asked for
    assert calendar.hours_on(date(2026, 2, 23)) == ((time(10), time(15)),)
    assert calendar.hours_on(date(2026, 2, 20)) == ()  # Friday in Ramadan: no special hours, closed
    assert calendar.hours_on(date(2026, 3, 19)) == ()  # the Eid holiday wins over Ramadan hours
    assert calendar.hours_on(date(2026, 3, 25)) == ((time(9), time(17)),)
    # Thursday 19 February 13:00: 2 h Thursday, weekend, Founding Day, Monday 5 h, Tuesday 10–11.
    due = add_business_seconds(calendar, datetime(2026, 2, 19, 13, tzinfo=RIYADH), 8 * HOUR)
    assert due == datetime(2026, 2, 24, 11, tzinfo=RIYADH)


def test_business_calendar_is_cached_until_the_calendar_changes(riyadh):
    first = business_calendar(Calendar.objects.get(pk=riyadh.pk))
    assert business_calendar(Calendar.objects.get(pk=riyadh.pk)) is first

    calendar_hours_replace(calendar=riyadh, hours={day: [(time(8), time(16))] for day in (6, 0, 1, 2, 3)})
    edited = business_calendar(Calendar.objects.get(pk=riyadh.pk))

    assert edited is not first
    assert edited.hours_on(date(2026, 1, 5)) == ((time(8), time(16)),)
    sunday = datetime(2026, 1, 4, tzinfo=RIYADH)
    assert business_seconds(edited, sunday, sunday.replace(hour=23)) == 8 * HOUR


def test_configuration_changes_are_announced_after_commit(django_capture_on_commit_callbacks, announcements):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        calendar = calendar_save(calendar=Calendar(name="Berlin office", timezone="Europe/Berlin"))
        assert announcements == []
    assert len(callbacks) == 1
    assert announcements == [("Berlin office", None)]

    with django_capture_on_commit_callbacks(execute=True):
        calendar_closed_date_set(calendar=calendar, day=date(2026, 12, 24), name="Christmas Eve")
        policy = SlaPolicy.objects.get(priority="high")
        policy.first_response_minutes = 120
        policy_save(policy=policy)
    assert announcements[1:] == [("Berlin office", None), (None, "High")]


def test_unchanged_hours_are_not_a_change(riyadh, django_capture_on_commit_callbacks, announcements):
    updated_at = riyadh.updated_at

    with django_capture_on_commit_callbacks(execute=True):
        calendar_hours_replace(calendar=riyadh, hours={day: [(time(9), time(17))] for day in (6, 0, 1, 2, 3)})

    assert announcements == []
    assert Calendar.objects.get(pk=riyadh.pk).updated_at == updated_at


def test_only_one_calendar_is_the_default(riyadh):
    riyadh.is_default = True
    calendar_save(calendar=riyadh)

    assert list(Calendar.objects.filter(is_default=True)) == [riyadh]


def test_changes_are_kept_in_history(riyadh):
    policy = SlaPolicy.objects.get(priority="urgent")
    # The data migration writes no history; the same defaults put back after a flush write one row.
    before = policy.history.count()
    policy.resolution_minutes = 240
    policy_save(policy=policy)

    assert policy.history.count() == before + 1
    assert policy.history.first().resolution_minutes == 240
    assert riyadh.history.count() >= 2  # created, then touched by the hours
    assert CalendarHours.history.filter(calendar_id=riyadh.pk).count() == 5


def test_hours_must_end_after_they_start_and_not_overlap(riyadh):
    backwards = CalendarHours(calendar=riyadh, weekday=0, start=time(17), end=time(9))
    overlapping = CalendarHours(calendar=riyadh, weekday=0, start=time(16), end=time(18))
    evening = CalendarHours(calendar=riyadh, weekday=0, start=time(17), end=time(0))

    with pytest.raises(ValidationError, match="after the opening time"):
        backwards.full_clean()
    with pytest.raises(ValidationError, match="overlap"):
        overlapping.full_clean()
    evening.full_clean()  # touching at 17:00 and running to midnight is fine


def test_time_zone_and_holiday_country_are_checked():
    calendar = Calendar(name="Nowhere", timezone="Mars/Olympus", holiday_country="XX", holiday_subdivision="Q")

    with pytest.raises(ValidationError) as error:
        calendar.full_clean()

    assert set(error.value.message_dict) == {"timezone", "holiday_country", "holiday_subdivision"}


def test_demo_makes_tehran_office_the_default_once(django_capture_on_commit_callbacks, announcements):
    tehran = sla_demo_ensure()
    updated_at = tehran.updated_at

    with django_capture_on_commit_callbacks(execute=True):
        assert sla_demo_ensure() == tehran

    assert announcements == []
    assert Calendar.objects.get(pk=tehran.pk).updated_at == updated_at
    assert list(Calendar.objects.filter(is_default=True)) == [tehran]
    assert str(tehran) == "Tehran office (Asia/Tehran; closed Friday)"
    # Default policies now run on Tehran hours: Thursday 19 March 2026 12:30 + 4 h is Wednesday
    # 25 March 12:30, after the Friday weekend and Nowruz.
    calendar = business_calendar(policy_for(priority="normal", channel="web").calendar)
    due = add_business_seconds(calendar, datetime(2026, 3, 19, 12, 30, tzinfo=TEHRAN), 4 * HOUR)
    assert due == datetime(2026, 3, 25, 12, 30, tzinfo=TEHRAN)
