from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helpdesk.core.demo import DEMO_CUSTOMERS, seed_demo


class Command(BaseCommand):
    help = "Create the demo staff, customers and orders (idempotent) and print the staff logins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Seed even when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to add demo users with DEBUG off; pass --force if you mean it.")
        logins = seed_demo()
        self.stdout.write("Demo logins (staff sign-in at /en/staff/sign-in/):")
        for email, (role, password) in logins.items():
            self.stdout.write(f"  {role:<8} {email:<24} {password}")
        self.stdout.write(
            f"Demo customers ({len(DEMO_CUSTOMERS)}) sign in by emailed link; "
            "the console shows the email. For example: " + DEMO_CUSTOMERS[0].email
        )
