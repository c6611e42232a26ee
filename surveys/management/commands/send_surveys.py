from django.core.management.base import BaseCommand

from surveys.sending import surveys_send_due


class Command(BaseCommand):
    help = "Email the surveys that are due, or skip them by the fatigue and opt-out rules (safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="send at most this many in this run")

    def handle(self, *args, limit=None, **options):
        report = surveys_send_due(limit=limit)
        skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(report.skipped.items())) or "none"
        self.stdout.write(f"Sent {report.sent} surveys; skipped: {skipped}; to retry: {report.failed}.")
