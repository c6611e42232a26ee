"""Checks behind GET /healthz: each returns None when healthy or a short failure text."""

import asyncio
import logging
from contextlib import nullcontext

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

logger = logging.getLogger(__name__)

LAYER_TIMEOUT_SECONDS = 2


def _isolated():
    """A savepoint when already inside a transaction, so a failed query cannot break it.

    Outside one, no transaction at all: on SQLite an atomic block takes the write lock.
    """
    return transaction.atomic() if connection.in_atomic_block else nullcontext()


def check_database() -> str | None:
    with _isolated(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


async def _layer_round_trip() -> str | None:
    layer = get_channel_layer()
    if layer is None:
        return "no channel layer configured"
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=LAYER_TIMEOUT_SECONDS)
    return None if message.get("type") == "healthz.ping" else "unexpected message"


def check_channel_layer() -> str | None:
    return async_to_sync(_layer_round_trip)()


def check_search_index() -> str | None:
    from kb.search import search_health

    return search_health()


def check_tasks() -> str | None:
    """Load the configured task backend; for the database backend, read its queue table."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if isinstance(backend, DatabaseBackend):
        with _isolated():
            DBTaskResult.objects.exists()
    return None


CHECKS = {
    "database": check_database,
    "channel_layer": check_channel_layer,
    "search_index": check_search_index,
    "tasks": check_tasks,
}
# Checks that cannot pass without another one: not run again when it failed (with a connection pool,
# each try waits DATABASE_POOL_TIMEOUT for a database that is down, and a monitor gives up meanwhile).
NEEDS = {"tasks": "database"}


def run_checks() -> dict[str, str]:
    """Run every check; a check that raises fails with "error", and the details go to the log only."""
    results = {}
    for name, check in CHECKS.items():
        needed = NEEDS.get(name)
        if needed and results[needed] != "ok":
            results[name] = f"needs {needed}"
            continue
        try:
            failure = check()
        except Exception:  # a health check reports failures, it never raises
            logger.warning("health check %s failed", name, exc_info=True)
            failure = "error"
        results[name] = "ok" if failure is None else failure
    return results
