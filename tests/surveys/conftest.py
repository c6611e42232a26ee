"""Helpers for survey tests: deliver an order, send what is due, follow the email's links."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from helpdesk.orders.services import OrderData, OrderLineData, order_upsert
from surveys.models import SurveySettings
from surveys.sending import surveys_send_due
from tests.conftest import EMMA, REZA
from tests.surveys.links import path_of, survey_links


@pytest.fixture
def config(db):
    """The settings row (a transactional test's flush removes the migration's one)."""
    row, _created = SurveySettings.objects.get_or_create(pk=1)
    return row


@pytest.fixture
def deliver(db, config, django_capture_on_commit_callbacks):
    """Report an order delivered, as the shop's API does, and run what happens after commit."""

    def deliver(external_id="ORD-1", customer=REZA, *, delivered_at=None, status="delivered"):
        delivered_at = delivered_at or timezone.now().replace(microsecond=0)
        data = OrderData(
            external_id=external_id,
            customer=customer,
            status=status,
            placed_at=delivered_at - timedelta(days=2),
            delivered_at=delivered_at if status == "delivered" else None,
            total=Decimal("42.00"),
            currency="USD",
            lines=[OrderLineData(sku="TEA-1", name="Saffron tea", quantity=1, price=Decimal("42.00"))],
        )
        with django_capture_on_commit_callbacks(execute=True):
            return order_upsert(data=data)[0]

    return deliver


def send_due_at(moment):
    with time_machine.travel(moment, tick=False):
        return surveys_send_due()


def send_due_after(days: float):
    return send_due_at(timezone.now() + timedelta(days=days))


__all__ = ["EMMA", "REZA", "path_of", "send_due_after", "send_due_at", "survey_links"]
