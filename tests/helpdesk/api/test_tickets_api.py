"""The ticket endpoints as a shop backend and a staff script use them."""

import json

import pytest

from helpdesk.api.keys import api_key_create
from helpdesk.tickets import services
from helpdesk.tickets.models import EventKind, Message, Ticket

pytestmark = pytest.mark.django_db

TICKET = {
    "customer": {"external_id": "c-reza", "email": "reza@example.com", "name": "رضا محمدی", "locale": "fa"},
    "subject": "سفارش نرسیده",
    "body": "سلام، سفارش **ORD-REZA-1** هنوز نرسیده.",
    "order": "ORD-REZA-1",
}


def post(client, key, url, body):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, raw, content_type="application/json", HTTP_AUTHORIZATION=key)


def test_shop_opens_a_ticket_for_a_customer(client, shop_key, customer_reza):
    response = post(client, shop_key, "/api/v1/tickets", TICKET)

    assert response.status_code == 201, response.json()
    body = response.json()
    ticket = Ticket.objects.get()
    assert body["id"] == ticket.pk and body["status"] == "new" and body["channel"] == "api"
    assert body["order"] == "ORD-REZA-1" and body["customer"] == "c-reza" and body["priority"] == "normal"
    assert body["url"].endswith(f"/support/{ticket.public_id}/")
    assert body["sla"]["next_due_at"] is not None and body["sla"]["breached"] is False
    assert ticket.messages.get().author_kind == "customer"


def test_staff_key_opens_a_ticket_as_that_agent(client, staff_key, agent_sara):
    response = post(client, staff_key, "/api/v1/tickets", {**TICKET, "order": None, "priority": "high"})

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.priority == "high"
    assert ticket.events.get(kind=EventKind.CREATED).actor_user == agent_sara


def test_order_of_another_customer_is_refused_and_nothing_written(client, shop_key, customer_emma):
    response = post(client, shop_key, "/api/v1/tickets", {**TICKET, "order": "ORD-EMMA-1"})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "order_not_customers"
    assert not Ticket.objects.exists()
    assert not customer_emma.tickets.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"subject": ""},
        {"body": "a\u0000b"},
        {"body": "x" * 50_001},
        {"priority": "panic"},
        {"customer": {"external_id": "c-x"}},
    ],
)
def test_bad_input_is_a_400_with_nothing_written(client, shop_key, change):
    response = post(client, shop_key, "/api/v1/tickets", {**TICKET, "order": None, **change})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert not Ticket.objects.exists()


def test_list_by_customer_is_shop_only(client, shop_key, staff_key, customer_reza, customer_emma):
    mine = services.ticket_create(customer=customer_reza, subject="One", body="x")
    services.ticket_create(customer=customer_emma, subject="Other", body="x")

    response = client.get("/api/v1/tickets?customer=c-reza", HTTP_AUTHORIZATION=shop_key)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [mine.pk]
    assert client.get("/api/v1/tickets?customer=nobody", HTTP_AUTHORIZATION=shop_key).json() == []
    assert client.get("/api/v1/tickets", HTTP_AUTHORIZATION=shop_key).status_code == 400
    assert client.get("/api/v1/tickets?customer=c-reza", HTTP_AUTHORIZATION=staff_key).status_code == 403


def test_detail_hides_internal_notes_from_the_shop(client, shop_key, staff_key, customer_reza, agent_sara):
    ticket = services.ticket_create(customer=customer_reza, subject="One", body="Hello")
    services.ticket_add_note(ticket=ticket, body="VIP, be quick", by=agent_sara)

    shop_view = client.get(f"/api/v1/tickets/{ticket.pk}", HTTP_AUTHORIZATION=shop_key).json()
    staff_view = client.get(f"/api/v1/tickets/{ticket.pk}", HTTP_AUTHORIZATION=staff_key).json()

    assert [m["body"] for m in shop_view["messages"]] == ["Hello"]
    assert [m["body"] for m in staff_view["messages"]] == ["Hello", "VIP, be quick"]
    assert client.get("/api/v1/tickets/999999", HTTP_AUTHORIZATION=shop_key).status_code == 404


def test_messages_from_shop_and_staff(client, shop_key, staff_key, customer_reza, agent_sara):
    ticket = services.ticket_create(customer=customer_reza, subject="One", body="Hello")
    url = f"/api/v1/tickets/{ticket.pk}/messages"

    reply = post(client, staff_key, url, {"body": "On its way"})
    assert reply.status_code == 201 and reply.json()["author"] == "agent" and reply.json()["author_name"] == "Sara"
    note = post(client, staff_key, url, {"body": "internal", "public": False})
    assert note.status_code == 201 and note.json()["public"] is False
    customer = post(client, shop_key, url, {"body": "Thanks!"})
    assert customer.status_code == 201 and customer.json()["author"] == "customer"
    refused = post(client, shop_key, url, {"body": "sneaky", "public": False})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"

    assert list(Message.objects.filter(ticket=ticket).values_list("body", flat=True)) == [
        "Hello",
        "On its way",
        "internal",
        "Thanks!",
    ]


def test_closed_ticket_takes_no_messages(client, shop_key, customer_reza, agent_sara):
    ticket = services.ticket_create(customer=customer_reza, subject="One", body="Hello")
    services.ticket_set_status(ticket=ticket, status="closed", by=agent_sara)

    response = post(client, shop_key, f"/api/v1/tickets/{ticket.pk}/messages", {"body": "again"})

    assert response.status_code == 409 and response.json()["error"]["code"] == "ticket_closed"


def test_the_key_of_someone_no_longer_staff_is_refused(client, customer_reza, django_user_model):
    outsider = django_user_model.objects.create_user("someone@example.com", "pw-long-enough-1")
    _key, raw = api_key_create(name="not staff", user=outsider)
    response = post(client, f"Bearer {raw}", "/api/v1/tickets", TICKET)
    assert response.status_code == 401
    assert not Ticket.objects.exists()
