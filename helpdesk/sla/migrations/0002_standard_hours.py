"""A default calendar and one policy per priority, so a fresh install times its tickets."""

from datetime import time

from django.db import migrations

# (priority, name, first response, next response, resolution) in business minutes.
POLICIES = [
    ("urgent", "Urgent", 60, 60, 480),
    ("high", "High", 240, 240, 1440),
    ("normal", "Normal", 480, 480, 2880),
    ("low", "Low", 1440, 1440, 5760),
]


def forwards(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    CalendarHours = apps.get_model("sla", "CalendarHours")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    calendar, created = Calendar.objects.get_or_create(
        name="Standard hours", defaults={"timezone": "UTC", "is_default": not Calendar.objects.filter(is_default=True).exists()}
    )
    if created:
        CalendarHours.objects.bulk_create(
            CalendarHours(calendar=calendar, weekday=weekday, start=time(9), end=time(17)) for weekday in range(5)
        )
    for priority, name, first, following, resolution in POLICIES:
        SlaPolicy.objects.get_or_create(
            priority=priority,
            channel="",
            defaults={
                "name": name,
                "first_response_minutes": first,
                "next_response_minutes": following,
                "resolution_minutes": resolution,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
