"""A visitor's chat over nginx, as the widget speaks it (bench/chat_client.py), that keeps its own account.

The fault scripts use it to check the protocol's promise across a crash or an outage: every message
the visitor sent is stored once, and every stored message reaches the visitor once.
"""

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ClusterConfig

try:
    from bench.chat_client import VISITOR_PATH, ChatClosed, Visitor, new_client_id
except ImportError as error:  # websockets is a development dependency
    raise SystemExit(f"The chat faults need the development packages ({error}): make .venv/.installed-dev") from None


def established(ports: tuple[int, ...]) -> set[tuple[str, str]]:
    """Established TCP connections whose local end is one of `ports` (the workers' side), from /proc/net/tcp."""
    found = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, state = fields[1], fields[2], fields[3]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) in ports:
                found.add((local, remote))
    return found


def port_of(connection: tuple[str, str]) -> int:
    return int(connection[0].rsplit(":", 1)[1], 16)


@dataclass
class ChatAccount:
    """What one visitor sent (client id → body), which were acked, and every message frame each socket got."""

    config: ClusterConfig
    sent: dict[str, str] = field(default_factory=dict)
    acked: dict[str, int] = field(default_factory=dict)
    sockets: list[Visitor] = field(default_factory=list)
    visitor_key: str | None = None
    conversation: str | None = None

    @property
    def socket(self) -> Visitor:
        return self.sockets[-1]

    def highest_seen(self) -> int:
        return max((frame["seq"] for socket in self.sockets for frame in socket.received("message")), default=0)

    async def connect(self, *, timeout: float = 10) -> dict:
        """Open a socket through nginx and (re)join the conversation from the last message seen."""
        socket = await Visitor.open(self.config.url, VISITOR_PATH, timeout=timeout)
        self.sockets.append(socket)
        welcome = await socket.hello(
            visitor_key=self.visitor_key, conversation=self.conversation, last_seq=self.highest_seen()
        )
        if self.conversation is not None and welcome["conversation"] != self.conversation:
            raise AssertionError(f"the server opened a new conversation {welcome['conversation']} instead")
        self.visitor_key, self.conversation = socket.visitor_key, socket.conversation
        return welcome

    async def send(self, body: str, *, client_id: str | None = None, wait: bool = True, timeout: float = 15) -> str:
        """Send a message (a new one, or again under its client id); with `wait`, return how it was answered."""
        client_id = client_id or new_client_id()
        self.sent[client_id] = body
        socket = self.socket
        await socket.send({"type": "message", "client_id": client_id, "body": body})
        if not wait:
            return "sent"
        return await self.answer(client_id, socket=socket, timeout=timeout)

    async def answer(self, client_id: str, *, socket: Visitor, timeout: float) -> str:
        ack = asyncio.create_task(socket.wait_for("ack", client_id=client_id, timeout=timeout))
        error = asyncio.create_task(socket.wait_for("error", client_id=client_id, timeout=timeout))
        done, pending = await asyncio.wait({ack, error}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        task = done.pop()
        try:
            frame = task.result()
        except ChatClosed as closed:
            return f"closed ({closed})"
        except TimeoutError:
            return f"no answer within {timeout:g} s"
        if frame["type"] == "ack":
            self.acked[client_id] = frame["seq"]
            return f"ack seq {frame['seq']}"
        return f"error {frame['code']}"

    async def close(self) -> None:
        for socket in self.sockets:
            if not socket.closed:
                await socket.close()

    def unacked(self) -> list[str]:
        return [client_id for client_id in self.sent if client_id not in self.acked]

    def seen_seqs(self) -> list[int]:
        """Every message seq the visitor's sockets received, in arrival order, repeats included."""
        return [frame["seq"] for socket in self.sockets for frame in socket.received("message")]


async def transcript(config: ClusterConfig, account: ChatAccount) -> list[dict]:
    """Every stored message of the conversation, read afresh through a new socket from seq 0."""
    socket = await Visitor.open(config.url, VISITOR_PATH)
    try:
        welcome = await socket.hello(visitor_key=account.visitor_key, conversation=account.conversation, last_seq=0)
        last = welcome["last_seq"]
        while len(socket.received("message")) < last:
            await socket.wait_for("message", timeout=10)
        return socket.received("message")
    finally:
        await socket.close()


def check_exactly_once(report, account: ChatAccount, messages: list[dict]) -> None:
    """The protocol's promise: stored once each, numbered without gaps, each seen once by the visitor."""
    seqs = [message["seq"] for message in messages]
    report.check(seqs == list(range(1, len(seqs) + 1)), f"the transcript is numbered 1..{len(seqs)} without gaps")
    stored = [message.get("client_id") for message in messages if message["author"] == "visitor"]
    counts = {client_id: stored.count(client_id) for client_id in account.sent}
    missing = [client_id for client_id, count in counts.items() if count == 0]
    doubled = [client_id for client_id, count in counts.items() if count > 1]
    report.check(not missing, f"every one of the {len(account.sent)} visitor messages is stored (missing: {missing})")
    report.check(not doubled, f"none is stored twice (doubled: {doubled})")
    seen = account.seen_seqs()
    repeats = sorted({seq for seq in seen if seen.count(seq) > 1})
    unseen = sorted(set(seqs) - set(seen))
    report.check(not repeats, f"the visitor's sockets got no message twice (repeated seqs: {repeats})")
    report.check(not unseen, f"the visitor's sockets got every stored message (never got seqs: {unseen})")
