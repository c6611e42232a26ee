"""Where the OpenAPI schema and the API's answers disagreed (found by tests/api_fuzz), each now tells the truth."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from helpdesk.core.serializer_fields import KNOWN_CURRENCIES
from helpdesk.credits.services import credit_grant, credit_redeem
from helpdesk.tickets import services as tickets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limits")]

CREDIT = "/api/v1/customers/c-reza/credit"


@pytest.fixture(scope="module")
def schema():
    out = StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    return json.loads(out.getvalue())


def components(schema) -> dict:
    return schema["components"]["schemas"]


def parameter(schema, path: str, method: str, name: str) -> dict:
    [found] = [p for p in schema["paths"][path][method]["parameters"] if p["name"] == name]
    return found


def post(client, key, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=key, **headers)


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


@pytest.fixture
def reza_redeemed(customer_reza, agent_sara, late_delivery):
    credit_grant(customer=customer_reza, amount="20.00", currency="USD", reason=late_delivery, by=agent_sara)
    credit_redeem(customer=customer_reza, amount="5", currency="USD", order="ORD-1", idempotency_key="k", by_label="t")
    return customer_reza


def test_ledger_entries_answer_null_where_the_schema_allows_null(client, shop_key, reza_redeemed, schema):
    response = client.get(CREDIT, HTTP_AUTHORIZATION=shop_key)

    redeem = next(entry for entry in response.json()["entries"] if entry["kind"] == "redeem")
    assert (redeem["reason"], redeem["reverses"], redeem["expires_at"]) == (None, None, None)
    entry = components(schema)["Entry"]["properties"]
    assert all(entry[name]["nullable"] for name in ["reason", "reverses", "expires_at"])


@pytest.mark.parametrize("query", ["limit=%C2%B2", "limit=ten", "limit=%20", "limit=5.5", "limit=1&limit=2"])
def test_a_limit_that_is_not_one_whole_number_is_400(client, shop_key, reza_redeemed, schema, query):
    # `?limit=²` was a 500: "²".isdigit() is true, but int("²") fails.
    response = client.get(f"{CREDIT}?{query}", HTTP_AUTHORIZATION=shop_key)

    assert error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == {"limit": "A valid integer is required."}
    assert "400" in schema["paths"]["/api/v1/customers/{external_id}/credit"]["get"]["responses"]


@pytest.mark.parametrize(
    ("query", "count"), [("limit=-3", 1), ("limit=%2B2", 2), (f"limit={'9' * 5000}", 2), ("limit=", 2)]
)
def test_a_limit_outside_the_range_is_clamped_and_an_empty_one_left_out(client, shop_key, reza_redeemed, query, count):
    response = client.get(f"{CREDIT}?{query}", HTTP_AUTHORIZATION=shop_key)

    assert response.status_code == 200
    assert len(response.json()["entries"]) == count


def test_the_schema_gives_the_idempotency_key_the_bounds_the_api_checks(client, shop_key, reza_redeemed, schema):
    path = "/api/v1/customers/{external_id}/credit/redemptions"
    key = parameter(schema, path, "post", "Idempotency-Key")["schema"]
    body = {"amount": "1.00", "currency": "USD", "order": "ORD-2"}

    assert (key["minLength"], key["maxLength"]) == (1, 255)
    assert not re.search(key["pattern"], "   ")
    assert error(post(client, shop_key, f"{CREDIT}/redemptions", body, HTTP_IDEMPOTENCY_KEY="   ")) == (
        400,
        "idempotency_key_required",
    )
    assert re.search(key["pattern"], "k" * 255)
    assert post(client, shop_key, f"{CREDIT}/redemptions", body, HTTP_IDEMPOTENCY_KEY="k" * 255).status_code == 201


def test_the_schema_says_the_ticket_list_needs_a_customer_id_of_1_to_100_characters(client, shop_key, schema):
    customer = parameter(schema, "/api/v1/tickets", "get", "customer")["schema"]

    assert (customer["minLength"], customer["maxLength"]) == (1, 100)
    assert error(client.get("/api/v1/tickets?customer=", HTTP_AUTHORIZATION=shop_key)) == (400, "validation_error")
    too_long = client.get(f"/api/v1/tickets?customer={'c' * 101}", HTTP_AUTHORIZATION=shop_key)
    assert error(too_long) == (400, "validation_error")
    assert client.get(f"/api/v1/tickets?customer={'c' * 100}", HTTP_AUTHORIZATION=shop_key).json() == []


def test_the_schema_lists_the_currencies_the_api_accepts(client, staff_key, customer_reza, late_delivery, schema):
    currency = components(schema)["GrantInRequest"]["properties"]["currency"]
    body = {"amount": "5.00", "reason": "late-delivery"}

    assert currency["allOf"] == [{"$ref": "#/components/schemas/CurrencyEnum"}]
    assert components(schema)["CurrencyEnum"]["enum"] == sorted(KNOWN_CURRENCIES)
    refused = post(client, staff_key, f"{CREDIT}/grants", {**body, "currency": "ZHK"})
    assert error(refused) == (400, "validation_error")
    assert refused.json()["error"]["fields"] == {"currency": "“ZHK” is not an ISO 4217 currency code."}
    assert post(client, staff_key, f"{CREDIT}/grants", {**body, "currency": "usd"}).status_code == 201


def test_text_that_is_only_whitespace_is_refused_and_the_schema_says_so(client, shop_key, schema):
    line = {"sku": " \t", "name": "Tea", "quantity": 1, "price": "1.00"}
    order = {
        "external_id": "1001",
        "customer": {"external_id": "c-1", "email": "a@example.com"},
        "status": "paid",
        "placed_at": "2025-03-01T09:30:00Z",
        "total": "1.00",
        "currency": "EUR",
        "lines": [line],
    }

    response = post(client, shop_key, "/api/v1/orders", order)

    assert error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == {"lines": {"0": {"sku": "This field may not be blank."}}}
    pattern = components(schema)["OrderLineRequest"]["properties"]["sku"]["pattern"]
    assert not re.search(pattern, " \t")
    assert all(re.search(pattern, text) for text in ["TEA-1", " TEA 1", "x"])
    assert post(client, shop_key, "/api/v1/orders", {**order, "lines": [{**line, "sku": " TEA 1"}]}).status_code == 201


def test_the_schema_says_an_amount_to_spend_or_grant_is_not_zero(client, shop_key, reza_redeemed, schema):
    body = {"amount": "0.00", "currency": "USD", "order": "ORD-2"}

    response = post(client, shop_key, f"{CREDIT}/redemptions", body, HTTP_IDEMPOTENCY_KEY="zero")

    assert error(response) == (422, "invalid_amount")
    for name in ["RedemptionInRequest", "GrantInRequest"]:
        amount = components(schema)[name]["properties"]["amount"]
        assert all(re.search(amount["not"]["pattern"], zero) for zero in ["0", "0.00", "000.0"])
        assert not any(re.search(amount["not"]["pattern"], text) for text in ["0.01", "10", "7.50"])


def test_a_message_of_control_characters_only_is_a_documented_422(client, shop_key, customer_reza, schema):
    ticket = tickets.ticket_create(customer=customer_reza, subject="Late", body="Where is it?")

    response = post(client, shop_key, f"/api/v1/tickets/{ticket.pk}/messages", {"body": "\x01\x7f"})

    assert error(response) == (422, "empty_body")
    assert "422" in schema["paths"]["/api/v1/tickets/{id}/messages"]["post"]["responses"]
