from django.core.management.base import BaseCommand

from helpdesk.credits.services import credit_expire_due


class Command(BaseCommand):
    help = "Write an expire entry for what is left of every grant past its expiry (safe to repeat; run every 15 min)."

    def handle(self, *args, **options):
        self.stdout.write(f"Wrote {credit_expire_due()} expire entries.")
