from django.core.management.base import BaseCommand, CommandError

from helpdesk.orders.csv_import import COLUMNS, OrderImportError, orders_import


class Command(BaseCommand):
    help = (
        f"Import orders from a UTF-8 CSV file, one row per order line. Columns: {', '.join(COLUMNS)}. "
        "All rows or none are imported; orders already known (same external_id) are updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file.")

    def handle(self, *args, file, **options):
        try:
            with open(file, newline="", encoding="utf-8-sig") as handle:
                result = orders_import(handle)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text. Nothing was imported.") from None
        except OrderImportError as error:
            raise CommandError(f"Nothing was imported.\n{error}") from None
        self.stdout.write(f"Imported {result.created} new and {result.updated} updated orders.")
