"""Write path for orders reported by the shop."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from helpdesk.customers.services import CustomerData, customer_upsert

from .models import Order, OrderLine
from .signals import order_status_changed


@dataclass(frozen=True)
class OrderLineData:
    sku: str
    name: str
    quantity: int
    price: Decimal


@dataclass(frozen=True)
class OrderData:
    external_id: str
    customer: CustomerData
    status: str
    placed_at: datetime
    total: Decimal
    currency: str
    delivered_at: datetime | None = None
    lines: list[OrderLineData] = field(default_factory=list)


ORDER_FIELDS = ("status", "placed_at", "delivered_at", "total", "currency")


def _lock_or_create(data: OrderData, customer) -> tuple[Order, bool]:
    order = Order.objects.select_for_update().filter(external_id=data.external_id).first()
    if order is not None:
        return order, False
    try:
        with transaction.atomic():
            return Order.objects.create(
                external_id=data.external_id,
                customer=customer,
                **{name: getattr(data, name) for name in ORDER_FIELDS},
            ), True
    except IntegrityError:
        order = Order.objects.select_for_update().filter(external_id=data.external_id).first()
        if order is None:  # not a concurrent insert of the same order: a broken invariant
            raise
        return order, False


def _replace_lines(order: Order, lines: list[OrderLineData]) -> None:
    current = [(line.sku, line.name, line.quantity, line.price) for line in order.lines.all()]
    wanted = [(line.sku, line.name, line.quantity, Decimal(line.price)) for line in lines]
    if current == wanted:
        return
    order.lines.all().delete()
    OrderLine.objects.bulk_create(
        OrderLine(order=order, position=index, sku=sku, name=name, quantity=quantity, price=price)
        for index, (sku, name, quantity, price) in enumerate(wanted, start=1)
    )


@transaction.atomic
def order_upsert(*, data: OrderData) -> tuple[Order, bool]:
    """Create or update the order with this external id, its customer and its lines."""
    customer, _ = customer_upsert(data=data.customer)
    order, created = _lock_or_create(data, customer)
    previous_status = None if created else order.status
    if not created:
        changed = [name for name in ORDER_FIELDS if getattr(order, name) != getattr(data, name)]
        if order.customer_id != customer.pk:
            order.customer = customer
            changed.append("customer")
        for name in changed:
            if name != "customer":
                setattr(order, name, getattr(data, name))
        if changed:
            order.save(update_fields=[*changed, "updated_at"])
    _replace_lines(order, data.lines)
    if created or previous_status != order.status:
        transaction.on_commit(
            lambda: order_status_changed.send(sender=Order, order=order, previous_status=previous_status)
        )
    return order, created
