"""`POST /api/v1/orders` as the shop sees it: upsert, authentication, and bad input that writes nothing."""

import copy
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.api.keys import api_key_create
from helpdesk.api.models import ApiKey
from helpdesk.customers.models import Customer
from helpdesk.orders.models import Order, OrderLine
from helpdesk.orders.signals import order_status_changed

URL = "/api/v1/orders"

ORDER = {
    "external_id": "1001",
    "customer": {"external_id": "c-reza", "email": "Reza@Example.com", "name": "رضا محمدی", "locale": "fa"},
    "status": "paid",
    "placed_at": "2025-03-01T09:30:00Z",
    "delivered_at": None,
    "total": "37.50",
    "currency": "EUR",
    "lines": [
        {"sku": "TEA-1", "name": "Saffron tea", "quantity": 2, "price": "12.50"},
        {"sku": "CUP-2", "name": "Glass cup", "quantity": 1, "price": "12.50"},
    ],
}


def order(**changes):
    body = copy.deepcopy(ORDER)
    body.update(changes)
    return body


def post(client, key, body, content_type="application/json"):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    headers = {"HTTP_AUTHORIZATION": key} if key else {}
    return client.post(URL, raw, content_type=content_type, **headers)


def rows():
    return {
        "customers": Customer.objects.count(),
        "orders": Order.objects.count(),
        "lines": OrderLine.objects.count(),
        "order history": Order.history.count(),
    }


def error_code(response):
    return response.json()["error"]["code"]


@pytest.fixture
def existing_order(client, shop_key):
    """Order 1001 already known, as the shop first reported it."""
    assert post(client, shop_key, ORDER).status_code == 201
    return Order.objects.get(external_id="1001")


# --- the upsert ---------------------------------------------------------------------------------


def test_new_order_is_created_with_its_customer_and_lines(client, shop_key):
    response = post(client, shop_key, ORDER)

    assert response.status_code == 201
    assert response.json() == {
        "external_id": "1001",
        "customer": {
            "external_id": "c-reza",
            "email": "reza@example.com",
            "name": "رضا محمدی",
            "locale": "fa",
            "phone": "",
        },
        "status": "paid",
        "placed_at": "2025-03-01T09:30:00Z",
        "delivered_at": None,
        "total": "37.50",
        "currency": "EUR",
        "lines": [
            {"sku": "TEA-1", "name": "Saffron tea", "quantity": 2, "price": "12.50"},
            {"sku": "CUP-2", "name": "Glass cup", "quantity": 1, "price": "12.50"},
        ],
    }
    saved = Order.objects.get(external_id="1001")
    assert saved.customer.email == "reza@example.com"
    assert [line.sku for line in saved.lines.all()] == ["TEA-1", "CUP-2"]
    assert saved.history.get().history_user is None  # a shop key is no staff member


def test_same_external_id_updates_the_order_and_replaces_its_lines(client, shop_key, existing_order):
    update = order(
        status="delivered",
        delivered_at="2025-03-04T12:00:00+03:30",
        total="12.50",
        lines=[{"sku": "TEA-1", "name": "Saffron tea", "quantity": 1, "price": "12.50"}],
    )

    response = post(client, shop_key, update)

    assert response.status_code == 200
    assert response.json()["status"] == "delivered"
    assert response.json()["delivered_at"] == "2025-03-04T08:30:00Z"
    assert Order.objects.count() == 1
    existing_order.refresh_from_db()
    assert (existing_order.status, str(existing_order.total)) == ("delivered", "12.50")
    assert [(line.sku, line.quantity) for line in existing_order.lines.all()] == [("TEA-1", 1)]
    assert OrderLine.objects.count() == 1


def test_customer_is_upserted_by_external_id(client, shop_key, existing_order):
    update = order(customer={"external_id": "c-reza", "email": "reza.new@example.com", "name": "Reza M."})

    response = post(client, shop_key, update)

    assert response.status_code == 200
    assert Customer.objects.count() == 1
    customer = Customer.objects.get(external_id="c-reza")
    assert (customer.email, customer.name, customer.locale) == ("reza.new@example.com", "Reza M.", "fa")


def test_same_order_twice_changes_nothing(client, shop_key, existing_order):
    before = rows()

    response = post(client, shop_key, ORDER)

    assert response.status_code == 200
    assert rows() == before


