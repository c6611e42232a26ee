"""`manage.py import_orders FILE.csv`: all rows or none."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from helpdesk.customers.models import Customer
from helpdesk.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db

HEADER = (
    "external_id,status,placed_at,delivered_at,total,currency,customer_external_id,customer_email,"
    "customer_name,customer_locale,line_sku,line_name,line_quantity,line_price\n"
)
GOOD = HEADER + (
    "1001,delivered,2025-03-01T09:30:00Z,2025-03-03T15:00:00Z,37.50,EUR,c-reza,reza@example.com,رضا محمدی,fa,"
    "TEA-1,Saffron tea,2,12.50\n"
    "1001,delivered,2025-03-01T09:30:00Z,2025-03-03T15:00:00Z,37.50,EUR,c-reza,reza@example.com,رضا محمدی,fa,"
    "CUP-2,Glass cup,1,12.50\n"
    '1002,paid,2025-03-02T10:00:00+03:00,,19.90,USD,c-emma,emma@example.com,"Clarke, Emma",en,'
    "BOOK-7,Cookbook,1,19.90\n"
)


def write(tmp_path, text: str, name="orders.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def import_orders(path) -> str:
    out = StringIO()
    call_command("import_orders", str(path), stdout=out)
    return out.getvalue()


def rows():
    return Customer.objects.count(), Order.objects.count(), OrderLine.objects.count()


def test_good_file_imports_orders_with_their_lines(tmp_path):
    output = import_orders(write(tmp_path, GOOD))

    assert "Imported 2 new and 0 updated orders." in output
    first = Order.objects.get(external_id="1001")
    assert (first.status, first.total, first.currency) == ("delivered", Decimal("37.50"), "EUR")
    assert [(line.sku, line.quantity) for line in first.lines.all()] == [("TEA-1", 2), ("CUP-2", 1)]
    assert first.customer.name == "رضا محمدی"
    second = Order.objects.get(external_id="1002")
    assert second.delivered_at is None
    assert second.customer.name == "Clarke, Emma"
    assert rows() == (2, 2, 3)


def test_reimporting_updates_instead_of_duplicating(tmp_path):
    path = write(tmp_path, GOOD)
    import_orders(path)

    output = import_orders(path)

    assert "Imported 0 new and 2 updated orders." in output
    assert rows() == (2, 2, 3)


def test_reimporting_a_changed_file_applies_the_changes(tmp_path):
    import_orders(write(tmp_path, GOOD))

    import_orders(write(tmp_path, GOOD.replace("1002,paid,", "1002,shipped,"), name="changed.csv"))

    assert Order.objects.get(external_id="1002").status == "shipped"
    assert rows() == (2, 2, 3)


def test_file_with_a_byte_order_mark_imports(tmp_path):
    import_orders(write(tmp_path, GOOD, encoding="utf-8-sig"))

    assert Order.objects.count() == 2


def test_one_bad_row_imports_nothing_and_names_the_line_and_column(tmp_path):
    bad = GOOD.replace("CUP-2,Glass cup,1,12.50", "CUP-2,Glass cup,1,12.505")

    with pytest.raises(CommandError) as error:
        import_orders(write(tmp_path, bad))

    message = str(error.value)
    assert "Nothing was imported" in message
    assert "line 3 (order '1001'), line_price:" in message
    assert "2 decimal places" in message
    assert rows() == (0, 0, 0)


def test_bad_order_column_names_the_order(tmp_path):
    bad = GOOD.replace("1002,paid,", "1002,lost,")

    with pytest.raises(CommandError, match=r"line 4 \(order '1002'\), status:"):
        import_orders(write(tmp_path, bad))

    assert rows() == (0, 0, 0)


def test_bad_customer_column_names_the_csv_column(tmp_path):
    bad = GOOD.replace("emma@example.com", "not-an-email")

    with pytest.raises(CommandError, match=r"line 4 \(order '1002'\), customer_email:"):
        import_orders(write(tmp_path, bad))

    assert rows() == (0, 0, 0)


def test_rows_of_one_order_that_disagree_import_nothing(tmp_path):
    bad = GOOD.replace(
        "37.50,EUR,c-reza,reza@example.com,رضا محمدی,fa,CUP-2", "99.00,EUR,c-reza,reza@example.com,رضا محمدی,fa,CUP-2"
    )

    with pytest.raises(CommandError, match=r"line 3 \(order '1001'\): order columns differ from line 2"):
        import_orders(write(tmp_path, bad))

    assert rows() == (0, 0, 0)


def test_a_bad_row_after_known_orders_leaves_them_untouched(tmp_path):
    import_orders(write(tmp_path, GOOD))
    bad = GOOD.replace("1001,delivered,", "1001,returned,").replace(
        "BOOK-7,Cookbook,1,19.90", "BOOK-7,Cookbook,x,19.90"
    )

    with pytest.raises(CommandError, match="line_quantity"):
        import_orders(write(tmp_path, bad, name="bad.csv"))

    assert Order.objects.get(external_id="1001").status == "delivered"


def test_missing_columns_import_nothing(tmp_path):
    text = "external_id,status,total\n1001,paid,10.00\n"

    with pytest.raises(
        CommandError, match="missing columns: currency, customer_email, customer_external_id, placed_at"
    ):
        import_orders(write(tmp_path, text))

    assert rows() == (0, 0, 0)


def test_empty_file_is_missing_every_column(tmp_path):
    with pytest.raises(CommandError, match="missing columns"):
        import_orders(write(tmp_path, ""))


def test_file_that_is_not_utf8_imports_nothing(tmp_path):
    text = GOOD.replace("رضا محمدی", "Müller")

    with pytest.raises(CommandError, match="not UTF-8"):
        import_orders(write(tmp_path, text, encoding="latin-1"))

    assert rows() == (0, 0, 0)


def test_nul_in_a_cell_is_refused(tmp_path):
    with pytest.raises(CommandError, match="line_name: Null characters are not allowed"):
        import_orders(write(tmp_path, GOOD.replace("Saffron tea", "Saffron\x00tea")))

    assert rows() == (0, 0, 0)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        import_orders(tmp_path / "absent.csv")


def test_a_directory_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        import_orders(tmp_path)
