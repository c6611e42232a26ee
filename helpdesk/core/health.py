"""Checks behind GET /healthz: each returns None when healthy or a short failure text."""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


async def _layer_round_trip() -> str | None:
    layer = get_channel_layer()
    if layer is None:
        return "no channel layer configured"
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    return None if message.get("type") == "healthz.ping" else "unexpected message"


def check_channel_layer() -> str | None:
    return async_to_sync(_layer_round_trip)()


def check_search_index() -> str | None:
    from kb.search import search_health

    return search_health()


def check_tasks() -> str | None:
    from django_tasks import default_task_backend

    backend = default_task_backend
    if backend.__class__.__name__ == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()
    return None


CHECKS = {
    "database": check_database,
    "channel_layer": check_channel_layer,
    "search_index": check_search_index,
    "tasks": check_tasks,
}


def run_checks() -> dict[str, str]:
    """Run every check; a check that raises fails with the exception's class name."""
    results = {}
    for name, check in CHECKS.items():
        try:
            failure = check()
        except Exception as exc:  # a health check reports failures, it never raises
            logger.warning("health check %s failed", name, exc_info=True)
            failure = f"error: {type(exc).__name__}"
        results[name] = "ok" if failure is None else failure
    return results
