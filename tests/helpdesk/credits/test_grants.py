"""Granting credit within limits, queueing it for a manager over them, and deciding on requests."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from helpdesk.accounts.roles import AGENT
from helpdesk.accounts.services import staff_user_ensure
from helpdesk.credits.errors import CreditError, CreditErrorCode
from helpdesk.credits.models import (
    CreditAccount,
    CreditEntry,
    CreditEvent,
    CreditLimit,
    CreditRequest,
    EntryKind,
    EventKind,
    RequestStatus,
)
from helpdesk.credits.services import credit_grant, credit_request_approve, credit_request_reject
from helpdesk.customers.services import CustomerData
from tests.conftest import PASSWORD, make_order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limits")]


def grant(customer, by, amount, reason, **extra):
    return credit_grant(customer=customer, amount=amount, currency="USD", reason=reason, by=by, **extra)


def test_a_grant_within_the_limit_credits_the_customer_and_emails_them(
    customer_reza, agent_sara, late_delivery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = grant(customer_reza, agent_sara, "15.00", late_delivery, message="ببخشید بابت تأخیر")

    assert outcome.status == "granted"
    assert CreditAccount.objects.get(customer=customer_reza).balance == Decimal("15.00")
    entry = CreditEntry.objects.get()
    assert (entry.kind, entry.amount, entry.balance_after) == ("grant", Decimal("15.00"), 15)
    assert entry.actor_user == agent_sara
    assert CreditEvent.objects.get().kind == EventKind.GRANTED
    assert [message.to for message in mail.outbox] == [["reza@example.com"]]
    assert "ببخشید بابت تأخیر" in mail.outbox[0].body
    assert "تأخیر در ارسال" in mail.outbox[0].body  # the reason, in the customer's language


def test_a_grant_over_the_per_grant_limit_waits_for_a_manager(
    customer_reza, agent_sara, manager_lina, late_delivery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = grant(customer_reza, agent_sara, "25.00", late_delivery, note="Parcel lost twice")

    assert outcome.status == "pending_approval"
    assert outcome.request.over == "per_grant"
    assert not CreditAccount.objects.filter(customer=customer_reza, balance__gt=0).exists()
    assert [message.to for message in mail.outbox] == [["lina@example.com"]]
    assert "Parcel lost twice" in mail.outbox[0].body


def test_grants_that_would_pass_the_30_day_budget_wait_for_a_manager(customer_reza, agent_sara, late_delivery):
    for _ in range(2):
        assert grant(customer_reza, agent_sara, "20.00", late_delivery).status == "granted"

    outcome = grant(customer_reza, agent_sara, "15.00", late_delivery)

    assert (outcome.status, outcome.request.over) == ("pending_approval", "per_30_days")
    assert grant(customer_reza, agent_sara, "10.00", late_delivery).status == "granted"


def test_grants_older_than_30_days_no_longer_count_against_the_budget(customer_reza, agent_sara, late_delivery):
    for _ in range(2):
        grant(customer_reza, agent_sara, "20.00", late_delivery)
    CreditEntry.objects.update(created_at=timezone.now() - timedelta(days=31))

    assert grant(customer_reza, agent_sara, "20.00", late_delivery).status == "granted"


def test_a_personal_limit_overrides_the_role_limit(customer_reza, agent_sara, late_delivery):
    CreditLimit.objects.create(user=agent_sara, currency="USD", per_grant=Decimal("5"), per_30_days=Decimal("5"))

    assert grant(customer_reza, agent_sara, "6.00", late_delivery).status == "pending_approval"


def test_without_a_limit_in_that_currency_every_grant_needs_approval(customer_reza, agent_sara, late_delivery):
    outcome = credit_grant(customer=customer_reza, amount="1.00", currency="EUR", reason=late_delivery, by=agent_sara)

    assert outcome.status == "pending_approval"


def test_nobody_grants_credit_to_themselves(agent_sara, late_delivery):
    sara_as_customer = make_order("ORD-SARA", CustomerData(external_id="c-sara", email="SARA@example.com")).customer

    with pytest.raises(CreditError) as refused:
        grant(sara_as_customer, agent_sara, "5.00", late_delivery)

    assert refused.value.code == CreditErrorCode.SELF_GRANT
    assert not CreditEntry.objects.exists() and not CreditRequest.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5", "1.234", "abc", "NaN", "Infinity", "1e3", None, 2.5])
def test_bad_amounts_are_refused_and_nothing_is_written(customer_reza, agent_sara, late_delivery, amount):
    with pytest.raises(CreditError) as refused:
        grant(customer_reza, agent_sara, amount, late_delivery)

    assert refused.value.code == CreditErrorCode.INVALID_AMOUNT
    assert not CreditAccount.objects.exists()


def test_an_unknown_currency_or_inactive_reason_or_past_expiry_is_refused(customer_reza, agent_sara, late_delivery):
    with pytest.raises(CreditError) as unknown:
        credit_grant(customer=customer_reza, amount="1.00", currency="XYZ", reason=late_delivery, by=agent_sara)
    with pytest.raises(CreditError) as past:
        grant(customer_reza, agent_sara, "1.00", late_delivery, expires_at=timezone.now() - timedelta(minutes=1))
    late_delivery.active = False
    late_delivery.save()
    with pytest.raises(CreditError) as inactive:
        grant(customer_reza, agent_sara, "1.00", late_delivery)

    assert [unknown.value.code, past.value.code, inactive.value.code] == [
        CreditErrorCode.UNKNOWN_CURRENCY,
        CreditErrorCode.EXPIRY_IN_PAST,
        CreditErrorCode.REASON_INACTIVE,
    ]
    assert not CreditAccount.objects.exists()


def test_a_customer_cannot_grant(customer_reza, customer_emma, late_delivery):
    with pytest.raises(CreditError) as refused:
        grant(customer_emma, None, "1.00", late_delivery)

    assert refused.value.code == CreditErrorCode.NOT_STAFF


@pytest.fixture
def request_over_limit(customer_reza, agent_sara, late_delivery):
    return grant(customer_reza, agent_sara, "120.00", late_delivery, message="Sorry!").request


def test_a_manager_approves_a_request_and_the_credit_is_granted_as_asked(
    request_over_limit, manager_lina, agent_sara, customer_reza, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = credit_request_approve(request=request_over_limit, by=manager_lina, note="OK, lost twice")

    request_over_limit.refresh_from_db()
    assert (request_over_limit.status, request_over_limit.decided_by, request_over_limit.grant) == (
        RequestStatus.APPROVED,
        manager_lina,
        entry,
    )
    assert (entry.amount, entry.actor_user) == (Decimal("120.00"), agent_sara)
    assert CreditAccount.objects.get(customer=customer_reza).balance == Decimal("120.00")
    assert sorted(message.to[0] for message in mail.outbox) == ["reza@example.com", "sara@example.com"]
    assert [event.kind for event in CreditEvent.objects.order_by("id")] == ["requested", "approved"]
    assert request_over_limit.history.count() == 2  # created, then decided


def test_an_approved_grant_does_not_use_the_agents_own_budget(
    request_over_limit, manager_lina, agent_sara, customer_reza, late_delivery
):
    credit_request_approve(request=request_over_limit, by=manager_lina)

    assert grant(customer_reza, agent_sara, "20.00", late_delivery).status == "granted"


def test_agents_cannot_approve(request_over_limit, agent_omar):
    with pytest.raises(CreditError) as refused:
        credit_request_approve(request=request_over_limit, by=agent_omar)

    assert refused.value.code == CreditErrorCode.NOT_MANAGER


def test_a_manager_cannot_approve_their_own_request(customer_reza, manager_lina, late_delivery):
    own = grant(customer_reza, manager_lina, "500.00", late_delivery).request

    with pytest.raises(CreditError) as refused:
        credit_request_approve(request=own, by=manager_lina)

    assert refused.value.code == CreditErrorCode.OWN_REQUEST


def test_a_rejection_needs_a_note_and_tells_the_agent(
    request_over_limit, manager_lina, django_capture_on_commit_callbacks
):
    with pytest.raises(CreditError) as refused:
        credit_request_reject(request=request_over_limit, by=manager_lina, note="  ")
    with django_capture_on_commit_callbacks(execute=True):
        credit_request_reject(request=request_over_limit, by=manager_lina, note="Offer free shipping instead")

    assert refused.value.code == CreditErrorCode.NOTE_REQUIRED
    assert not CreditEntry.objects.exists()
    assert [message.to for message in mail.outbox] == [["sara@example.com"]]
    assert "Offer free shipping instead" in mail.outbox[0].body


def test_a_request_is_decided_once(request_over_limit, manager_lina):
    second_manager = staff_user_ensure(email="nima@example.com", password=PASSWORD, role=AGENT)
    second_manager.is_superuser = True
    second_manager.save()
    credit_request_approve(request=request_over_limit, by=manager_lina)

    with pytest.raises(CreditError) as refused:
        credit_request_reject(request=request_over_limit, by=second_manager, note="no")

    assert refused.value.code == CreditErrorCode.REQUEST_DECIDED
    assert CreditEntry.objects.filter(kind=EntryKind.GRANT).count() == 1