def test_money_may_be_a_json_number_and_is_answered_as_a_string(client, shop_key):
    response = post(client, shop_key, order(total=37.5, lines=[]))

    assert response.status_code == 201
    assert response.json()["total"] == "37.50"


def test_lines_and_delivered_at_are_optional(client, shop_key):
    body = order()
    del body["lines"], body["delivered_at"]

    response = post(client, shop_key, body)

    assert response.status_code == 201
    assert response.json()["lines"] == []


def test_new_order_and_status_change_are_signalled_once_each(client, shop_key, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, order, previous_status, **kwargs):
        received.append((order.status, previous_status))

    order_status_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post(client, shop_key, ORDER)
            post(client, shop_key, order(total="40.00"))
            post(client, shop_key, order(status="shipped"))
            post(client, shop_key, order(status="lost"))
    finally:
        order_status_changed.disconnect(receiver)

    assert received == [("paid", None), ("shipped", "paid")]


# --- authentication -----------------------------------------------------------------------------


def test_no_key_is_401_not_authenticated(client, db):
    response = post(client, None, ORDER)

    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"
    assert Order.objects.count() == 0


def test_staff_key_is_403(client, staff_key):
    response = post(client, staff_key, ORDER)

    assert response.status_code == 403
    assert error_code(response) == "permission_denied"
    assert Order.objects.count() == 0


def test_signed_in_staff_session_is_not_a_shop_key(client, agent_sara):
    client.force_login(agent_sara)

    response = post(client, None, ORDER)

    assert response.status_code == 401
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    "header",
    [
        "Bearer nonsense",
        "Bearer ",
        "Bearer hd_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "Bearer hd_\x00_secret",
    ],
)
def test_unknown_key_is_401_invalid_api_key(client, shop_key, header):
    response = post(client, header, ORDER)

    assert response.status_code == 401
    assert error_code(response) == "invalid_api_key"
    assert Order.objects.count() == 0


def test_revoked_key_is_401(client, db):
    key, raw = api_key_create(name="old shop backend")
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())

    response = post(client, f"Bearer {raw}", ORDER)

    assert response.status_code == 401
    assert error_code(response) == "invalid_api_key"


def test_expired_key_is_401(client, db):
    key, raw = api_key_create(name="temporary", expires_in_days=1)
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = post(client, f"Bearer {raw}", ORDER)

    assert response.status_code == 401
    assert error_code(response) == "invalid_api_key"


# --- bad input writes nothing ---------------------------------------------------------------------


def without(field):
    body = order()
    del body[field]
    return body


def line(**changes):
    return order(lines=[{**ORDER["lines"][0], **changes}])


def customer(**changes):
    return order(customer={**ORDER["customer"], **changes})


BAD_BODIES = {
    "missing external_id": (without("external_id"), "external_id"),
    "missing customer": (without("customer"), "customer"),
    "missing status": (without("status"), "status"),
    "missing placed_at": (without("placed_at"), "placed_at"),
    "missing total": (without("total"), "total"),
    "missing currency": (without("currency"), "currency"),
    "customer without email": (order(customer={"external_id": "c-new"}), "customer"),
    "line without price": (order(lines=[{"sku": "A", "name": "B", "quantity": 1}]), "lines"),
    "three decimal places": (order(total="12.345"), "total"),
    "not a number": (order(total="abc"), "total"),
    "negative total": (order(total="-1.00"), "total"),
    "negative line price": (line(price="-0.01"), "lines"),
    "NaN string": (order(total="NaN"), "total"),
    "Infinity string": (order(total="Infinity"), "total"),
    "exponent": (order(total="1e3"), "total"),
    "too many digits": (order(total="1" * 20), "total"),
    "boolean total": (order(total=True), "total"),
    "zero quantity": (line(quantity=0), "lines"),
    "fractional quantity": (line(quantity=1.5), "lines"),
    "NUL in external_id": (order(external_id="10\x0001"), "external_id"),
    "NUL in customer name": (customer(name="Reza\x00"), "customer"),
    "NUL in line name": (line(name="tea\x00"), "lines"),
    "NUL in status": (order(status="paid\x00"), "status"),
    "NUL in an unknown key": (customer(**{"nick\x00name": "x"}), "customer"),
    "lone surrogate in customer name": (customer(name="\ud800"), "customer"),
    "lone surrogate in line sku": (line(sku="\udfff"), "lines"),
    "lone surrogate in status": (order(status="\ud800"), "status"),
    "lone surrogate in locale": (customer(locale="\ud800"), "customer"),
    "unknown status": (order(status="lost"), "status"),
    "unknown currency": (order(currency="XYZ"), "currency"),
    "currency not three letters": (order(currency="EURO"), "currency"),
    "unknown locale": (customer(locale="de"), "customer"),
    "bad email": (customer(email="not-an-email"), "customer"),
    "bad date": (order(placed_at="yesterday"), "placed_at"),
    "date out of range": (order(placed_at="9999-12-31T23:59:59-05:00"), "placed_at"),
    "delivered before placed": (order(delivered_at="2025-02-28T09:30:00Z"), "delivered_at"),
    "customer is a string": (order(customer="c-reza"), "customer"),
    "lines is an object": (order(lines={"sku": "A"}), "lines"),
}


