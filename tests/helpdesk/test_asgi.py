"""The ASGI application Daphne serves: HTTP reaches Django, whitenoise serves static files."""

import json

import pytest
from channels.testing import ApplicationCommunicator
from django.contrib.staticfiles import finders
from django.test import override_settings

from helpdesk.asgi import application

TIMEOUT = 10


async def asgi_get(path: str) -> dict:
    """GET a path as Daphne would; return the status, lower-cased headers and the whole body."""
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(TIMEOUT)
    assert start["type"] == "http.response.start"
    body = b""
    while True:
        # Django ends a streamed file with a body-less message, which ASGI allows.
        chunk = await communicator.receive_output(TIMEOUT)
        body += chunk.get("body", b"")
        if not chunk.get("more_body", False):
            break
    await communicator.wait(TIMEOUT)
    headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    return {"status": start["status"], "headers": headers, "body": body}


@pytest.mark.django_db(transaction=True)
async def test_health_over_asgi_reports_every_check_ok():
    response = await asgi_get("/healthz")

    assert response["status"] == 200
    assert json.loads(response["body"]) == {
        "status": "ok",
        "checks": {"database": "ok", "channel_layer": "ok", "search_index": "ok", "tasks": "ok"},
    }
    assert "no-store" in response["headers"]["cache-control"]


@pytest.mark.django_db(transaction=True)
async def test_health_over_asgi_names_the_failing_check(tmp_path):
    blocker = tmp_path / "whoosh"
    blocker.write_text("not an index")

    with override_settings(WHOOSH_INDEX_DIR=blocker):
        response = await asgi_get("/healthz")

    assert response["status"] == 503
    assert json.loads(response["body"])["checks"]["search_index"] == "error"


# Under ASGI, Django buffers whitenoise's synchronous file iterator and says so; static files are small.
@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators")
async def test_whitenoise_serves_the_stylesheet_over_asgi():
    with open(finders.find("css/app.css"), "rb") as handle:
        stylesheet = handle.read()

    response = await asgi_get("/static/css/app.css")

    assert response["status"] == 200
    assert response["headers"]["content-type"].startswith("text/css")
    assert response["body"] == stylesheet
