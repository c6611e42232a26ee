"""The OpenAPI schema, its human docs, and errors under /api/ that no API view produced."""

from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return yaml.safe_load(out.getvalue())


def test_schema_validates_without_warnings(schema):
    assert schema["openapi"].startswith("3.")


def test_schema_has_only_versioned_api_paths(schema):
    assert "/api/v1/orders" in schema["paths"]
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_schema_documents_bearer_keys(schema):
    scheme = schema["components"]["securitySchemes"]["apiKey"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "hd_<prefix>_<secret>")
    assert "create_api_key" in scheme["description"]
    assert schema["paths"]["/api/v1/orders"]["post"]["security"] == [{"apiKey": []}]


def test_schema_documents_the_error_shape_for_each_error_status(schema):
    error = schema["components"]["schemas"]["Error"]
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert error["required"] == ["error"]
    assert set(detail["properties"]) == {"code", "message", "fields"}
    assert set(detail["required"]) == {"code", "message"}
    responses = schema["paths"]["/api/v1/orders"]["post"]["responses"]
    assert set(responses) == {"200", "201", "400", "401", "403", "413", "415"}
    for status in ["400", "401", "403", "413", "415"]:
        assert responses[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_schema_describes_the_order_contract(schema):
    request = schema["components"]["schemas"]["OrderRequest"]
    assert set(request["properties"]) == {
        "external_id", "customer", "status", "placed_at", "delivered_at", "total", "currency", "lines",
    }  # fmt: skip
    assert schema["components"]["schemas"]["OrderStatusEnum"]["enum"] == [
        "placed", "paid", "shipped", "delivered", "cancelled", "returned",
    ]  # fmt: skip
    assert request["properties"]["total"]["type"] == "string"


def test_schema_describes_the_ticket_contract(schema):
    paths = schema["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/tickets"])
    assert "get" in paths["/api/v1/tickets/{id}"]
    assert "post" in paths["/api/v1/tickets/{id}/messages"]
    create = schema["components"]["schemas"]["TicketCreateRequest"]
    assert set(create["properties"]) == {"customer", "subject", "body", "priority", "order"}
    assert set(create["required"]) == {"customer", "subject", "body"}
    assert {"id", "status", "url"} <= set(schema["components"]["schemas"]["Ticket"]["properties"])
    assert schema["components"]["schemas"]["TicketStatusEnum"]["enum"] == [
        "new", "open", "pending", "on_hold", "solved", "closed",
    ]  # fmt: skip
    message = schema["components"]["schemas"]["MessageCreateRequest"]
    assert set(message["properties"]) == {"body", "public"}


def test_schema_is_served_over_http(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert "/api/v1/orders" in response.json()["paths"]


def test_human_docs_render(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"/api/schema/" in response.content


# --- errors under /api/ that no API view raised --------------------------------------------------


def assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/orders/", "/api/v2/orders", "/api/"])
def test_unknown_api_path_is_json_404(client, path):
    assert_error(client.get(path), 404, "not_found")


@override_settings(DEBUG=True)
def test_unknown_api_path_is_json_404_in_debug_mode_too(client):
    assert_error(client.get("/api/v1/nope"), 404, "not_found")


def test_unknown_page_outside_the_api_stays_html(client):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_wrong_method_on_orders_is_json_405(client, shop_key, method):
    response = getattr(client, method)("/api/v1/orders", HTTP_AUTHORIZATION=shop_key)

    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/schema/"])
def test_wrong_method_on_the_docs_is_json_405(client, path):
    response = client.post(path)

    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]
