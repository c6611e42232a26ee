"""`order_upsert`: all-or-nothing writes, and the `order_status_changed` signal after commit."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from helpdesk.customers.models import Customer
from helpdesk.customers.services import CustomerData
from helpdesk.orders.models import Order, OrderLine
from helpdesk.orders.services import OrderData, OrderLineData, order_upsert
from helpdesk.orders.signals import order_status_changed
from tests.conftest import REZA

pytestmark = pytest.mark.django_db

PLACED = timezone.now().replace(microsecond=0) - timedelta(days=3)
TEA = OrderLineData(sku="TEA-1", name="Saffron tea", quantity=2, price=Decimal("12.50"))
ORDER = OrderData(
    external_id="1001",
    customer=REZA,
    status="paid",
    placed_at=PLACED,
    total=Decimal("25.00"),
    currency="EUR",
    lines=[TEA],
)


@pytest.fixture
def status_changes():
    """The (external_id, status, previous_status) of every signal received."""
    received = []

    def receiver(sender, order, previous_status, **kwargs):
        received.append((order.external_id, order.status, previous_status))

    order_status_changed.connect(receiver)
    yield received
    order_status_changed.disconnect(receiver)


def test_new_order_signals_after_commit(status_changes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        order_upsert(data=ORDER)
        assert status_changes == []

    for callback in callbacks:
        callback()
    assert status_changes == [("1001", "paid", None)]


def test_status_change_signals_with_the_previous_status(status_changes, django_capture_on_commit_callbacks):
    order_upsert(data=ORDER)

    with django_capture_on_commit_callbacks(execute=True):
        order_upsert(data=replace(ORDER, status="shipped"))

    assert status_changes == [("1001", "shipped", "paid")]


def test_update_without_status_change_does_not_signal(status_changes, django_capture_on_commit_callbacks):
    order_upsert(data=ORDER)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order_upsert(data=replace(ORDER, total=Decimal("30.00"), lines=[replace(TEA, price=Decimal("15.00"))]))

    assert callbacks == []
    assert status_changes == []
    assert Order.objects.get().total == Decimal("30.00")


def test_failed_upsert_does_not_signal(status_changes, django_capture_on_commit_callbacks):
    broken = replace(ORDER, lines=[replace(TEA, price=Decimal("-1.00"))])

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(IntegrityError):
        order_upsert(data=broken)

    assert callbacks == []
    assert status_changes == []


def test_a_write_failing_midway_leaves_no_customer_order_or_line():
    # Given a line the database refuses, after the customer and the order were written
    broken = replace(
        ORDER,
        customer=CustomerData(external_id="c-new", email="new@example.com"),
        lines=[TEA, replace(TEA, sku="BAD", price=Decimal("-1.00"))],
    )

    with pytest.raises(IntegrityError):
        order_upsert(data=broken)

    assert not Customer.objects.filter(external_id="c-new").exists()
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0


def test_a_failing_update_keeps_the_previous_order():
    order_upsert(data=ORDER)

    with pytest.raises(IntegrityError):
        order_upsert(data=replace(ORDER, status="delivered", lines=[replace(TEA, price=Decimal("-1.00"))]))

    order = Order.objects.get()
    assert order.status == "paid"
    assert [(line.sku, line.price) for line in order.lines.all()] == [("TEA-1", Decimal("12.50"))]


def test_an_order_that_breaks_a_constraint_is_not_mistaken_for_a_concurrent_insert():
    with pytest.raises(IntegrityError):
        order_upsert(data=replace(ORDER, total=Decimal("-5.00")))

    assert Order.objects.count() == 0


def test_unchanged_lines_are_kept_and_changed_lines_replaced():
    order, _ = order_upsert(data=ORDER)
    first_ids = list(order.lines.values_list("pk", flat=True))

    order_upsert(data=ORDER)
    assert list(order.lines.values_list("pk", flat=True)) == first_ids

    order_upsert(data=replace(ORDER, lines=[replace(TEA, quantity=3), replace(TEA, sku="CUP-2")]))
    assert [(line.position, line.sku, line.quantity) for line in order.lines.all()] == [
        (1, "TEA-1", 3),
        (2, "CUP-2", 2),
    ]


def test_an_order_can_move_to_another_customer():
    order_upsert(data=ORDER)
    emma = CustomerData(external_id="c-emma", email="emma@example.com")

    order, created = order_upsert(data=replace(ORDER, customer=emma))

    assert not created
    assert order.customer.external_id == "c-emma"
    assert Customer.objects.count() == 2
