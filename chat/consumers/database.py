"""Database calls from the chat sockets: run off the event loop, their nudges sent from it afterwards.

On PostgreSQL the calls run on a small pool of threads, each taking a connection as a request
does (from the process's DATABASE_POOL_SIZE pool, or one kept for DATABASE_CONN_MAX_AGE), so one
slow call does not hold up every socket of the process. On SQLite they keep to asgiref's one
database thread per process: SQLite has one writer at a time anyway, and the tests' database is
shared by that thread alone.
"""

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from asgiref.sync import SyncToAsync
from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.db import close_old_connections

from .. import broadcast

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# Per process, so per Daphne worker: at most this many PostgreSQL connections for the chat's sockets.
POOL_THREADS = 4

_pool: ThreadPoolExecutor | None = None


def pooled() -> bool:
    """Tell whether the chat's database calls may run on several threads at once (not on SQLite)."""
    return settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=POOL_THREADS, thread_name_prefix="chat-db")
    return _pool


class _PooledCall(SyncToAsync):
    """channels' DatabaseSyncToAsync on the chat's own threads, each closing its old connections itself.

    Channels' test communicator turns `channels.db.close_old_connections` into a no-op while a test
    waits for a frame; the one shared thread makes up for it on a later call, but a connection left
    on one of several pool threads would outlive the test (and block dropping its database).
    """

    def thread_handler(self, loop, *args, **kwargs):
        close_old_connections()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            close_old_connections()


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("A chat database call failed after its socket went away", exc_info=task.exception())


def database_call(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Run `func` in a database thread, then send the nudges its services committed from the caller's loop.

    The call and its nudges run to the end even when the socket that asked goes away meanwhile:
    whatever was written is announced.
    """

    def holding(*args, **kwargs):
        with broadcast.held() as nudges:
            return func(*args, **kwargs), nudges

    shared = DatabaseSyncToAsync(holding)
    own = None

    async def run(*args, **kwargs) -> R:
        nonlocal own
        if pooled():
            own = own or _PooledCall(holding, thread_sensitive=False, executor=_executor())
            result, nudges = await own(*args, **kwargs)
        else:
            result, nudges = await shared(*args, **kwargs)
        await broadcast.relay(nudges)
        return result

    @functools.wraps(func)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        task = asyncio.ensure_future(run(*args, **kwargs))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            task.add_done_callback(_log_failure)
            raise

    return call
