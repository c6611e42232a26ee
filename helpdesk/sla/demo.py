"""Demo SLA configuration for `manage.py seed_demo`."""

from datetime import time

from django.db import transaction

from .models import Calendar
from .services import calendar_hours_replace, calendar_save

TEHRAN_DAY = ((time(9), time(13)), (time(14), time(18)))
# Saturday to Wednesday full days with a lunch break, Thursday mornings, Friday closed.
TEHRAN_HOURS = {5: TEHRAN_DAY, 6: TEHRAN_DAY, 0: TEHRAN_DAY, 1: TEHRAN_DAY, 2: TEHRAN_DAY, 3: ((time(9), time(13)),)}


@transaction.atomic
def sla_demo_ensure() -> Calendar:
    """Make "Tehran office" (Iranian hours and public holidays) the default calendar; safe to run again."""
    calendar = Calendar.objects.filter(name="Tehran office").first() or Calendar(name="Tehran office")
    wanted = {"timezone": "Asia/Tehran", "holiday_country": "IR", "holiday_subdivision": "", "is_default": True}
    if calendar.pk is None or any(getattr(calendar, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(calendar, name, value)
        calendar.full_clean()
        calendar_save(calendar=calendar)
    calendar_hours_replace(calendar=calendar, hours=TEHRAN_HOURS)
    return calendar
