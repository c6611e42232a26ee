"""A socket's work kept in order per conversation, with different conversations run side by side."""

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class Lanes:
    """One queue of jobs per key, each worked through by a task of its own that ends when it runs dry.

    `failed` is awaited when a job raises anything but a cancellation.
    """

    def __init__(self, *, failed: Callable[[], Awaitable[None]]):
        self.failed = failed
        self.closed = False
        self._jobs: dict[Hashable, deque[Job]] = {}
        self._tasks: dict[Hashable, asyncio.Task] = {}

    def submit(self, key: Hashable, job: Job) -> None:
        """Queue `job` behind the others of `key`; a job submitted after `close` is dropped."""
        if self.closed:
            return
        jobs = self._jobs.get(key)
        if jobs is None:
            jobs = self._jobs[key] = deque()
            self._tasks[key] = asyncio.create_task(self._work(key, jobs))
        jobs.append(job)

    def busy(self) -> int:
        return len(self._tasks)

    async def _work(self, key: Hashable, jobs: deque[Job]) -> None:
        try:
            while jobs:
                try:
                    await jobs[0]()
                except Exception:
                    logger.exception("A chat socket's job failed")
                    await self.failed()
                jobs.popleft()
        finally:
            # No await between the last popleft and here: nothing is submitted to a lane on its way out.
            del self._jobs[key], self._tasks[key]

    async def close(self, *, grace: float) -> None:
        """Take no more jobs, let the queued ones finish for up to `grace` seconds, then cancel the rest."""
        self.closed = True
        tasks = list(self._tasks.values())
        if not tasks:
            return
        try:
            await asyncio.wait(tasks, timeout=grace)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
