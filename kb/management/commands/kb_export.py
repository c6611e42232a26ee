from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kb.exchange import export_json


class Command(BaseCommand):
    help = "Export the live help-centre articles to a JSON file in the kb_import format (kb/FORMAT.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to write, or - for standard output.")
        parser.add_argument("--with-faq", action="store_true", help='Also write the FAQ pages (a "faq" list).')

    def handle(self, *args, file, with_faq=False, **options):
        text = export_json(include_faq=with_faq)
        if file == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(file).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror}.") from None
        self.stderr.write(self.style.SUCCESS(f"Exported to {file}."))
