"""`manage.py kb_index_repair`: index again the pages whose search-index update failed."""

from django.core.management.base import BaseCommand, CommandError

from kb.indexing import index_repair


class Command(BaseCommand):
    help = (
        "Index again the published pages whose search-index update failed (for example on a full disk). "
        "run_schedule runs it every minute; it does nothing when no update failed."
    )

    def handle(self, *args, **options):
        try:
            count = index_repair()
        except Exception as error:
            message = f"The search index could not be repaired yet ({error}); it will be tried again."
            raise CommandError(message) from error
        if count:
            self.stdout.write(self.style.SUCCESS(f"Indexed {count} pages again."))
