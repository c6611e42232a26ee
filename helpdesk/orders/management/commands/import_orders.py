from django.core.management.base import BaseCommand, CommandError

from helpdesk.orders.csv_import import OrderImportError, orders_import


class Command(BaseCommand):
    help = (
        "Import orders from a UTF-8 CSV file, one row per order line. Columns: external_id, status, "
        "placed_at, delivered_at, total, currency, customer_external_id, customer_email, customer_name, "
        "customer_locale, line_sku, line_name, line_quantity, line_price. All rows or none are imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file.")

    def handle(self, *args, file, **options):
        try:
            with open(file, newline="", encoding="utf-8-sig") as handle:
                result = orders_import(handle)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        except OrderImportError as error:
            raise CommandError(f"Nothing was imported.\n{error}") from None
        self.stdout.write(f"Imported {result.created} new and {result.updated} updated orders.")