@pytest.mark.parametrize("body, field", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_invalid_fields_are_400_and_write_nothing(client, shop_key, existing_order, body, field):
    before = rows()

    response = post(client, shop_key, body)

    assert response.status_code == 400, response.content
    assert error_code(response) == "validation_error"
    assert field in response.json()["error"]["fields"]
    assert rows() == before


@pytest.mark.parametrize(
    "raw",
    [
        '{"external_id": "1001",',
        '{"external_id": "1001", "total": NaN}',
        '{"external_id": "1001", "total": Infinity}',
        '{"external_id": "1001", "total": -Infinity}',
        "[" * 100_000,
        '{"quantity": ' + "9" * 5000 + "}",
        b'{"external_id": "\xff\xfe"}',
    ],
    ids=["truncated", "NaN", "Infinity", "-Infinity", "deeply nested", "huge integer", "not UTF-8"],
)
def test_broken_json_is_400_invalid_json(client, shop_key, raw):
    response = post(client, shop_key, raw)

    assert response.status_code == 400
    assert error_code(response) == "invalid_json"
    assert rows()["orders"] == 0


@pytest.mark.parametrize("raw", ["[]", '[{"external_id": "1001"}]', '"1001"', "42", "null"])
def test_json_that_is_not_an_object_is_400(client, shop_key, raw):
    response = post(client, shop_key, raw)

    assert response.status_code == 400
    assert error_code(response) == "validation_error"
    assert rows()["orders"] == 0


def test_empty_body_is_400(client, shop_key):
    response = post(client, shop_key, "")

    assert response.status_code == 400
    assert error_code(response) == "validation_error"
    assert "external_id" in response.json()["error"]["fields"]


def test_whitespace_body_is_400_invalid_json(client, shop_key):
    response = post(client, shop_key, "  \n")

    assert response.status_code == 400
    assert error_code(response) == "invalid_json"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_wrong_content_type_is_415(client, shop_key, content_type):
    response = post(client, shop_key, json.dumps(ORDER), content_type=content_type)

    assert response.status_code == 415
    assert error_code(response) == "unsupported_media_type"
    assert rows()["orders"] == 0


def test_unknown_charset_is_read_as_utf8(client, shop_key):
    response = client.generic(
        "POST",
        URL,
        json.dumps(ORDER).encode(),
        content_type="application/json; charset=bogus",
        HTTP_AUTHORIZATION=shop_key,
    )

    assert response.status_code == 201
    assert response.json()["customer"]["name"] == "رضا محمدی"


def test_ten_megabyte_body_is_413(client, shop_key):
    huge = order(lines=[{"sku": "A", "name": "x" * 1000, "quantity": 1, "price": "1.00"}] * 10_000)
    assert len(json.dumps(huge)) > 10_000_000

    response = post(client, shop_key, huge)

    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert rows()["orders"] == 0


def test_body_just_over_the_configured_limit_is_413(client, shop_key, settings):
    settings.API_MAX_BODY_BYTES = len(json.dumps(ORDER)) - 1

    response = post(client, shop_key, ORDER)

    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"


def test_an_invalid_line_creates_no_customer(client, shop_key):
    body = order(customer={"external_id": "c-new", "email": "new@example.com"}, lines=[ORDER["lines"][0], {}])

    response = post(client, shop_key, body)

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]["lines"]["1"]) == {"sku", "name", "quantity", "price"}
    assert not Customer.objects.filter(external_id="c-new").exists()
