"""`manage.py kb_reindex`: rebuild the search index from the published pages, then swap it in."""

import time

from django.core.management.base import BaseCommand

from kb import search
from kb.indexing import searchable_documents


class Command(BaseCommand):
    help = (
        "Rebuild the help-centre search index from the published articles and FAQ pages. The new index "
        "is built beside the live one and swapped in atomically: searches keep working throughout, and "
        "pages published meanwhile are not lost."
    )

    def handle(self, *args, **options):
        began = time.monotonic()
        count = search.rebuild(searchable_documents())
        elapsed = time.monotonic() - began
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} documents in {elapsed:.1f} s."))
