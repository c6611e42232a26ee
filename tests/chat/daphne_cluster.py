"""Several Daphne processes serving the test database and sharing the Redis channel layer, as behind a balancer.

Each process listens on a port of its own, so a test decides which one a socket talks to, and
can freeze (SIGSTOP) or kill (SIGKILL) the one serving a conversation. The chat clients
themselves are bench/chat_client.py's: real sockets over TCP, with the helpdesk's Origin.
"""

import os
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.test import Client

from bench.chat_client import AGENT_PATH, VISITOR_PATH, Agent, Visitor
from tests.browser.live_server import LiveDaphne

LOGS = Path(settings.BASE_DIR) / "test-artifacts" / "daphne-cluster"


class DaphneCluster:
    """`count` Daphne processes, started together; `urls[i]` is where process i answers."""

    def __init__(self, count: int, *, name: str):
        self.servers = [LiveDaphne(log_path=LOGS / f"{name}-{index}.log") for index in range(count)]

    def __enter__(self) -> "DaphneCluster":
        # Started side by side: each takes seconds to import Django and Wagtail.
        with ThreadPoolExecutor(max_workers=len(self.servers)) as pool:
            started = [pool.submit(server.start) for server in self.servers]
        failures = [future.exception() for future in started if future.exception() is not None]
        if failures:
            self.stop()
            raise failures[0]
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def freeze(self, index: int) -> None:
        """Stop process `index` where it stands: what reaches its sockets from now on is never read."""
        os.kill(self.servers[index].process.pid, signal.SIGSTOP)

    def kill(self, index: int) -> None:
        """SIGKILL process `index`, as a crash would: no disconnect() runs, no socket is closed politely."""
        process = self.servers[index].process
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(f"--- {server.log_path.name}\n{server.log_tail()}" for server in self.servers)


def staff_session_cookie(user) -> str:
    """The Cookie header a browser sends once this staff member has signed in."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def open_visitor(url: str) -> Visitor:
    return await Visitor.open(url, VISITOR_PATH)


async def open_agent(url: str, cookie: str) -> tuple[Agent, list[dict]]:
    """Open an agent's console (which marks them online); return it and its first queue snapshot."""
    agent = await Agent.open(url, AGENT_PATH, cookie=cookie)
    return agent, await agent.greeted()
