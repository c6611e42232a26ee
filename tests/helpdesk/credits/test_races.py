"""Many redemptions at once against one balance (PostgreSQL): none overdraws, none is counted twice."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from helpdesk.credits.errors import CreditError, CreditErrorCode
from helpdesk.credits.models import SIGN, CreditAccount, CreditEntry, EntryKind
from helpdesk.credits.services import credit_grant, credit_redeem
from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("limits")]

THREADS = 50


def run_at_once(work, count: int) -> list:
    """Run `work(i)` in `count` threads released together; return each result or CreditError code."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            start.wait()
            while True:
                try:
                    results[index] = work(index)
                    return
                except CreditError as error:
                    if error.code != CreditErrorCode.BUSY:  # a shop retries a busy answer with the same key
                        results[index] = error.code
                        return
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def reza_with_30(customer_reza, agent_sara, late_delivery):
    for _ in range(3):
        credit_grant(customer=customer_reza, amount="10.00", currency="USD", reason=late_delivery, by=agent_sara)
    return customer_reza


def redeem_one(customer, key: str):
    return credit_redeem(
        customer=customer, amount="1.00", currency="USD", order=key, idempotency_key=key, by_label="shop:race"
    )


def test_fifty_concurrent_redemptions_never_overdraw_and_the_entries_add_up(reza_with_30):
    results = run_at_once(lambda index: redeem_one(reza_with_30, f"race-{index}"), THREADS)

    spent = [result for result in results if not isinstance(result, str)]
    refused = [result for result in results if isinstance(result, str)]
    assert len(spent) == 30
    assert refused == [CreditErrorCode.INSUFFICIENT_CREDIT] * 20
    account = CreditAccount.objects.get(customer=reza_with_30)
    entries = account.entries.all()
    assert account.balance == 0
    assert sum((entry.amount * SIGN[entry.kind] for entry in entries), Decimal(0)) == account.balance
    assert sorted(entry.balance_after for entry in entries.filter(kind=EntryKind.REDEEM)) == [
        Decimal(left) for left in range(30)
    ]


def test_the_same_key_sent_many_times_at_once_spends_once(reza_with_30):
    results = run_at_once(lambda index: redeem_one(reza_with_30, "one-key"), 10)

    assert len({result.entry.pk for result in results}) == 1
    assert sorted(result.replayed for result in results) == [False] + [True] * 9
    assert CreditEntry.objects.filter(kind=EntryKind.REDEEM).count() == 1
    assert CreditAccount.objects.get(customer=reza_with_30).balance == Decimal("29.00")
