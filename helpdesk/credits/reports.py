"""What the reports need from the ledger: who granted how much, why, when, and what came after."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Min, Sum
from django.db.models.functions import Coalesce, TruncMonth

from helpdesk.orders.models import Order, OrderStatus

from .models import CreditEntry, EntryKind

NOT_SALES = (OrderStatus.CANCELLED, OrderStatus.RETURNED)


@dataclass(frozen=True)
class CreditedCustomer:
    customer_id: int
    first_credited_at: datetime
    credited: Decimal
    currency: str
    orders_after: int
    ordered_after: Decimal


def credits_by_agent_reason_month(start: datetime, end: datetime) -> list[dict]:
    """Grants in [start, end) summed per month, granting agent, reason and currency."""
    return list(
        CreditEntry.objects.filter(kind=EntryKind.GRANT, created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "actor_user", "actor_label", "reason__code", "account__currency")
        .annotate(total=Sum("amount"), grants=Count("id"))
        .order_by("month", "actor_label", "reason__code", "account__currency")
    )


def credited_customers_with_orders_after(start: datetime, end: datetime) -> list[CreditedCustomer]:
    """Each customer credited in [start, end): whether, and how much, they ordered after their first grant."""
    grants = (
        CreditEntry.objects.filter(kind=EntryKind.GRANT, created_at__gte=start, created_at__lt=end)
        .values("account__customer", "account__currency")
        .annotate(first=Min("created_at"), credited=Sum("amount"))
    )
    result = []
    for row in grants:
        after = Order.objects.filter(
            customer=row["account__customer"], placed_at__gt=row["first"], currency=row["account__currency"]
        ).exclude(status__in=NOT_SALES)
        summary = after.aggregate(count=Count("id"), total=Coalesce(Sum("total"), Decimal("0.00")))
        result.append(
            CreditedCustomer(
                customer_id=row["account__customer"],
                first_credited_at=row["first"],
                credited=row["credited"],
                currency=row["account__currency"],
                orders_after=summary["count"],
                ordered_after=summary["total"],
            )
        )
    return result
