from django.core.management.base import BaseCommand

from kb.services import article_events_purge


class Command(BaseCommand):
    help = "Delete knowledge-base beacon events older than HELPDESK_KB_EVENTS_KEEP_DAYS (run daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {article_events_purge()} knowledge-base events.")
