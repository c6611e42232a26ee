from django.core.management.base import BaseCommand

from helpdesk.tickets.requests import ticket_requests_purge


class Command(BaseCommand):
    help = "Delete expired sign-in-free ticket requests, so unconfirmed addresses are not kept (run hourly)."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {ticket_requests_purge()} expired ticket requests.")
