"""Counting per day of the shop's calendar in the database, daylight-saving changes included (SQLite and PostgreSQL)."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test.utils import override_settings
from django.utils import timezone

from helpdesk.core.local_days import count_per_local_day, offset_stretches
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def test_a_zone_with_daylight_saving_changes_offset_at_the_exact_second():
    zone = ZoneInfo("Europe/Berlin")
    low, high = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)

    stretches = offset_stretches(low, high, zone)

    assert stretches == [
        (low, 3600),
        (datetime(2025, 3, 30, 1, 0, tzinfo=UTC), 7200),
        (datetime(2025, 10, 26, 1, 0, tzinfo=UTC), 3600),
    ]
    assert offset_stretches(low, high, ZoneInfo("Asia/Tehran")) == [(low, 12600)]


@pytest.mark.parametrize(
    ("zone", "low"),
    [
        ("Europe/Berlin", datetime(2025, 1, 1, tzinfo=UTC)),
        # São Paulo moved its clocks at local midnight, so a day's last hour came back as the next day's first.
        ("America/Sao_Paulo", datetime(2018, 6, 1, tzinfo=UTC)),
        ("Asia/Tehran", datetime(2025, 1, 1, tzinfo=UTC)),
    ],
)
def test_rows_fall_on_the_local_day_of_their_instant(customer_reza, zone, low):
    rng = random.Random(zone)
    instants = [low + timedelta(seconds=rng.randrange(0, 365 * 86_400)) for _ in range(60)]
    if zone == "America/Sao_Paulo":  # each side of the change back to standard time, 17 February 2019 02:00 UTC
        instants += [datetime(2019, 2, 17, 1, 30, tzinfo=UTC), datetime(2019, 2, 17, 2, 30, tzinfo=UTC)]
        instants += [datetime(2019, 2, 17, 3, 30, tzinfo=UTC), datetime(2018, 11, 4, 2, 59, 59, tzinfo=UTC)]
    for instant in instants:
        copy = ticket_create(customer=customer_reza, subject="Parcel late", body="Where is it?")
        Ticket.objects.filter(pk=copy.pk).update(created_at=instant)

    with override_settings(TIME_ZONE=zone):
        local = ZoneInfo(zone)
        start, end = low.astimezone(local), (low + timedelta(days=366)).astimezone(local)
        found = count_per_local_day(
            Ticket.objects.filter(created_at__gte=start, created_at__lt=end), "created_at", start, end
        )
        expected = Counter(timezone.localtime(instant, local).date() for instant in instants)

    assert found == dict(expected)
