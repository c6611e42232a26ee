"""Live chat: relay latency across Daphne workers via Redis, memory per socket, 50 agents at work, bundle sizes.

The benchmark migrates a fresh database (a SQLite file in a temporary directory, or the PostgreSQL
database named by --chat-postgres, which it drops and creates), makes its cast there
(bench/chat_setup.py), starts Daphne workers with DEBUG off on loopback sockets and talks to
them over real WebSockets from one asyncio loop in this process (bench/chat_load.py).

    python -m bench --only chat [--redis-url redis://127.0.0.1:6379/12]
        [--chat-postgres postgresql://postgres@127.0.0.1:5432/helpdesk_bench_chat]

Without Redis (--redis-url or $REDIS_URL) the workers cannot reach each other: the relay is
left out and the agents work on one worker with the in-memory layer.
"""

import asyncio
import gzip
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import chat_load
from .migrated import migrate_fresh
from .servers import BASE_DIR, RunningServer, daphne, server_environment
from .tables import Table
from .workers import drop_database, machine, percentile, recreate_database

NAME = "chat"
DESCRIPTION = "live chat: relay latency across Daphne workers via Redis, 1,000 sockets' memory, 50 agents, bundles"

WIDGET = BASE_DIR / "static" / "widget"
LOADER = "loader.js"
LOADER_BUDGET = 10 * 1024
CHAT_UI_BUDGET = 50 * 1024
RELAY_TARGET_MS = 10.0
SOCKET_TARGET_KB = 50.0
RELAY_PAIRS = 20


def add_arguments(parser) -> None:
    parser.add_argument(
        "--chat-postgres",
        default=os.environ.get("BENCH_CHAT_DATABASE_URL", ""),
        metavar="URL",
        help="a PostgreSQL database to drop, create and use; its name must contain 'bench' "
        "(default: $BENCH_CHAT_DATABASE_URL; without one, a SQLite file). Redis: --redis-url or $REDIS_URL",
    )
    parser.add_argument(
        "--chat-relay-messages", type=int, default=200, metavar="N", help="messages each way (default: 200)"
    )
    parser.add_argument(
        "--chat-sockets", type=int, default=1000, metavar="N", help="visitor sockets on one worker (default: 1000)"
    )
    parser.add_argument("--chat-agents", type=int, default=50, metavar="N", help="agents at work (default: 50)")
    parser.add_argument(
        "--chat-per-agent", type=int, default=20, metavar="N", help="chats each agent accepts (default: 20)"
    )
    parser.add_argument(
        "--chat-rounds", type=int, default=2, metavar="N", help="messages each way per chat (default: 2)"
    )
    parser.add_argument(
        "--chat-think",
        type=float,
        default=30.0,
        metavar="S",
        help="a visitor's average pause before each message, in seconds (default: 30)",
    )
    parser.add_argument(
        "--chat-conn-max-age",
        type=int,
        default=None,
        metavar="S",
        help="the workers' DATABASE_CONN_MAX_AGE (default: bench/servers.py's, as docs/configuration.md advises)",
    )


def _gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def bundle_table() -> Table:
    """Sizes of the widget's files as served compressed (WhiteNoise gzips at level 9)."""
    table = Table(
        title="Chat widget bundle sizes",
        columns=["file", "bytes", "gzip bytes", "budget", "ok"],
        notes=[f"files under {WIDGET.relative_to(BASE_DIR)}/, gzip level 9; the chat UI is every file but the loader"],
    )
    loader = WIDGET / LOADER
    if loader.exists():
        size = _gzipped(loader)
        table.add(LOADER, loader.stat().st_size, size, "≤ 10 KB", "yes" if size <= LOADER_BUDGET else "NO")
    else:
        table.add(LOADER, "missing", "missing", "≤ 10 KB", "NO")
    ui = (
        sorted(p for p in WIDGET.rglob("*") if p.suffix in (".js", ".css") and p.name != LOADER)
        if WIDGET.exists()
        else []
    )
    for path in ui:
        table.add(str(path.relative_to(WIDGET)), path.stat().st_size, _gzipped(path), "", "")
    if ui:
        total = sum(_gzipped(path) for path in ui)
        raw = sum(path.stat().st_size for path in ui)
        table.add("chat UI, all of the above", raw, total, "≤ 50 KB", "yes" if total <= CHAT_UI_BUDGET else "NO")
    else:
        table.add("chat UI (chat.js, chat.css)", "missing", "missing", "≤ 50 KB", "NO")
    return table


