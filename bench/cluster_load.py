"""Load the running loopback cluster (`make cluster`) with chat, help-centre and inbox traffic at once.

    .venv/bin/python -m bench.cluster_load --minutes 30 --customers 1000 --agents 50

1. The cast: `python -m bench.chat_setup`, run in the cluster's own environment, makes the agents
   (signed in by session cookie) and one conversation waiting for a person per customer.
2. Every customer opens a socket through nginx and resumes its conversation; every agent opens
   the console there and accepts its share of the chats.
3. For `--minutes`, each customer writes every `--think` seconds on average and the agent answers
   as soon as the message arrives. Relay latency runs from just before a frame is written on one
   socket to the moment the other socket reads it, through nginx, a worker, Redis and another
   worker (or the same one). Meanwhile readers fetch help-centre pages and searches, and agents
   reload their inbox, `--http-rate` requests a second in all, each reader from a loopback address
   of its own (127.0.1.x), as separate people would be, so per-address rate limits apply as in life.
4. Every `--sample` seconds the resident memory of each Daphne worker (and the task worker).

Prints: relay latency per window, HTTP by kind, errors, memory over time. Nothing is asserted:
the numbers go to docs/benchmarks.md and docs/operations.md.
"""

import argparse
import asyncio
import http.client
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from websockets.exceptions import ConnectionClosed

from cluster.config import HOST, ClusterConfig
from cluster.faults.common import child_pid, require_running

from .bench_chat import raise_fd_limit
from .chat_client import ChatClosed, new_client_id
from .chat_load import WAIT, Deliveries, _bounded, open_agent, open_visitor, rss_kb
from .servers import BASE_DIR
from .tables import Table, format_markdown, format_text
from .workers import machine, percentile

SEARCHES = ["delivery", "refund", "order", "return", "ارسال", "سفارش", "استرداد", "الشحن", "طلبي", "gift wrap"]
PAGES = ["/en/help/", "/fa/help/", "/ar/help/", "/en/help/frequently-asked-questions/", "/en/"]


