"""Redeeming, reversing and expiring credit: the balance always equals the sum of the entries."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from helpdesk.credits.errors import CreditError, CreditErrorCode
from helpdesk.credits.models import SIGN, CreditAccount, CreditEntry, CreditLot, EntryKind
from helpdesk.credits.services import credit_expire_due, credit_grant, credit_redeem, credit_reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limits")]


def give(customer, by, reason, amount, **extra):
    return credit_grant(customer=customer, amount=amount, currency="USD", reason=reason, by=by, **extra).entry


def redeem(customer, amount, key, *, currency="USD", order="1001"):
    return credit_redeem(
        customer=customer, amount=amount, currency=currency, order=order, idempotency_key=key, by_label="shop:test"
    )


def balance(customer, currency="USD") -> Decimal:
    return CreditAccount.objects.get(customer=customer, currency=currency).balance


def assert_balance_is_the_sum_of_entries(customer):
    for account in CreditAccount.objects.filter(customer=customer):
        total = sum((entry.amount * SIGN[entry.kind] for entry in account.entries.all()), Decimal(0))
        assert account.balance == total


@pytest.fixture
def reza_with_30(customer_reza, agent_sara, late_delivery):
    give(customer_reza, agent_sara, late_delivery, "20.00")
    give(customer_reza, agent_sara, late_delivery, "10.00")
    return customer_reza


def test_a_redemption_lowers_the_balance_and_says_what_is_left(reza_with_30):
    redemption = redeem(reza_with_30, "12.50", "key-1")

    assert (redemption.replayed, redemption.entry.balance_after) == (False, Decimal("17.50"))
    assert balance(reza_with_30) == Decimal("17.50")
    assert_balance_is_the_sum_of_entries(reza_with_30)


def test_the_same_key_and_body_replays_the_first_answer_and_spends_once(reza_with_30):
    first = redeem(reza_with_30, "12.50", "key-1")
    again = redeem(reza_with_30, "12.50", "key-1")

    assert (again.replayed, again.entry) == (True, first.entry)
    assert balance(reza_with_30) == Decimal("17.50")


@pytest.mark.parametrize("change", [{"amount": "12.00"}, {"order": "1002"}, {"currency": "EUR"}])
def test_the_same_key_with_another_body_is_refused(reza_with_30, change):
    redeem(reza_with_30, "12.50", "key-1")

    with pytest.raises(CreditError) as refused:
        redeem(reza_with_30, **({"amount": "12.50", "key": "key-1"} | change))

    assert refused.value.code == CreditErrorCode.IDEMPOTENCY_MISMATCH
    assert CreditEntry.objects.filter(kind=EntryKind.REDEEM).count() == 1


def test_the_same_key_for_another_customer_is_refused(reza_with_30, customer_emma, agent_sara, late_delivery):
    give(customer_emma, agent_sara, late_delivery, "20.00")
    redeem(reza_with_30, "5.00", "key-1")

    with pytest.raises(CreditError) as refused:
        redeem(customer_emma, "5.00", "key-1")

    assert refused.value.code == CreditErrorCode.IDEMPOTENCY_MISMATCH
    assert balance(customer_emma) == Decimal("20.00")


def test_more_than_the_balance_is_refused_and_nothing_is_written(reza_with_30):
    with pytest.raises(CreditError) as refused:
        redeem(reza_with_30, "30.01", "key-1")

    assert refused.value.code == CreditErrorCode.INSUFFICIENT_CREDIT
    assert "30.00" in refused.value.message
    assert not CreditEntry.objects.filter(kind=EntryKind.REDEEM).exists()
    assert balance(reza_with_30) == Decimal("30.00")


def test_another_currency_is_a_currency_mismatch_and_no_credit_at_all_is_insufficient(reza_with_30, customer_emma):
    with pytest.raises(CreditError) as mismatch:
        redeem(reza_with_30, "1.00", "key-1", currency="EUR")
    with pytest.raises(CreditError) as none:
        redeem(customer_emma, "1.00", "key-2")

    assert (mismatch.value.code, none.value.code) == (
        CreditErrorCode.CURRENCY_MISMATCH,
        CreditErrorCode.INSUFFICIENT_CREDIT,
    )
    assert "USD" in mismatch.value.message


def test_a_reversal_puts_the_amount_back_once(reza_with_30):
    spent = redeem(reza_with_30, "25.00", "key-1").entry

    reversal = credit_reverse(
        customer=reza_with_30, redemption_id=spent.public_id, idempotency_key="rev-1", by_label="shop:test"
    )
    replay = credit_reverse(
        customer=reza_with_30, redemption_id=spent.public_id, idempotency_key="rev-1", by_label="shop:test"
    )
    with pytest.raises(CreditError) as twice:
        credit_reverse(
            customer=reza_with_30, redemption_id=spent.public_id, idempotency_key="rev-2", by_label="shop:test"
        )

    assert (reversal.entry.balance_after, reversal.entry.reverses) == (Decimal("30.00"), spent)
    assert (replay.replayed, replay.entry) == (True, reversal.entry)
    assert twice.value.code == CreditErrorCode.ALREADY_REVERSED
    assert redeem(reza_with_30, "30.00", "key-2").entry.balance_after == 0
    assert_balance_is_the_sum_of_entries(reza_with_30)


def test_a_reversal_of_someone_elses_redemption_is_not_found(reza_with_30, customer_emma):
    spent = redeem(reza_with_30, "5.00", "key-1").entry

    with pytest.raises(CreditError) as refused:
        credit_reverse(
            customer=customer_emma, redemption_id=spent.public_id, idempotency_key="rev-1", by_label="shop:test"
        )

    assert refused.value.code == CreditErrorCode.NOT_FOUND


def test_expiry_removes_what_is_left_of_expired_grants_once(customer_reza, agent_sara, late_delivery):
    soon = timezone.now() + timedelta(days=1)
    give(customer_reza, agent_sara, late_delivery, "10.00", expires_at=soon)
    give(customer_reza, agent_sara, late_delivery, "20.00")
    redeem(customer_reza, "4.00", "key-1")  # spends the grant that expires first

    later = soon + timedelta(minutes=1)
    written = credit_expire_due(now=later)
    again = credit_expire_due(now=later)

    assert (written, again) == (1, 0)
    expired = CreditEntry.objects.get(kind=EntryKind.EXPIRE)
    assert (expired.amount, expired.balance_after) == (Decimal("6.00"), Decimal("20.00"))
    assert balance(customer_reza) == Decimal("20.00")
    assert_balance_is_the_sum_of_entries(customer_reza)


def test_expired_credit_cannot_be_spent_even_before_the_job_runs(customer_reza, agent_sara, late_delivery):
    give(customer_reza, agent_sara, late_delivery, "10.00", expires_at=timezone.now() + timedelta(days=1))
    CreditLot.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(CreditError) as refused:
        redeem(customer_reza, "1.00", "key-1")
    credit_expire_due()

    assert refused.value.code == CreditErrorCode.INSUFFICIENT_CREDIT
    assert not CreditEntry.objects.filter(kind=EntryKind.REDEEM).exists()
    assert balance(customer_reza) == 0
    assert CreditEntry.objects.filter(kind=EntryKind.EXPIRE).aggregate(total=Sum("amount"))["total"] == 10


def test_the_expire_credit_command_reports_what_it_wrote(customer_reza, agent_sara, late_delivery):
    give(customer_reza, agent_sara, late_delivery, "10.00", expires_at=timezone.now() + timedelta(days=1))
    CreditLot.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    out = io.StringIO()

    call_command("expire_credit", stdout=out)
    call_command("expire_credit", stdout=out)

    assert out.getvalue().splitlines() == ["Wrote 1 expire entries.", "Wrote 0 expire entries."]
    assert balance(customer_reza) == 0