def raise_fd_limit() -> None:
    """Let this process and the workers it starts hold a few thousand sockets each."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _make_cast(env: dict[str, str], directory: Path, *, agents: int, waiting: int, idle: int) -> dict:
    out = directory / "cast.json"
    # Without REDIS_URL the services' broadcasts go to an in-memory layer nobody listens to.
    quiet = {key: value for key, value in env.items() if key != "REDIS_URL"}
    command = [sys.executable, "-m", "bench.chat_setup", "--out", str(out)]
    command += ["--agents", str(agents), "--waiting", str(waiting), "--idle", str(idle)]
    done = subprocess.run(command, cwd=BASE_DIR, env=quiet, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"the chat benchmark's setup failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(out.read_text(encoding="utf-8"))


def _ms(value: float) -> float:
    return round(value, 1)


def _latency_cells(phase) -> list:
    samples = phase.samples
    if not samples:
        return ["—"] * 4
    return [_ms(percentile(samples, q)) for q in (0.5, 0.95, 0.99)] + [_ms(max(samples) * 1000 if samples else 0.0)]


def relay_table(phases, cpu: list[float], *, messages: int, pairs: int, database: str) -> Table:
    table = Table(
        title="Chat relay across two Daphne workers via Redis (ms)",
        columns=["path", "samples", "p50 ms", "p95 ms", "p99 ms", "max ms", "target", "ok"],
        notes=[
            f"{database}; a visitor's socket on worker A, the agent's on worker B, {pairs} such pairs in turn,"
            f" {messages} messages each way, one at a time, after one warm-up exchange per pair",
            "send → the frame read on the other socket: the message stored with its seq, committed, nudged through"
            " Redis and sent by the other worker; `ack to the sender` comes back from worker A; `typing` goes"
            " through Redis without the database",
        ],
    )
    if cpu:
        per_exchange = ", ".join(
            f"worker {name} {seconds / messages * 1000:.1f} ms" for name, seconds in zip("AB", cpu, strict=True)
        )
        table.notes.append(f"CPU per exchange (a message each way, an ack each, a typing frame): {per_exchange}")
    for phase in phases:
        targeted = phase.name in ("visitor → agent", "agent → visitor")
        p95 = percentile(phase.samples, 0.95)
        ok = ("yes" if p95 <= RELAY_TARGET_MS else "NO") if targeted else ""
        table.add(phase.name, len(phase.samples), *_latency_cells(phase), "p95 ≤ 10 ms" if targeted else "", ok)
    return table


def sockets_table(result: dict, *, sockets: int, database: str, layer: str) -> Table:
    opening, answering = result["phases"]
    per_socket = (result["after_kb"] - result["before_kb"]) / max(opening.ok, 1)
    table = Table(
        title=f"{sockets:,} visitor sockets on one Daphne worker",
        columns=[
            *("sockets", "open", "errors", "open s", "RSS before MB", "RSS with sockets MB"),
            *("KB per socket", "RSS after closing MB", "ping p95 ms", "target", "ok"),
        ],
        notes=[
            f"{database}, {layer}; each socket resumes its own conversation (hello with its visitor key) and"
            " is sent the bot's greeting; 50 opening at a time",
            "RSS: VmRSS of the worker from /proc, after 20 sockets opened and closed to warm it up, then with every"
            " socket open (2 s later) and 2 s after closing them all; KB per socket = the difference / sockets",
        ],
    )
    errors = sum(opening.errors.values()) + sum(answering.errors.values())
    if errors:
        table.notes.append(f"errors: {dict(opening.errors + answering.errors)}")
    table.add(
        opening.count,
        opening.ok,
        errors,
        _ms(opening.seconds),
        _ms(result["before_kb"] / 1024),
        _ms(result["after_kb"] / 1024),
        _ms(per_socket),
        _ms(result["closed_kb"] / 1024),
        _ms(percentile(answering.samples, 0.95)),
        "≤ 50 KB",
        "yes" if per_socket <= SOCKET_TARGET_KB and opening.ok == opening.count else "NO",
    )
    return table


def agents_table(phases, error_frames, extra: dict, *, size: dict, workers: str) -> Table:
    agents, per_agent, rounds, think = size["agents"], size["per_agent"], size["rounds"], size["think"]
    offered = 2 * agents * per_agent / think if think else 0.0
    table = Table(
        title=f"{agents} agents with {per_agent} chats each on {workers}",
        columns=[
            *("step", "count", "ok", "errors", "seconds", "per second"),
            *("p50 ms", "p95 ms", "p99 ms", "max ms"),
        ],
        notes=[
            f"{agents * per_agent:,} waiting chats, each with its visitor's socket open; each agent accepts its"
            f" {per_agent} one after another; then every chat trades {rounds} message(s) each way: the visitor"
            f" writes after a random pause ({think:g} s on average), the agent answers on receipt"
            + (f"; about {offered:.0f} messages a second offered in all" if think else ", all chats at once"),
            "sockets and agents spread over the workers in turn; each socket keeps under the server's rate limit"
            " (2 frames a second after a burst of 20), so an agent sends at most ~1.8 messages a second",
            "accept: the frame sent → the chat's summary back; messages: sent → read on the other side",
        ],
    )
    for phase in phases:
        errors = sum(phase.errors.values())
        rate = phase.ok / phase.seconds if phase.seconds else 0.0
        table.add(phase.name, phase.count, phase.ok, errors, _ms(phase.seconds), _ms(rate), *_latency_cells(phase))
        if errors:
            table.notes.append(f"{phase.name} errors: {dict(phase.errors)}")
    table.notes.append(f"error frames from the server: {dict(error_frames) or 'none'}")
    if extra["arrived late"] or extra["never arrived"]:
        table.notes.append(
            f"messages past the {chat_load.WAIT:.0f} s wait: {extra['arrived late']} arrived later,"
            f" {extra['never arrived']} never arrived (before the sockets closed, 5 s after the last wait)"
        )
    messages = sum(phase.ok for phase in phases if "→" in phase.name)
    if extra["cpu"] and messages:
        spent = ", ".join(f"{seconds:.0f} s" for seconds in extra["cpu"])
        table.notes.append(
            f"the workers' CPU while the messages went: {spent}, {sum(extra['cpu']) / messages * 1000:.0f} ms"
            " per message delivered"
        )
    return table


def _sizes(options) -> dict:
    return {
        "messages": max(1, getattr(options, "chat_relay_messages", 200)),
        "sockets": max(1, getattr(options, "chat_sockets", 1000)),
        "agents": max(1, getattr(options, "chat_agents", 50)),
        "per_agent": max(1, getattr(options, "chat_per_agent", 20)),
        "rounds": max(1, getattr(options, "chat_rounds", 2)),
        "think": max(0.0, getattr(options, "chat_think", 30.0)),
    }


def run(options) -> list[Table]:
    progress = getattr(options, "progress", lambda _text: None)
    size = _sizes(options)
    postgres = getattr(options, "chat_postgres", "")
    redis_url = getattr(options, "redis_url", "") or os.environ.get("REDIS_URL", "")
    pairs = min(RELAY_PAIRS, size["messages"]) if redis_url else 0
    tables = [bundle_table()]
    raise_fd_limit()
    if postgres:
        recreate_database(postgres, keep_existing=False)
    database = "PostgreSQL" if postgres else "SQLite"
    layer = "Redis pub/sub channel layer" if redis_url else "in-memory channel layer"
    load_before = os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-chat-") as directory:
            directory = Path(directory)
            (directory / "static").mkdir()  # STATIC_ROOT, which WhiteNoise looks for
            env = server_environment(directory, database_url=postgres, redis_url=redis_url)
            if getattr(options, "chat_conn_max_age", None) is not None:
                env["DATABASE_CONN_MAX_AGE"] = str(options.chat_conn_max_age)
            conn_max_age = env.get("DATABASE_CONN_MAX_AGE", "0")
            progress(f"[chat] migrating a fresh {database} database")
            migrate_fresh(env)
            chats = size["agents"] * size["per_agent"]
            progress(f"[chat] {max(pairs, size['agents'])} agents, {pairs + chats + size['sockets']:,} conversations")
            cast = _make_cast(
                env, directory, agents=max(pairs, size["agents"]), waiting=pairs + chats, idle=size["sockets"]
            )
            tables += _measure(options, env, directory, cast, size=size, pairs=pairs, database=database, layer=layer)
    finally:
        if postgres:
            drop_database(postgres)
    tables[-1].notes.append(
        f"machine: {machine()}; 1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after;"
        f" workers' DATABASE_CONN_MAX_AGE={conn_max_age}"
    )
    if not redis_url:
        tables[0].notes.append("relay across workers left out: pass --redis-url URL or set REDIS_URL")
    return tables


EXCEPTION_LINE = re.compile(r"^([\w.]*(?:Error|Exception|Exit|Timeout)): ")


def _log_exceptions(servers) -> Counter:
    """The exceptions the servers logged so far, by type (the last line of each traceback)."""
    found = Counter()
    for server in servers:
        text = server.log_path.read_text(errors="replace") if server.log_path.exists() else ""
        found.update(match.group(1) for match in map(EXCEPTION_LINE.match, text.splitlines()) if match)
    return found


def _measure(options, env, directory: Path, cast: dict, *, size: dict, pairs: int, database: str, layer: str):
    progress = getattr(options, "progress", lambda _text: None)
    workers = 2 if pairs else 1
    servers = []
    try:
        # Started side by side (each takes seconds to import Django and Wagtail); the last holds the idle sockets.
        with ThreadPoolExecutor(max_workers=workers + 1) as pool:
            starting = [
                pool.submit(RunningServer, daphne(1), env=env, log_path=directory / f"daphne-{index}.log")
                for index in range(workers + 1)
            ]
        servers += [future.result() for future in starting if future.exception() is None]
        for future in starting:
            if future.exception() is not None:
                raise future.exception()
        urls = [f"http://127.0.0.1:{server.port}" for server in servers]
        tables = []
        if pairs:
            progress(f"[chat] relay: {size['messages']} messages each way across two workers")
            phases, cpu = asyncio.run(
                chat_load.relay(
                    urls[0],
                    urls[1],
                    agents=cast["agents"][:pairs],
                    conversations=cast["waiting"][:pairs],
                    messages=size["messages"],
                    pids=[server.processes[0].pid for server in servers[:2]],
                )
            )
            tables.append(relay_table(phases, cpu, messages=size["messages"], pairs=pairs, database=database))
            seen = _log_exceptions(servers[:workers])
            tables[-1].notes.append(f"exceptions in the workers' logs: {dict(seen) or 'none'}")
        progress(f"[chat] {size['sockets']:,} visitor sockets on one worker")
        result = asyncio.run(chat_load.idle_sockets(urls[-1], servers[-1].processes[0].pid, conversations=cast["idle"]))
        tables.append(sockets_table(result, sockets=size["sockets"], database=database, layer=layer))
        tables[-1].notes.append(f"exceptions in the worker's log: {dict(_log_exceptions(servers[-1:])) or 'none'}")
        servers.pop().stop()
        before = _log_exceptions(servers)
        progress(f"[chat] {size['agents']} agents with {size['per_agent']} chats each")
        phases, error_frames, extra = asyncio.run(
            chat_load.agents_at_work(
                urls[:workers],
                agents=cast["agents"][: size["agents"]],
                conversations=cast["waiting"][pairs:],
                rounds=size["rounds"],
                think=size["think"],
                pids=[server.processes[0].pid for server in servers],
            )
        )
        memory = ", ".join(f"{chat_load.rss_kb(s.processes[0].pid) / 1024:.0f} MB" for s in servers)
        described = f"{workers} Daphne worker{'s' if workers > 1 else ''} ({database}, {layer})"
        table = agents_table(phases, error_frames, extra, size=size, workers=described)
        table.notes.append(f"the workers' RSS afterwards: {memory}")
        table.notes.append(f"exceptions in the workers' logs: {dict(_log_exceptions(servers) - before) or 'none'}")
        tables.append(table)
        return tables
    except BaseException:
        for server in servers:
            progress(f"[chat] {server.log_path.name}:\n{server.log_tail()}")
        raise
    finally:
        for server in servers:
            server.stop()