def _cast(config: ClusterConfig, *, agents: int, customers: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="cluster-load-") as directory:
        out = Path(directory) / "cast.json"
        command = [sys.executable, "-m", "bench.chat_setup", "--out", str(out)]
        command += ["--agents", str(agents), "--waiting", str(customers)]
        done = subprocess.run(
            command, cwd=BASE_DIR, env=config.django_environment(), capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise SystemExit(f"making the cast failed:\n{done.stderr}")
        return json.loads(out.read_text(encoding="utf-8"))


class Recorder:
    """Samples in time windows: (window, kind) → latencies; errors by kind and cause."""

    def __init__(self, began: float, window: float):
        self.began, self.window = began, window
        self.samples: dict[tuple[int, str], list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.statuses: Counter = Counter()

    def slot(self) -> int:
        return int((time.monotonic() - self.began) // self.window)

    def sample(self, kind: str, seconds: float) -> None:
        self.samples[(self.slot(), kind)].append(seconds)

    def error(self, kind: str, cause: str) -> None:
        self.errors[(kind, cause)] += 1


def _http_get(port: int, path: str, *, source: str, cookie: str = "") -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=WAIT, source_address=(source, 0))
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


async def _http_traffic(config: ClusterConfig, cast: dict, recorder: Recorder, *, rate: float, until: float):
    """Readers (help centre, search) and agents (inbox), `rate` requests a second in all, Poisson arrivals."""
    loop = asyncio.get_running_loop()
    chooser = random.Random(7)
    pending: set[asyncio.Future] = set()

    def one() -> tuple[str, str, int, str]:
        roll = chooser.random()
        reader = f"127.0.1.{chooser.randrange(1, 200)}"
        if roll < 0.4:
            return "help page", chooser.choice(PAGES), 0, reader
        if roll < 0.8:
            return "help search", f"/en/help/search/?q={quote(chooser.choice(SEARCHES))}", 0, reader
        agent = chooser.randrange(len(cast["agents"]))
        return "inbox", "/en/staff/tickets/", agent, f"127.0.2.{agent + 1}"

    async def fetch(kind: str, path: str, agent: int, source: str) -> None:
        cookie = cast["agents"][agent]["cookie"] if kind == "inbox" else ""
        began = time.perf_counter()
        try:
            status = await loop.run_in_executor(
                pool, lambda: _http_get(config.port, path, source=source, cookie=cookie)
            )
        except (OSError, http.client.HTTPException) as failure:
            recorder.error(kind, type(failure).__name__)
            return
        recorder.statuses[(kind, status)] += 1
        if status == 200:
            recorder.sample(kind, time.perf_counter() - began)
        else:
            recorder.error(kind, f"HTTP {status}")

    with ThreadPoolExecutor(max_workers=16) as pool:
        while time.monotonic() < until:
            await asyncio.sleep(chooser.expovariate(rate))
            task = asyncio.ensure_future(fetch(*one()))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.gather(*pending, return_exceptions=True)


async def _memory(config: ClusterConfig, rows: list, *, every: float, until: float, began: float) -> None:
    names = [f"daphne-{index}" for index in range(1, len(config.worker_ports) + 1)] + ["worker"]
    while True:
        row = [round((time.monotonic() - began) / 60, 1)]
        for name in names:
            pid = child_pid(config, name)
            try:
                row.append(round(rss_kb(pid) / 1024, 1) if pid else 0.0)
            except (OSError, RuntimeError):
                row.append(0.0)
        rows.append(row)
        if time.monotonic() >= until:
            return
        await asyncio.sleep(min(every, max(0.0, until - time.monotonic())))


async def _chats(config: ClusterConfig, cast: dict, recorder: Recorder, *, think: float, until: float) -> dict:
    url = config.url
    deliveries = Deliveries()
    conversations = cast["waiting"]
    opened = await _bounded([open_visitor(url, c) for c in conversations], 50)
    visitors = {c["id"]: v for c, v in zip(conversations, opened, strict=True) if not isinstance(v, BaseException)}
    for failure in (v for v in opened if isinstance(v, BaseException)):
        recorder.error("connect customer", type(failure).__name__)
    consoles = await asyncio.gather(*(open_agent(url, agent) for agent in cast["agents"]), return_exceptions=True)
    live = [c for c in consoles if not isinstance(c, BaseException)]
    for failure in (c for c in consoles if isinstance(c, BaseException)):
        recorder.error("connect agent", type(failure).__name__)
    for client in [*visitors.values(), *live]:
        deliveries.watch(client)
    per_agent = len(conversations) // max(1, len(live))

    async def accept(console, share) -> list[str]:
        taken = []
        for conversation in share:
            try:
                await console.accept(conversation["id"])
                taken.append(conversation["id"])
            except (TimeoutError, ChatClosed) as failure:
                recorder.error("accept", type(failure).__name__)
        return taken

    shares = [conversations[i * per_agent : (i + 1) * per_agent] for i in range(len(live))]
    taken = await asyncio.gather(*(accept(console, share) for console, share in zip(live, shares, strict=True)))
    for client in [*visitors.values(), *live]:
        client.keep = False  # from here on only deliveries count: consoles hear every queue change
    counts = Counter()

    async def converse(console, conversation: str, thinking: random.Random) -> None:
        visitor = visitors.get(conversation)
        turn = 0
        while visitor is not None:
            await asyncio.sleep(thinking.uniform(0, 2 * think))
            if time.monotonic() >= until:
                return
            turn += 1
            for kind, receiver in (("customer → agent", console), ("agent → customer", visitor)):
                client_id = new_client_id()
                arrival = deliveries.expect(receiver, client_id)
                counts[kind] += 1
                try:
                    if receiver is console:
                        _, sent = await visitor.say(f"Question {turn}: where is my parcel?", client_id)
                    else:
                        _, sent = await console.say(conversation, f"Answer {turn}: it is on its way.", client_id)
                    recorder.sample(kind, await asyncio.wait_for(arrival, WAIT) - sent)
                except (TimeoutError, ConnectionClosed, OSError) as failure:
                    recorder.error(kind, type(failure).__name__)

    chats = [(console, chat) for console, ids in zip(live, taken, strict=True) for chat in ids]
    await asyncio.gather(*(converse(c, chat, random.Random(i)) for i, (c, chat) in enumerate(chats)))
    await asyncio.sleep(5)  # a message that missed its wait may still come
    closed = sum(1 for client in [*visitors.values(), *live] if client.closed)
    await _bounded([client.close() for client in [*visitors.values(), *live]], 50)
    return {
        "customers": len(visitors),
        "agents": len(live),
        "chats": len(chats),
        "sent": dict(counts),
        "arrived late": deliveries.late,
        "never arrived": deliveries.never_arrived(),
        "error frames": dict(deliveries.errors),
        "sockets closed by the server": closed,
    }


def _tables(config, options, recorder: Recorder, chat: dict, memory: list) -> list[Table]:
    kinds = ["customer → agent", "agent → customer", "help page", "help search", "inbox"]
    windows = Table(
        title=f"Cluster under load: latency per {options.window:g}-minute window (ms)",
        columns=["minutes", *(f"{kind} {p}" for kind in kinds[:2] for p in ("n", "p50", "p95")), "HTTP n", "HTTP p95"],
        notes=[
            f"machine: {machine()}; load generator on the same machine",
            f"{chat['customers']:,} customers and {chat['agents']} agents over nginx → {len(config.worker_ports)} "
            f"Daphne workers, Redis channel layer, PostgreSQL; each customer writes every {options.think:.0f} s on "
            f"average and the agent answers at once; HTTP: {options.http_rate:g} requests/s of help pages, "
            "searches and inbox reloads",
        ],
    )
    slots = sorted({slot for slot, _kind in recorder.samples})
    for slot in slots:
        row: list[object] = [f"{slot * options.window:g}–{(slot + 1) * options.window:g}"]
        for kind in kinds[:2]:
            samples = recorder.samples.get((slot, kind), [])
            row += [len(samples), percentile(samples, 0.5), percentile(samples, 0.95)]
        http = [s for kind in kinds[2:] for s in recorder.samples.get((slot, kind), [])]
        row += [len(http), percentile(http, 0.95)]
        windows.add(*row)
    overall = Table(
        title="Cluster under load: the whole run",
        columns=["traffic", "requests", "ok", "errors", "error %", "p50 ms", "p95 ms", "p99 ms"],
        notes=[f"chat: {json.dumps(chat, ensure_ascii=False)}"],
    )
    for kind in kinds:
        samples = [s for (slot, k), values in recorder.samples.items() if k == kind for s in values]
        errors = sum(count for (k, _cause), count in recorder.errors.items() if k == kind)
        total = len(samples) + errors
        overall.add(
            kind,
            total,
            len(samples),
            errors,
            round(100 * errors / total, 2) if total else 0.0,
            percentile(samples, 0.5),
            percentile(samples, 0.95),
            percentile(samples, 0.99),
        )
    for (kind, cause), count in sorted(recorder.errors.items()):
        overall.notes.append(f"error: {kind}: {cause} × {count}")
    for (kind, status), count in sorted(recorder.statuses.items()):
        overall.notes.append(f"HTTP {status}: {kind} × {count}")
    names = [f"daphne-{index}" for index in range(1, len(config.worker_ports) + 1)] + ["worker"]
    rss = Table(title="Cluster under load: resident memory (MB)", columns=["minute", *names])
    for row in memory:
        rss.add(*row)
    return [overall, windows, rss]


async def run(options) -> list[Table]:
    config = ClusterConfig.from_environment()
    require_running(config)
    raise_fd_limit()
    print(f"making {options.agents} agents and {options.customers} waiting chats…", file=sys.stderr, flush=True)
    cast = _cast(config, agents=options.agents, customers=options.customers)
    began = time.monotonic()
    until = began + options.minutes * 60
    recorder = Recorder(began, options.window * 60)
    memory: list = []
    print(f"loading the cluster for {options.minutes:g} minutes…", file=sys.stderr, flush=True)
    chat, *_ = await asyncio.gather(
        _chats(config, cast, recorder, think=options.think, until=until),
        _http_traffic(config, cast, recorder, rate=options.http_rate, until=until),
        _memory(config, memory, every=options.sample, until=until, began=began),
    )
    return _tables(config, options, recorder, chat, memory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--think", type=float, default=30.0, help="seconds between a customer's messages, on average")
    parser.add_argument("--http-rate", type=float, default=10.0, help="help-centre and inbox requests per second")
    parser.add_argument("--window", type=float, default=5.0, help="minutes per latency window")
    parser.add_argument("--sample", type=float, default=60.0, help="seconds between memory samples")
    parser.add_argument("--markdown", action="store_true")
    options = parser.parse_args(argv)
    tables = asyncio.run(run(options))
    render = format_markdown if options.markdown else format_text
    print("\n\n".join(render(table) for table in tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
