"""A small asyncio client for the chat sockets (docs/chat-protocol.md), shared by the chat benchmark and tests.

It speaks to a real server over TCP, as a browser would: the helpdesk's Origin, the session
cookie of a signed-in agent when given. Every frame received is kept with the time it arrived
(time.perf_counter), so callers can wait for a frame, measure how long it took, and check the
whole stream afterwards.
"""

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

VISITOR_PATH = "/ws/chat/"
AGENT_PATH = "/ws/chat/agent/"
TIMEOUT = 10.0

# The server's per-socket budget is a burst of 20 frames refilled at 2 a second; clients that
# talk a lot stay a little under it.
BURST = 18
PER_SECOND = 1.8


class ChatClosed(Exception):
    """The socket closed (or the server died) while a frame was awaited."""


class Pacer:
    """A client-side token bucket a little under the server's rate limit, so no frame is refused."""

    def __init__(self, *, burst: int = BURST, per_second: float = PER_SECOND):
        self.burst = burst
        self.per_second = per_second
        self.tokens = float(burst)
        self.last = time.monotonic()

    async def take(self) -> None:
        while True:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.per_second)
            self.last = now
            if self.tokens >= 1:
                self.tokens -= 1
                return
            await asyncio.sleep((1 - self.tokens) / self.per_second)


def new_client_id() -> str:
    return str(uuid.uuid4())


def hello_frame(*, visitor_key: str | None = None, conversation: str | None = None, last_seq: int = 0) -> dict:
    return {
        "type": "hello",
        "v": 1,
        "visitor_key": visitor_key,
        "conversation": conversation,
        "last_seq": last_seq,
        "locale": "en",
    }


class ChatClient:
    """One chat socket: `frames` holds (arrival time, frame) for everything the server sent, in order."""

    def __init__(self, connection: ClientConnection, *, keep: bool = True):
        self.connection = connection
        self.keep = keep
        self.frames: list[tuple[float, dict]] = []
        self.on_frame: Callable[[float, dict], None] | None = None
        self.pacer = Pacer()
        self._claimed: set[int] = set()
        self._arrived = asyncio.Event()
        self._paused = False
        self._reader = asyncio.create_task(self._read())
        self.closed = False
        self.close_code: int | None = None

    @classmethod
    async def open(
        cls, base_url: str, path: str, *, cookie: str = "", timeout: float = TIMEOUT, keep: bool = True
    ) -> "ChatClient":
        """Connect to `path` on the server at `base_url` (http://host:port) with the server's own Origin."""
        parts = urlsplit(base_url)
        headers = {"Cookie": cookie} if cookie else None
        connection = await connect(
            f"ws://{parts.netloc}{path}",
            origin=f"{parts.scheme}://{parts.netloc}",
            additional_headers=headers,
            compression=None,
            ping_interval=None,  # browsers do not ping; Daphne pings them
            open_timeout=timeout,
            proxy=None,
        )
        return cls(connection, keep=keep)

    async def _read(self) -> None:
        try:
            async for raw in self.connection:
                arrived = time.perf_counter()
                frame = json.loads(raw)
                if self.keep:
                    self.frames.append((arrived, frame))
                if self.on_frame is not None:
                    self.on_frame(arrived, frame)
                self._arrived.set()
        except (ConnectionClosed, OSError):
            pass
        finally:
            if not self._paused:
                self.closed = True
                self.close_code = self.connection.close_code
                self._arrived.set()

    async def send(self, frame: dict, *, paced: bool = True) -> float:
        """Send a frame (waiting for the client-side budget first); return when it was sent."""
        if paced:
            await self.pacer.take()
        sent = time.perf_counter()
        await self.connection.send(json.dumps(frame))
        return sent

    async def wait_for(self, kind: str, *, timeout: float = TIMEOUT, **match) -> dict:
        """Return the first frame of this type (with these key values) not returned before."""
        return (await self.wait_timed(kind, timeout=timeout, **match))[1]

    async def wait_timed(self, kind: str, *, timeout: float = TIMEOUT, **match) -> tuple[float, dict]:
        deadline = time.monotonic() + timeout
        index = 0
        while True:
            # Each waiter looks at each frame once: consoles receive thousands of queue changes.
            while index < len(self.frames):
                arrived, frame = self.frames[index]
                index += 1
                if index - 1 in self._claimed or frame.get("type") != kind:
                    continue
                if all(frame.get(key) == value for key, value in match.items()):
                    self._claimed.add(index - 1)
                    return arrived, frame
            if self.closed:
                raise ChatClosed(f"closed ({self.close_code}) while waiting for {kind} {match}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {kind} frame {match} within {timeout} s; last frames: {self.tail()}")
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                continue

    def tail(self, count: int = 5) -> list[dict]:
        return [frame for _arrived, frame in self.frames[-count:]]

    def received(self, kind: str = "message") -> list[dict]:
        return [frame for _arrived, frame in self.frames if frame.get("type") == kind]

    async def pause(self) -> None:
        """Stop reading: whatever the server sends from now on stays unread in the connection's buffers."""
        self._paused = True
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader

    async def close(self) -> None:
        await self.connection.close()
        if not self._paused:
            await self._reader

    async def abandon(self) -> None:
        """Drop the socket without reading what is still buffered, as when the connection dies under a browser."""
        await self.pause()
        self.connection.transport.abort()
        self.closed = True


class Visitor(ChatClient):
    """The widget's side: hello/welcome, then messages, typing and read receipts."""

    conversation: str | None = None
    visitor_key: str | None = None

    async def hello(self, *, visitor_key=None, conversation=None, last_seq: int = 0) -> dict:
        await self.send(hello_frame(visitor_key=visitor_key, conversation=conversation, last_seq=last_seq))
        welcome = await self.wait_for("welcome")
        self.conversation, self.visitor_key = welcome["conversation"], welcome["visitor_key"]
        return welcome

    async def say(self, body: str, client_id: str | None = None) -> tuple[str, float]:
        client_id = client_id or new_client_id()
        sent = await self.send({"type": "message", "client_id": client_id, "body": body})
        return client_id, sent


class Agent(ChatClient):
    """The console's side: welcome and queue on connect, then accept/join and per-chat frames."""

    user: int | None = None

    async def greeted(self) -> list[dict]:
        """Wait for the welcome and the queue snapshot; return the queue's items."""
        self.user = (await self.wait_for("welcome"))["user"]
        return (await self.wait_for("queue"))["items"]

    async def accept(self, conversation: str) -> dict:
        await self.send({"type": "accept", "conversation": conversation})
        return await self.wait_for("conversation", conversation=conversation)

    async def join(self, conversation: str, last_seq: int) -> dict:
        await self.send({"type": "join", "conversation": conversation, "last_seq": last_seq})
        return await self.wait_for("conversation", conversation=conversation)

    async def say(self, conversation: str, body: str, client_id: str | None = None) -> tuple[str, float]:
        client_id = client_id or new_client_id()
        frame = {"type": "message", "conversation": conversation, "client_id": client_id, "body": body}
        return client_id, await self.send(frame)


def highest_seq(client: ChatClient, conversation: str | None = None) -> int:
    """The highest `seq` among the message frames this socket received (for one conversation)."""
    seqs = [
        frame["seq"]
        for frame in client.received("message")
        if conversation is None or frame.get("conversation") == conversation
    ]
    return max(seqs, default=0)
