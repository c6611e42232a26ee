import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kb.exchange import ImportRejected, import_bytes


class Command(BaseCommand):
    help = "Import help-centre articles from a JSON file (kb/FORMAT.md); all or nothing, idempotent by id."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the UTF-8 JSON file, or - for standard input.")

    def handle(self, *args, file, **options):
        try:
            raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            result = import_bytes(raw)
        except ImportRejected as exc:
            raise CommandError(f"Nothing was imported; fix these problems and try again:\n{exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {result}"))
