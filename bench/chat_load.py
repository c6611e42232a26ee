"""The chat benchmark's measurements: sockets against running Daphne workers, timed on the client side.

Each function takes the servers' URLs and the cast bench/chat_setup.py made (agents with
session cookies, conversations with their visitor keys) and returns plain numbers; the tables
are bench/bench_chat.py's business. Latency is from just before a frame is written on one
socket to the moment the frame it causes is read on another, both in this process
(time.perf_counter), so it includes the client's own event loop.
"""

import asyncio
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from websockets.exceptions import ConnectionClosed

from .chat_client import AGENT_PATH, VISITOR_PATH, Agent, ChatClient, ChatClosed, Visitor, new_client_id

WAIT = 30.0  # seconds a frame may take before it counts as missing


def rss_kb(pid: int) -> int:
    """Resident memory of a process, from /proc/<pid>/status (kB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Phase:
    """What one step measured: how many, how many went through, how long, and latency samples (seconds)."""

    name: str
    count: int = 0
    ok: int = 0
    seconds: float = 0.0
    samples: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)


class Deliveries:
    """Futures resolved when a socket is sent the message frame with a given client_id; error frames counted."""

    def __init__(self):
        self.waiting: dict[tuple[int, str], asyncio.Future] = {}
        self.errors: Counter = Counter()
        self.late = 0  # message frames that arrived after their wait had given up

    def never_arrived(self) -> int:
        return sum(1 for future in self.waiting.values() if future.cancelled())

    def watch(self, client: ChatClient) -> None:
        def on_frame(arrived: float, frame: dict) -> None:
            kind = frame.get("type")
            if kind == "error":
                self.errors[frame.get("code", "?")] += 1
            elif kind == "message":
                future = self.waiting.pop((id(client), frame.get("client_id")), None)
                if future is not None and future.cancelled():
                    self.late += 1
                elif future is not None and not future.done():
                    future.set_result(arrived)

        client.on_frame = on_frame

    def expect(self, client: ChatClient, client_id: str) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiting[(id(client), client_id)] = future
        return future


async def _bounded(coroutines, limit: int) -> list:
    """Run coroutines with at most `limit` at once; exceptions are returned, not raised."""
    gate = asyncio.Semaphore(limit)

    async def one(coroutine):
        async with gate:
            return await coroutine

    return await asyncio.gather(*(one(c) for c in coroutines), return_exceptions=True)


async def open_visitor(url: str, conversation: dict, *, keep: bool = True) -> Visitor:
    """Resume a conversation from its visitor key and wait for its backlog (the bot's greeting at least)."""
    visitor = await Visitor.open(url, VISITOR_PATH, keep=keep)
    welcome = await visitor.hello(visitor_key=conversation["key"], conversation=conversation["id"])
    if welcome["conversation"] != conversation["id"]:
        raise RuntimeError("the server opened a new conversation instead of resuming")
    await visitor.wait_for("message", seq=welcome["last_seq"])
    return visitor


async def open_agent(url: str, agent: dict) -> Agent:
    console = await Agent.open(url, AGENT_PATH, cookie=agent["cookie"])
    await console.greeted()
    return console


async def _close(clients) -> None:
    await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)


async def _timed(coroutine):
    """Await the coroutine; return its result and how long it took."""
    began = time.perf_counter()
    result = await coroutine
    return result, time.perf_counter() - began


def _split(results: list, phase: Phase) -> list:
    """Count the (result, seconds) pairs and the exceptions among `results`; keep the times; return the results."""
    good = [result for result in results if not isinstance(result, BaseException)]
    for result in results:
        if isinstance(result, BaseException):
            phase.errors[type(result).__name__] += 1
    phase.count, phase.ok = len(results), len(good)
    phase.samples += [seconds for _result, seconds in good]
    return [result for result, _seconds in good]


