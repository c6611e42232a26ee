"""The figures the reports take from the ledger: grants by month, agent and reason; orders after a grant."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from helpdesk.credits.reports import credited_customers_with_orders_after, credits_by_agent_reason_month
from helpdesk.credits.services import credit_grant
from helpdesk.orders.services import OrderData, order_upsert
from tests.conftest import REZA

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limits")]


def order_after(external_id: str, *, days: int, total: str, status="delivered"):
    placed = timezone.now() + timedelta(days=days)
    order_upsert(
        data=OrderData(
            external_id=external_id,
            customer=REZA,
            status=status,
            placed_at=placed,
            delivered_at=None,
            total=Decimal(total),
            currency="USD",
            lines=[],
        )
    )


def test_grants_are_summed_by_month_agent_and_reason(customer_reza, agent_sara, agent_omar, late_delivery):
    for by, amount in ((agent_sara, "5.00"), (agent_sara, "7.00"), (agent_omar, "3.00")):
        credit_grant(customer=customer_reza, amount=amount, currency="USD", reason=late_delivery, by=by)
    start, end = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=1)

    rows = credits_by_agent_reason_month(start, end)

    assert [(row["actor_label"], row["total"], row["grants"]) for row in rows] == [
        ("Omar Haddad", Decimal("3.00"), 1),
        ("Sara Ahmadi", Decimal("12.00"), 2),
    ]
    assert {row["reason__code"] for row in rows} == {"late-delivery"}


def test_a_credited_customer_shows_what_they_ordered_afterwards(customer_reza, agent_sara, late_delivery):
    credit_grant(customer=customer_reza, amount="10.00", currency="USD", reason=late_delivery, by=agent_sara)
    order_after("ORD-AFTER-1", days=1, total="30.00")
    order_after("ORD-AFTER-2", days=2, total="12.50")
    order_after("ORD-AFTER-3", days=3, total="99.00", status="cancelled")
    start, end = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=1)

    (row,) = credited_customers_with_orders_after(start, end)

    assert (row.customer_id, row.credited, row.orders_after, row.ordered_after) == (
        customer_reza.pk,
        Decimal("10.00"),
        2,
        Decimal("42.50"),
    )
