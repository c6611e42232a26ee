"""Read orders from a CSV file: one row per order line, order columns repeated on each row."""

import csv
from dataclasses import dataclass

from django.db import transaction

from .serializers import OrderInSerializer
from .services import OrderData, order_upsert

ORDER_COLUMNS = ["external_id", "status", "placed_at", "delivered_at", "total", "currency"]
CUSTOMER_COLUMNS = ["customer_external_id", "customer_email", "customer_name", "customer_locale"]
LINE_COLUMNS = ["line_sku", "line_name", "line_quantity", "line_price"]
REQUIRED_COLUMNS = {"external_id", "status", "placed_at", "total", "currency", "customer_external_id", "customer_email"}


class OrderImportError(Exception):
    """The file cannot be imported; nothing was written."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def _order_payload(row: dict) -> dict:
    payload = {name: row.get(name, "") for name in ORDER_COLUMNS}
    payload["delivered_at"] = payload["delivered_at"] or None
    payload["customer"] = {name.removeprefix("customer_"): row.get(name, "") for name in CUSTOMER_COLUMNS}
    payload["lines"] = []
    return payload


def _line(row: dict) -> dict | None:
    if not any(row.get(name) for name in LINE_COLUMNS):
        return None
    return {name.removeprefix("line_"): row.get(name, "") for name in LINE_COLUMNS}


def parse_orders(handle) -> list[OrderData]:
    """Validate the whole file and return the orders, or raise OrderImportError naming each bad row."""
    reader = csv.DictReader(handle)
    missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
    if missing:
        raise OrderImportError(f"missing columns: {', '.join(sorted(missing))}")
    payloads: dict[str, tuple[int, dict]] = {}
    errors = []
    for number, row in enumerate(reader, start=2):
        key = row.get("external_id", "")
        first_row, payload = payloads.setdefault(key, (number, _order_payload(row)))
        if payload != _order_payload(row) | {"lines": payload["lines"]}:
            errors.append(f"row {number}: order columns differ from row {first_row} of the same order")
        line = _line(row)
        if line:
            payload["lines"].append(line)
    orders = []
    for key, (number, payload) in payloads.items():
        serializer = OrderInSerializer(data=payload)
        if serializer.is_valid():
            orders.append(serializer.to_order_data())
        else:
            errors.append(f"order {key!r} (row {number}): {dict(serializer.errors)}")
    if errors:
        raise OrderImportError("\n".join(errors))
    return orders


@transaction.atomic
def orders_import(handle) -> ImportResult:
    """Import every order in the file, or none of them."""
    result = ImportResult()
    for data in parse_orders(handle):
        _order, created = order_upsert(data=data)
        if created:
            result.created += 1
        else:
            result.updated += 1
    return result