async def relay(
    visitor_url: str, agent_url: str, *, agents: list[dict], conversations: list[dict], messages: int, pids=()
) -> tuple[list[Phase], list[float]]:
    """Visitors on one worker, their agents on another: `messages` each way, one at a time, and typing.

    Return the phases and the CPU seconds each of `pids` (the workers) spent on the measured exchanges.
    """
    consoles = [await open_agent(agent_url, agent) for agent in agents]
    visitors = [await open_visitor(visitor_url, conversation) for conversation in conversations]
    pairs = []
    for console, visitor, conversation in zip(consoles, visitors, conversations, strict=True):
        await console.accept(conversation["id"])
        await visitor.wait_for("message", author="system")
        pairs.append((console, visitor, conversation["id"]))
    phases = {name: Phase(name) for name in ("visitor → agent", "agent → visitor", "ack to the sender", "typing")}

    async def exchange(console, visitor, conversation, *, record: bool) -> None:
        client_id, sent = await visitor.say("Where is my order? It should have arrived by now.")
        received, _ = await console.wait_timed("message", client_id=client_id, timeout=WAIT)
        acked, _ = await visitor.wait_timed("ack", client_id=client_id, timeout=WAIT)
        client_id, answered = await console.say(conversation, "It left the warehouse this morning.")
        delivered, _ = await visitor.wait_timed("message", client_id=client_id, timeout=WAIT)
        typed = await visitor.send({"type": "typing", "on": True})
        shown, _ = await console.wait_timed("typing", by="visitor", conversation=conversation, timeout=WAIT)
        if record:
            for name, seconds in (
                ("visitor → agent", received - sent),
                ("ack to the sender", acked - sent),
                ("agent → visitor", delivered - answered),
                ("typing", shown - typed),
            ):
                phases[name].samples.append(seconds)

    for console, visitor, conversation in pairs:  # warm-up: first queries, first Redis round trips
        await exchange(console, visitor, conversation, record=False)
    began = time.monotonic()
    cpu = [cpu_seconds(pid) for pid in pids]
    while len(phases["visitor → agent"].samples) < messages:
        for console, visitor, conversation in pairs[: messages - len(phases["visitor → agent"].samples)]:
            await exchange(console, visitor, conversation, record=True)
    cpu = [cpu_seconds(pid) - before for pid, before in zip(pids, cpu, strict=True)]
    for phase in phases.values():
        phase.count = phase.ok = len(phase.samples)
        phase.seconds = time.monotonic() - began
    await _close([*consoles, *visitors])
    return list(phases.values()), cpu


async def idle_sockets(url: str, pid: int, *, conversations: list[dict], warmup: int = 20, concurrency: int = 50):
    """Open one visitor socket per conversation on one worker and read the worker's memory before and after."""
    warm = [await open_visitor(url, conversation) for conversation in conversations[:warmup]]
    await _close(warm)
    await asyncio.sleep(2)
    before = rss_kb(pid)
    opening = Phase("open and resume")
    began = time.monotonic()
    visitors = _split(await _bounded([_timed(open_visitor(url, c)) for c in conversations], concurrency), opening)
    opening.seconds = time.monotonic() - began
    await asyncio.sleep(2)
    after = rss_kb(pid)
    # Every socket still answers: a ping each, all at once.
    answering = Phase("ping every socket")
    began = time.monotonic()

    async def ping(visitor: Visitor) -> tuple[Visitor, float]:
        sent = await visitor.send({"type": "ping"}, paced=False)
        arrived, _ = await visitor.wait_timed("pong", timeout=WAIT)
        return visitor, arrived - sent

    _split(await asyncio.gather(*(ping(v) for v in visitors), return_exceptions=True), answering)
    answering.seconds = time.monotonic() - began
    await _bounded([visitor.close() for visitor in visitors], concurrency)
    await asyncio.sleep(2)
    return {"before_kb": before, "after_kb": after, "closed_kb": rss_kb(pid), "phases": [opening, answering]}


