"""GET /healthz: what a load balancer or an operator sees."""

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from helpdesk.core import health

CHECK_NAMES = {"database", "channel_layer", "search_index", "tasks"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
UNREACHABLE_REDIS = {
    "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}
}

pytestmark = pytest.mark.django_db


def test_healthy_service_answers_200_with_every_check_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(CHECK_NAMES, "ok")}


def test_health_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_health_refuses_other_methods(client):
    response = client.post("/healthz")

    assert response.status_code == 405


def test_unreadable_search_index_fails_only_that_check(client, tmp_path):
    # Given an index location that is a file, not a directory
    blocker = tmp_path / "whoosh"
    blocker.write_text("not an index")

    with override_settings(WHOOSH_INDEX_DIR=blocker):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["search_index"] == "error"
    assert {name for name, value in body["checks"].items() if value != "ok"} == {"search_index"}


def test_corrupt_search_index_fails_the_check(client, tmp_path):
    # Given a directory that claims to hold an index but holds garbage
    index_dir = tmp_path / "whoosh"
    index_dir.mkdir()
    (index_dir / "_MAIN_1.toc").write_bytes(b"\x00garbage")

    with override_settings(WHOOSH_INDEX_DIR=index_dir):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["search_index"] == "error"


def test_unreachable_channel_layer_fails_that_check(client):
    with override_settings(CHANNEL_LAYERS=UNREACHABLE_REDIS):
        response = client.get("/healthz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["channel_layer"] == "error"
    assert checks["database"] == "ok"


def test_database_task_backend_is_healthy_when_its_queue_table_answers(client):
    with override_settings(TASKS=DATABASE_TASKS):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["tasks"] == "ok"


def test_database_task_backend_without_its_table_fails_the_tasks_check(client):
    # Given migrations that never created the queue table (dropped inside the test's transaction)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(DBTaskResult._meta.db_table)}")

    with override_settings(TASKS=DATABASE_TASKS):
        response = client.get("/healthz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["tasks"] == "error"
    assert checks["database"] == "ok"


def test_misconfigured_task_backend_fails_the_tasks_check(client):
    with override_settings(TASKS={"default": {"BACKEND": "helpdesk.no_such_module.Backend"}}):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["tasks"] == "error"


def test_failures_do_not_leak_exception_details(client, tmp_path):
    secret_place = tmp_path / "secret-location-7f3a"
    secret_place.write_text("not an index")

    with override_settings(WHOOSH_INDEX_DIR=secret_place, CHANNEL_LAYERS=UNREACHABLE_REDIS):
        response = client.get("/healthz")

    text = response.content.decode()
    assert response.status_code == 503
    for detail in ("secret-location-7f3a", "Traceback", "Error", "127.0.0.1:1", "File exists"):
        assert detail not in text


@override_settings(SECURE_SSL_REDIRECT=True)
def test_health_answers_over_plain_http_when_https_is_enforced(client):
    health = client.get("/healthz")
    home = client.get("/en/")

    assert health.status_code == 200
    assert home.status_code == 301
    assert home["Location"].startswith("https://")


def test_an_unreachable_database_is_asked_once_not_again_for_the_tasks(client, monkeypatch):
    asked = []

    def unreachable():
        asked.append("database")
        raise OperationalError("connection refused")

    def tasks():
        asked.append("tasks")

    monkeypatch.setitem(health.CHECKS, "database", unreachable)
    monkeypatch.setitem(health.CHECKS, "tasks", tasks)

    response = client.get("/healthz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert (checks["database"], checks["tasks"], checks["search_index"]) == ("error", "needs database", "ok")
    assert asked == ["database"]  # a pooled wait for a database that is down costs one timeout, not two
