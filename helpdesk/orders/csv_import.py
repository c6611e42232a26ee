"""Read orders from a CSV file: one row per order line, order columns repeated on each row."""

import csv
from dataclasses import dataclass, field

from django.db import transaction

from .serializers import OrderInSerializer
from .services import OrderData, order_upsert

ORDER_COLUMNS = ["external_id", "status", "placed_at", "delivered_at", "total", "currency"]
CUSTOMER_COLUMNS = ["customer_external_id", "customer_email", "customer_name", "customer_locale"]
LINE_COLUMNS = ["line_sku", "line_name", "line_quantity", "line_price"]
COLUMNS = ORDER_COLUMNS + CUSTOMER_COLUMNS + LINE_COLUMNS
REQUIRED_COLUMNS = {"external_id", "status", "placed_at", "total", "currency", "customer_external_id", "customer_email"}


class OrderImportError(Exception):
    """The file cannot be imported; nothing was written."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


@dataclass
class _PendingOrder:
    first_line: int
    payload: dict
    line_numbers: list[int] = field(default_factory=list)


def _cell(row: dict, name: str) -> str:
    return (row.get(name) or "").strip()


def _order_payload(row: dict) -> dict:
    payload = {name: _cell(row, name) for name in ORDER_COLUMNS}
    payload["delivered_at"] = payload["delivered_at"] or None
    payload["customer"] = {name.removeprefix("customer_"): _cell(row, name) for name in CUSTOMER_COLUMNS}
    payload["lines"] = []
    return payload


def _line(row: dict) -> dict | None:
    if not any(_cell(row, name) for name in LINE_COLUMNS):
        return None
    return {name.removeprefix("line_"): _cell(row, name) for name in LINE_COLUMNS}


def _flatten(errors, path=()):
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten(value, (*path, key))
    elif isinstance(errors, list) and errors and not isinstance(errors[0], str):
        for index, value in enumerate(errors):
            yield from _flatten(value, (*path, index))
    elif isinstance(errors, list):
        for message in errors:
            yield path, str(message)
    else:
        yield path, str(errors)


def _where(path: tuple, order: _PendingOrder) -> tuple[int, str]:
    """The CSV line and column a serializer error path points at."""
    match path:
        case ("customer", name):
            return order.first_line, "customer" if name == "non_field_errors" else f"customer_{name}"
        case ("non_field_errors",):
            return order.first_line, "order"
        case ("lines", index, name):
            return order.line_numbers[int(index)], f"line_{name}"
        case (name, *_rest):
            return order.first_line, name
    return order.first_line, "order"


def _describe(errors: dict, order: _PendingOrder, key: str) -> list[str]:
    described = []
    for path, message in _flatten(errors):
        line, column = _where(path, order)
        described.append(f"line {line} (order {key!r}), {column}: {message}")
    return described


def _read_rows(handle) -> dict[str, _PendingOrder]:
    reader = csv.DictReader(handle)
    missing = REQUIRED_COLUMNS - {(name or "").strip() for name in reader.fieldnames or []}
    if missing:
        raise OrderImportError(f"missing columns: {', '.join(sorted(missing))}")
    reader.fieldnames = [(name or "").strip() for name in reader.fieldnames]
    orders: dict[str, _PendingOrder] = {}
    errors = []
    try:
        for row in reader:
            number = reader.line_num
            key = _cell(row, "external_id")
            order = orders.setdefault(key, _PendingOrder(first_line=number, payload=_order_payload(row)))
            if order.payload != _order_payload(row) | {"lines": order.payload["lines"]}:
                errors.append(f"line {number} (order {key!r}): order columns differ from line {order.first_line}")
            line = _line(row)
            if line:
                order.payload["lines"].append(line)
                order.line_numbers.append(number)
    except csv.Error as error:
        raise OrderImportError(f"line {reader.line_num}: {error}") from None
    if errors:
        raise OrderImportError("\n".join(errors))
    return orders


def parse_orders(handle) -> list[OrderData]:
    """Validate the whole file and return the orders, or raise OrderImportError naming each bad line."""
    result, errors = [], []
    for key, order in _read_rows(handle).items():
        serializer = OrderInSerializer(data=order.payload)
        if serializer.is_valid():
            result.append(serializer.to_order_data())
        else:
            errors += _describe(serializer.errors, order, key)
    if errors:
        raise OrderImportError("\n".join(errors))
    return result


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