async def agents_at_work(
    urls: list[str], *, agents: list[dict], conversations: list[dict], rounds: int, think: float, pids=()
) -> tuple[list[Phase], Counter, dict]:
    """Each agent accepts its share of waiting chats; then every chat trades `rounds` messages each way.

    Return the phases, the error frames the server sent, and a dict with how many messages missed
    their wait but came later or never came before the sockets closed (5 s after the last wait),
    and the CPU seconds each of `pids` (the workers) spent while the messages went back and forth.

    Before each of its messages a visitor thinks for a random time, `think` seconds on average;
    the agent answers as soon as the message arrives (as fast as its socket's rate limit allows).
    """
    per_agent = len(conversations) // len(agents)
    deliveries = Deliveries()
    phases = {
        name: Phase(name)
        for name in ("connect visitors", "connect agents", "accept", "visitor → agent", "agent → visitor")
    }

    began = time.monotonic()
    opening = [_timed(open_visitor(urls[i % len(urls)], c)) for i, c in enumerate(conversations)]
    opened = await _bounded(opening, limit=50)
    phases["connect visitors"].seconds = time.monotonic() - began
    visitor_by_chat = {
        conversation["id"]: result[0]
        for conversation, result in zip(conversations, opened, strict=True)
        if not isinstance(result, BaseException)
    }
    _split(opened, phases["connect visitors"])

    began = time.monotonic()
    connected = await asyncio.gather(
        *(_timed(open_agent(urls[i % len(urls)], agent)) for i, agent in enumerate(agents)), return_exceptions=True
    )
    phases["connect agents"].seconds = time.monotonic() - began
    _split(connected, phases["connect agents"])
    consoles = [result if isinstance(result, BaseException) else result[0] for result in connected]
    for client in [*visitor_by_chat.values(), *(c for c in consoles if not isinstance(c, BaseException))]:
        deliveries.watch(client)

    async def accept_share(console: Agent, share: list[dict]) -> list[str]:
        taken = []
        for conversation in share:
            sent = await console.send({"type": "accept", "conversation": conversation["id"]})
            try:
                arrived, _ = await console.wait_timed("conversation", conversation=conversation["id"], timeout=WAIT)
            except (TimeoutError, ChatClosed) as failure:
                phases["accept"].errors[type(failure).__name__] += 1
                continue
            phases["accept"].samples.append(arrived - sent)
            taken.append(conversation["id"])
        return taken

    shares = [conversations[i * per_agent : (i + 1) * per_agent] for i in range(len(agents))]
    began = time.monotonic()
    taken = await asyncio.gather(
        *(
            accept_share(console, share)
            for console, share in zip(consoles, shares, strict=True)
            if not isinstance(console, BaseException)
        )
    )
    phases["accept"].seconds = time.monotonic() - began
    phases["accept"].count = len(conversations)
    phases["accept"].ok = sum(len(ids) for ids in taken)

    live = [c for c in consoles if not isinstance(c, BaseException)]
    for client in [*live, *visitor_by_chat.values()]:
        client.keep = False  # from here on only deliveries count: consoles hear every queue change

    async def converse(console: Agent, conversation: str, thinking: random.Random) -> None:
        visitor = visitor_by_chat.get(conversation)
        if visitor is None:
            return
        for turn in range(rounds):
            await asyncio.sleep(thinking.uniform(0, 2 * think))
            for name, receiver in (("visitor → agent", console), ("agent → visitor", visitor)):
                client_id = new_client_id()
                arrival = deliveries.expect(receiver, client_id)
                phase = phases[name]
                phase.count += 1
                try:
                    if receiver is console:
                        _, sent = await visitor.say(f"Question {turn + 1}: where is my parcel?", client_id)
                    else:
                        _, sent = await console.say(conversation, f"Answer {turn + 1}: on its way.", client_id)
                    phase.samples.append(await asyncio.wait_for(arrival, WAIT) - sent)
                    phase.ok += 1
                except (TimeoutError, ConnectionClosed, OSError) as failure:
                    phase.errors[type(failure).__name__] += 1

    began = time.monotonic()
    cpu = [cpu_seconds(pid) for pid in pids]
    chats = [(console, conversation) for console, ids in zip(live, taken, strict=True) for conversation in ids]
    await asyncio.gather(*(converse(console, chat, random.Random(i)) for i, (console, chat) in enumerate(chats)))
    for name in ("visitor → agent", "agent → visitor"):
        phases[name].seconds = time.monotonic() - began
    cpu = [cpu_seconds(pid) - before for pid, before in zip(pids, cpu, strict=True)]
    await asyncio.sleep(5)  # a message that missed its wait may still come
    await _bounded([client.close() for client in [*live, *visitor_by_chat.values()]], 50)
    extra = {"arrived late": deliveries.late, "never arrived": deliveries.never_arrived(), "cpu": cpu}
    return list(phases.values()), deliveries.errors, extra
