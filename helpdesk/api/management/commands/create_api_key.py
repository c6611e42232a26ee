from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from helpdesk.api.keys import api_key_create


class Command(BaseCommand):
    help = "Create an API key and print it once. Without --user it is a shop key; with it, a staff key."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="What the key is for, e.g. 'shop backend'.")
        parser.add_argument("--user", help="Email of the staff member the key acts as.")
        parser.add_argument("--expires-in-days", type=int, help="Make the key stop working after this many days.")

    def handle(self, *args, name, user=None, expires_in_days=None, **options):
        staff = None
        if user:
            staff = get_user_model().objects.filter(email__iexact=user, is_active=True, is_staff=True).first()
            if staff is None:
                raise CommandError(f"No active staff user with email {user!r}.")
        if expires_in_days is not None and expires_in_days <= 0:
            raise CommandError("--expires-in-days must be a positive number of days.")
        _key, raw = api_key_create(name=name, user=staff, expires_in_days=expires_in_days)
        self.stdout.write(raw)
