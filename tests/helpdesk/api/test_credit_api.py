"""The credit endpoints as the shop's backend and a staff script use them (API-CONTRACT.md)."""

import json
from decimal import Decimal

import pytest

from helpdesk.credits.models import CreditAccount, CreditEntry, CreditRequest, EntryKind
from helpdesk.credits.services import credit_grant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limits")]

CREDIT = "/api/v1/customers/c-reza/credit"
REDEEM = {"amount": "7.50", "currency": "USD", "order": "1002"}


def post(client, key, url, body, idempotency_key=None):
    headers = {"HTTP_AUTHORIZATION": key}
    if idempotency_key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, raw, content_type="application/json", **headers)


@pytest.fixture
def reza_with_20(customer_reza, agent_sara, late_delivery):
    credit_grant(customer=customer_reza, amount="20.00", currency="USD", reason=late_delivery, by=agent_sara)
    return customer_reza


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_the_shop_reads_balances_and_entries(client, shop_key, reza_with_20):
    response = client.get(CREDIT, HTTP_AUTHORIZATION=shop_key)

    assert response.status_code == 200
    body = response.json()
    assert body["balances"] == [{"currency": "USD", "amount": "20.00"}]
    [entry] = body["entries"]
    assert (entry["kind"], entry["amount"], entry["balance_after"], entry["reason"]) == (
        "grant",
        "20.00",
        "20.00",
        "late-delivery",
    )


def test_reading_needs_the_shop_key_and_a_known_customer(client, staff_key, shop_key, reza_with_20):
    assert client.get(CREDIT, HTTP_AUTHORIZATION=staff_key).status_code == 403
    assert client.get(CREDIT).status_code == 401
    unknown = client.get("/api/v1/customers/nobody/credit", HTTP_AUTHORIZATION=shop_key)
    assert (unknown.status_code, error_code(unknown)) == (404, "unknown_customer")


def test_a_redemption_answers_with_its_id_and_the_balance_after(client, shop_key, reza_with_20):
    response = post(client, shop_key, f"{CREDIT}/redemptions", REDEEM, "order-1002")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["balance_after"], body["amount"], body["order"]) == ("12.50", "7.50", "1002")
    assert body["id"] == str(CreditEntry.objects.get(kind=EntryKind.REDEEM).public_id)


def test_a_retry_with_the_same_key_and_body_replays_the_first_answer(client, shop_key, reza_with_20):
    first = post(client, shop_key, f"{CREDIT}/redemptions", REDEEM, "order-1002")
    again = post(client, shop_key, f"{CREDIT}/redemptions", REDEEM, "order-1002")

    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert CreditAccount.objects.get().balance == Decimal("12.50")


def test_the_same_key_with_another_body_is_422_and_writes_nothing(client, shop_key, reza_with_20):
    post(client, shop_key, f"{CREDIT}/redemptions", REDEEM, "order-1002")

    response = post(client, shop_key, f"{CREDIT}/redemptions", {**REDEEM, "amount": "8.00"}, "order-1002")

    assert (response.status_code, error_code(response)) == (422, "idempotency_mismatch")
    assert CreditEntry.objects.filter(kind=EntryKind.REDEEM).count() == 1


@pytest.mark.parametrize("key", [None, "", "k" * 256])
def test_a_redemption_without_a_usable_idempotency_key_is_400(client, shop_key, reza_with_20, key):
    response = post(client, shop_key, f"{CREDIT}/redemptions", REDEEM, key)

    assert (response.status_code, error_code(response)) == (400, "idempotency_key_required")


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"amount": "20.01"}, 409, "insufficient_credit"),
        ({"currency": "EUR"}, 422, "currency_mismatch"),
        ({"amount": "0"}, 422, "invalid_amount"),
        ({"amount": "-1.00"}, 422, "invalid_amount"),
        ({"amount": "1.005"}, 422, "invalid_amount"),
        ({"amount": "1e2"}, 422, "invalid_amount"),
        ({"amount": True}, 400, "validation_error"),
        ({"currency": "ABC"}, 400, "validation_error"),
        ({"order": ""}, 400, "validation_error"),
    ],
)
def test_a_refused_redemption_says_why_and_writes_nothing(client, shop_key, reza_with_20, change, status, code):
    response = post(client, shop_key, f"{CREDIT}/redemptions", {**REDEEM, **change}, "key-1")

    assert (response.status_code, error_code(response)) == (status, code), response.json()
    assert response.json()["error"]["message"]
    assert not CreditEntry.objects.filter(kind=EntryKind.REDEEM).exists()
    assert CreditAccount.objects.get().balance == Decimal("20.00")


def test_a_staff_key_cannot_redeem(client, staff_key, reza_with_20):
    response = post(client, staff_key, f"{CREDIT}/redemptions", REDEEM, "key-1")

    assert response.status_code == 403


def test_a_reversal_puts_the_amount_back_once(client, shop_key, reza_with_20):
    spent = post(client, shop_key, f"{CREDIT}/redemptions", REDEEM, "order-1002").json()
    url = f"{CREDIT}/redemptions/{spent['id']}/reverse"

    first = post(client, shop_key, url, {}, "cancel-1002")
    replay = post(client, shop_key, url, {}, "cancel-1002")
    twice = post(client, shop_key, url, {}, "cancel-1002-again")

    assert first.status_code == 201, first.json()
    assert (first.json()["kind"], first.json()["balance_after"], first.json()["reverses"]) == (
        "reverse",
        "20.00",
        spent["id"],
    )
    assert replay.json() == first.json()
    assert (twice.status_code, error_code(twice)) == (409, "already_reversed")


def test_reversing_another_customers_redemption_is_404(client, shop_key, reza_with_20, customer_emma):
    spent = post(client, shop_key, f"{CREDIT}/redemptions", REDEEM, "order-1002").json()

    response = post(client, shop_key, f"/api/v1/customers/c-emma/credit/redemptions/{spent['id']}/reverse", {}, "k")

    assert (response.status_code, error_code(response)) == (404, "not_found")


def test_a_staff_key_grants_within_its_limit(client, staff_key, customer_reza):
    body = {"amount": "15.00", "currency": "USD", "reason": "late-delivery", "note": "parcel late"}

    response = post(client, staff_key, f"{CREDIT}/grants", body)

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "granted"
    assert response.json()["entry"]["balance_after"] == "15.00"


def test_a_staff_grant_over_its_limit_waits_for_approval(client, staff_key, customer_reza):
    body = {"amount": "25.00", "currency": "USD", "reason": "late-delivery"}

    response = post(client, staff_key, f"{CREDIT}/grants", body)

    assert response.status_code == 201
    assert response.json()["status"] == "pending_approval"
    assert response.json()["request"]["over"] == "per_grant"
    assert CreditRequest.objects.get().requested_by.email == "sara@example.com"
    assert not CreditAccount.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"reason": "no-such-reason"}, 422, "unknown_reason"),
        ({"amount": "1.234"}, 422, "invalid_amount"),
        ({"ticket": 999999}, 422, "unknown_ticket"),
    ],
)
def test_a_refused_grant_says_why(client, staff_key, customer_reza, change, status, code):
    body = {"amount": "5.00", "currency": "USD", "reason": "late-delivery", **change}

    response = post(client, staff_key, f"{CREDIT}/grants", body)

    assert (response.status_code, error_code(response)) == (status, code)
    assert not CreditEntry.objects.exists()


def test_the_shop_key_cannot_grant(client, shop_key, customer_reza):
    body = {"amount": "5.00", "currency": "USD", "reason": "late-delivery"}

    assert post(client, shop_key, f"{CREDIT}/grants", body).status_code == 403
