"""Editing SLA configuration in the Django admin goes through the services: validation, history, signal."""

from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import translation

from helpdesk.sla.demo import sla_demo_ensure
from helpdesk.sla.models import Calendar, CalendarHours, SlaPolicy
from helpdesk.sla.selectors import upcoming_holidays
from helpdesk.sla.signals import sla_configuration_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def announcements():
    received = []

    def receiver(sender, calendar, policy, **kwargs):
        received.append((calendar and calendar.name, policy and policy.name))

    sla_configuration_changed.connect(receiver)
    yield received
    sla_configuration_changed.disconnect(receiver)


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def calendar_form(name: str, hours: list[dict], **fields) -> dict:
    return {
        "name": name,
        "timezone": "Asia/Riyadh",
        "holiday_country": "SA",
        "holiday_subdivision": "",
        **fields,
        **inline("hours", hours),
        **inline("closed_dates", []),
        **inline("overrides", []),
    }


def test_calendar_page_shows_closed_weekdays_and_upcoming_holidays(admin_client):
    tehran = sla_demo_ensure()

    response = admin_client.get(reverse("admin:sla_calendar_change", args=[tehran.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Closed every week" in page and "Friday" in page
    assert "Nowruz" in page  # it comes round every year


def test_upcoming_holidays_are_named_in_the_active_language():
    tehran = sla_demo_ensure()

    english = dict(upcoming_holidays(tehran, start=date(2026, 3, 1), days=30))
    with translation.override("fa"):
        persian = dict(upcoming_holidays(tehran, start=date(2026, 3, 1), days=30))

    assert "Nowruz" in english[date(2026, 3, 21)]
    assert "نوروز" in persian[date(2026, 3, 21)]


def test_adding_a_calendar_with_overlapping_hours_is_refused(admin_client):
    hours = [
        {"weekday": "0", "start": "09:00", "end": "13:00"},
        {"weekday": "0", "start": "12:00", "end": "17:00"},
    ]

    response = admin_client.post(reverse("admin:sla_calendar_add"), calendar_form("Riyadh office", hours))

    assert response.status_code == 200
    assert "overlaps" in response.content.decode()
    assert not Calendar.objects.filter(name="Riyadh office").exists()


def test_adding_a_default_calendar_replaces_the_old_default(
    admin_client, admin_user, django_capture_on_commit_callbacks, announcements
):
    hours = [{"weekday": str(day), "start": "09:00", "end": "17:00"} for day in (6, 0, 1, 2, 3)]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:sla_calendar_add"), calendar_form("Riyadh office", hours, is_default="on")
        )

    assert response.status_code == 302
    riyadh = Calendar.objects.get(name="Riyadh office")
    assert list(Calendar.objects.filter(is_default=True)) == [riyadh]
    assert sorted(CalendarHours.objects.filter(calendar=riyadh).values_list("weekday", "start")) == [
        (day, time(9)) for day in (0, 1, 2, 3, 6)
    ]
    assert riyadh.history.first().history_user == admin_user
    assert set(announcements) == {("Riyadh office", None)}


def test_editing_a_policy_records_who_and_announces_it(
    admin_client, admin_user, django_capture_on_commit_callbacks, announcements
):
    policy = SlaPolicy.objects.get(priority="urgent")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:sla_slapolicy_change", args=[policy.pk]),
            {
                "name": "Urgent",
                "calendar": "",
                "priority": "urgent",
                "channel": "",
                "first_response_minutes": "30",
                "next_response_minutes": "60",
                "resolution_minutes": "480",
                "pause_on_pending": "on",
            },
        )

    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.first_response_minutes == 30
    assert not policy.pause_on_on_hold
    assert policy.history.first().history_user == admin_user
    assert announcements == [(None, "Urgent")]
