"""`manage.py rollup_kb_events`: rebuild the help centre's daily roll-ups (docs/analytics.md, "Roll-ups")."""

from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kb.rollups import WINDOW_DAYS_BEFORE, kb_rollup, recent_days

DEFAULT_DAYS = 3  # today, and the two days whose 24 h contact window may still be open


class Command(BaseCommand):
    help = (
        "Rebuild the daily article and search roll-ups from the raw events: by default the last 3 local days "
        "(today, yesterday and the day before, whose 24 h contact window may still be open). Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", help="The last local day to rebuild, as YYYY-MM-DD (default: today).")
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="How many days up to it (default: 3).")

    def handle(self, *args, day=None, days=DEFAULT_DAYS, **options):
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        until = _day(day) if day else None
        wanted = recent_days(days, until=until)
        # Older raw events are purged: rebuilding such a day would replace its roll-ups with less.
        oldest = timezone.localdate() - timedelta(days=settings.HELPDESK_KB_EVENTS_KEEP_DAYS - WINDOW_DAYS_BEFORE - 1)
        if wanted[0] < oldest:
            raise CommandError(
                f"Raw events before {oldest:%Y-%m-%d} may have been purged (HELPDESK_KB_EVENTS_KEEP_DAYS), so their "
                "roll-ups are kept as they are. Ask for later days."
            )
        for built in kb_rollup(wanted):
            self.stdout.write(f"{built.day:%Y-%m-%d}: {built.articles} article rows, {built.searches} search rows.")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--day {text!r} is not a date: write it as YYYY-MM-DD, for example 2026-11-23.") from None
