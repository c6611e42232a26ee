"""What readers and API clients see while PostgreSQL or Redis is out (docs/operations.md, Faults)."""

import logging

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from helpdesk.core import cache as tolerant

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every command fails at once with "connection refused".
REDIS_DOWN = {
    "default": {
        "BACKEND": "helpdesk.core.cache.OutageTolerantRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
    }
}


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


@pytest.mark.urls("tests.helpdesk.core.outage_urls")
def test_a_page_answers_503_with_retry_after_while_the_database_is_unreachable(visitor):
    response = visitor.get("/en/_down/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "briefly unavailable" in response.content.decode()
    assert "Traceback" not in response.content.decode() and "5432" not in response.content.decode()


@pytest.mark.urls("tests.helpdesk.core.outage_urls")
def test_the_api_answers_503_unavailable_in_its_error_shape(visitor):
    response = visitor.get("/api/v1/_down/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "unavailable"


@pytest.mark.urls("tests.helpdesk.core.outage_urls")
def test_a_signed_in_viewer_gets_plain_text_when_even_the_page_shell_cannot_reach_the_database(
    visitor, agent_sara, monkeypatch
):
    visitor.force_login(agent_sara)
    from django.db import OperationalError

    from helpdesk.core import views

    def shell_needs_the_database(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "render", shell_needs_the_database)

    response = visitor.get("/en/_down/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "The help desk is briefly unavailable. Please try again in a moment."


@override_settings(CACHES=REDIS_DOWN)
def test_the_cache_misses_and_drops_writes_while_redis_is_unreachable(caplog, monkeypatch):
    monkeypatch.setattr(tolerant, "_last_warning", -tolerant.WARN_EVERY_SECONDS)
    with caplog.at_level(logging.WARNING, logger="helpdesk.core.cache"):
        assert cache.get("kb:home", "missed") == "missed"
        assert cache.add("counter", 1) is False
        cache.set("kb:home", "page")
        assert cache.get_many(["a", "b"]) == {}
        assert cache.delete("kb:home") is False
        with pytest.raises(ValueError):
            cache.incr("counter")

    warnings = [r for r in caplog.records if r.name == "helpdesk.core.cache"]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()


@override_settings(CACHES=REDIS_DOWN)
def test_the_help_centre_and_its_rate_limited_search_keep_answering_while_redis_is_unreachable(visitor):
    assert visitor.get("/en/help/").status_code == 200
    assert visitor.get("/en/help/search/", {"q": "delivery"}).status_code == 200
    for _ in range(3):
        response = visitor.get("/api/v1/kb/search", {"q": "delivery"})
        assert response.status_code == 200
        assert response.json()["results"] == []
