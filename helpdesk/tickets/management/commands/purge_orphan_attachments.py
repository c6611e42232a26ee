from django.core.management.base import BaseCommand

from helpdesk.tickets.storage import attachment_orphans_purge


class Command(BaseCommand):
    help = "Delete attachment files left without a row by a rolled-back upload, a day after they were written."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {attachment_orphans_purge()} orphaned attachment files.")
