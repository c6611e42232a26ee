"""What the shop reports (customer names, subjects, bodies) is shown to agents and customers inert.

The shop's backend passes on what its customers typed at checkout: a name is as hostile as a
ticket body. Names reach the inbox, the ticket page, the customer record, macros and emails.
"""

import json

import pytest

from helpdesk.customers.models import Customer
from helpdesk.tickets.models import Macro, MacroText, Ticket
from tests.hostile.conftest import (
    BIDI,
    HEADER_INJECTION,
    LONE_SURROGATE,
    MARKUP,
    NUL,
    nothing_written,
    rows_written,
)
from tests.hostile.inert import assert_email_safe, assert_inert, unisolated_bidi, visible_text

pytestmark = pytest.mark.django_db

NAMES = {**MARKUP, "header-injection": HEADER_INJECTION, "rlo": f"{BIDI['rlo']}gpj.exe Eve", "rli": f"{BIDI['rli']}Eve"}


def order(name: str, *, external_id="ORD-EVE-1", customer_id="c-eve") -> dict:
    return {
        "external_id": external_id,
        "customer": {"external_id": customer_id, "email": "eve@example.com", "name": name, "locale": "en"},
        "status": "paid",
        "placed_at": "2025-03-01T09:30:00Z",
        "total": "25.00",
        "currency": "EUR",
        "lines": [{"sku": "TEA-1", "name": name[:300], "quantity": 1, "price": "25.00"}],
    }


def api_post(client, key, url, body):
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, raw, content_type="application/json", HTTP_AUTHORIZATION=key)


@pytest.fixture
def macro(db):
    macro = Macro.objects.create(name="Greeting")
    MacroText.objects.create(macro=macro, locale="en", body="Hello {first_name} ({customer_name}).")
    return macro


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_a_customer_name_from_the_shop_is_inert_in_the_agent_ui_macros_and_emails(
    client, shop_key, sara, macro, committed, mailoutbox, name
):
    assert api_post(client, shop_key, "/api/v1/orders", order(name)).status_code == 201
    ticket = {"customer": order(name)["customer"], "subject": f"Order {name}", "body": f"Order {name}"}
    opened = committed(api_post, client, shop_key, "/api/v1/tickets", ticket | {"order": "ORD-EVE-1"})
    assert opened.status_code == 201, opened.content
    ticket = Ticket.objects.get()
    committed(sara.post, f"/en/staff/tickets/{ticket.pk}/macro/", {"macro": macro.pk, "body": ""})

    customer = Customer.objects.get(external_id="c-eve")
    pages = {
        "inbox": sara.get("/en/staff/tickets/?view=open"),
        "ticket page": sara.get(f"/en/staff/tickets/{ticket.pk}/"),
        "customers": sara.get("/en/staff/customers/", {"q": "eve"}),
        "customer record": sara.get(f"/en/staff/customers/{customer.public_id}/"),
        "grant credit": sara.get("/en/staff/credit/grant/", {"customer": customer.public_id, "ticket": ticket.pk}),
        "admin customers": sara.get("/admin/customers/customer/"),
        "admin customer": sara.get(f"/admin/customers/customer/{customer.pk}/change/"),
        "admin tickets": sara.get("/admin/tickets/ticket/"),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        assert_inert(response.content, name, where=where)
        if not where.startswith("admin"):  # Django's own templates: the name ends the line it is on
            assert unisolated_bidi(response.content, name) == [], where
    shown = " ".join(name.split())
    assert shown in " ".join(visible_text(pages["customer record"].content).split())  # as text, not markup
    assert len(mailoutbox) == 2  # received, then the macro's reply
    for email in mailoutbox:
        assert_email_safe(email, name)
        assert email.recipients() == ["eve@example.com"]


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/orders", order(f"Eve{NUL}")),
        ("/api/v1/orders", order(f"Eve{LONE_SURROGATE}")),
        ("/api/v1/tickets", {"customer": order("Eve")["customer"], "subject": f"Hi{NUL}", "body": "x"}),
        ("/api/v1/tickets", {"customer": order("Eve")["customer"], "subject": "Hi", "body": f"x{LONE_SURROGATE}"}),
    ],
    ids=["nul-name", "surrogate-name", "nul-subject", "surrogate-body"],
)
def test_unstorable_text_in_json_is_a_400_and_writes_nothing(client, shop_key, url, body):
    raw = json.dumps(body)  # a lone surrogate travels as a JSON escape ("\ud800"), as JSON.stringify sends it
    assert "\\ud800" in raw or "\\u0000" in raw

    with nothing_written():
        response = api_post(client, shop_key, url, raw)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_a_ticket_for_a_new_customer_with_someone_elses_order_leaves_no_customer_behind(
    client, shop_key, customer_emma
):
    before = rows_written()
    body = {"customer": order("Eve")["customer"], "subject": "Hi", "body": "Where is it?", "order": "ORD-EMMA-1"}

    response = api_post(client, shop_key, "/api/v1/tickets", body)

    assert response.status_code == 422
    assert rows_written() == before
    assert not Customer.objects.filter(external_id="c-eve").exists()
