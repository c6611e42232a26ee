"""Who may call the ticket API: every endpoint × no key, customer A, customer B, agent, manager, the shop.

Customers never use the API: signed in to the portal or not, they carry no key and get 401.
Agents and managers call it with their own staff keys; the shop with its shop key.
"""

import json

import pytest

from helpdesk.api.keys import api_key_create
from helpdesk.tickets.services import ticket_create
from tests.helpdesk.permissions import sign_in_customer

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "customer_reza", "customer_emma", "agent_sara", "manager_lina", "shop")
NEW_TICKET = {"customer": {"external_id": "c-reza", "email": "reza@example.com"}, "subject": "Hi", "body": "Hello"}

# (method, path, body, {actor: status})
MATRIX = [
    ("POST", "/api/v1/tickets", NEW_TICKET,
     {"anonymous": 401, "customer_reza": 401, "customer_emma": 401, "agent_sara": 201, "manager_lina": 201,
      "shop": 201}),
    ("GET", "/api/v1/tickets?customer=c-reza", None,
     {"anonymous": 401, "customer_reza": 401, "customer_emma": 401, "agent_sara": 403, "manager_lina": 403,
      "shop": 200}),
    ("GET", "/api/v1/tickets/{pk}", None,
     {"anonymous": 401, "customer_reza": 401, "customer_emma": 401, "agent_sara": 200, "manager_lina": 200,
      "shop": 200}),
    ("GET", "/api/v1/tickets/999999", None,
     {"anonymous": 401, "customer_reza": 401, "customer_emma": 401, "agent_sara": 404, "manager_lina": 404,
      "shop": 404}),
    ("POST", "/api/v1/tickets/{pk}/messages", {"body": "Any news?"},
     {"anonymous": 401, "customer_reza": 401, "customer_emma": 401, "agent_sara": 201, "manager_lina": 201,
      "shop": 201}),
    ("POST", "/api/v1/tickets/{pk}/messages", {"body": "Internal", "public": False},
     {"anonymous": 401, "customer_reza": 401, "customer_emma": 401, "agent_sara": 201, "manager_lina": 201,
      "shop": 403}),
]  # fmt: skip


def _cases():
    for method, path, body, outcomes in MATRIX:
        for actor in ACTORS:
            label = f"{method} {path}{' note' if body and body.get('public') is False else ''} as {actor}"
            yield pytest.param(method, path, body, actor, outcomes[actor], id=label)


def _headers(request, actor) -> dict:
    if actor == "shop":
        return {"HTTP_AUTHORIZATION": f"Bearer {api_key_create(name='shop')[1]}"}
    if actor in {"agent_sara", "manager_lina"}:
        user = request.getfixturevalue(actor)
        return {"HTTP_AUTHORIZATION": f"Bearer {api_key_create(name=actor, user=user)[1]}"}
    return {}


@pytest.mark.parametrize(("method", "path", "body", "actor", "expected"), list(_cases()))
def test_ticket_api_permission_matrix(
    client, request, customer_reza, customer_emma, method, path, body, actor, expected
):
    ticket = ticket_create(customer=customer_reza, subject="Parcel", body="Where is it?")
    if actor in {"customer_reza", "customer_emma"}:
        sign_in_customer(client, request.getfixturevalue(actor))
    url = path.format(pk=ticket.pk)
    extra = _headers(request, actor)
    if method == "GET":
        response = client.get(url, **extra)
    else:
        response = client.post(url, json.dumps(body), content_type="application/json", **extra)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}
