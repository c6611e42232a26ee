"""Fault c: take the cluster's own PostgreSQL down under traffic, then bring it back, touching no worker."""

import asyncio
import time
from collections import Counter

from .. import postgres
from ..config import ClusterConfig
from ..probe import get
from .common import Report, child_pid, looks_like_traceback, wait_until
from .writes import EXPECTED_WRITES, writes_checked

EXPECTED = [
    "while PostgreSQL is down, requests fail with 503 (the health check names the database), never 500, "
    "never a page with a traceback",
    "once it is back, every request succeeds again within 30 s without restarting any worker "
    "(the pool, or Django with CONN_MAX_AGE, opens new connections; broken ones are dropped)",
    "after a quick restart with no traffic meanwhile (pg_ctl restart), the connections the workers kept are "
    "stale: at most one failed request per kept connection, then 200s (none with the pool, which checks a "
    "connection before lending it); the same for a chat socket's hello on each worker",
    EXPECTED_WRITES,
]
HELLO_ATTEMPTS = 3
PROBED = ["/healthz", "/en/", "/en/help/", "/api/v1/kb/search?q=order&locale=en", "/en/support/new/"]
PROCESSES = ("daphne", "worker", "scheduler")


def _probe(
    config: ClusterConfig, statuses: dict[str, Counter], tracebacks: list[str], no_retry_after: list[str] | None = None
) -> None:
    for path in PROBED:
        answer = get(config.url + path, timeout=15)
        statuses[path][answer.status] += 1
        if looks_like_traceback(answer.body):
            tracebacks.append(path)
        # A page's 503 says when to come back; /healthz is a monitor's answer, not a page's.
        unhinted = answer.status == 503 and path != "/healthz" and "retry-after" not in answer.headers
        if no_retry_after is not None and unhinted:
            no_retry_after.append(path)


def run(config: ClusterConfig, options) -> Report:
    report = Report("postgres-restart", EXPECTED)
    if not config.own_postgres:
        return report.skip(
            "CLUSTER_DATABASE_URL names a PostgreSQL the cluster does not own; restarting it would cut off "
            "everyone else using it (restart it yourself with pg_ctlcluster and watch /healthz)"
        )
    with writes_checked(config, report):
        _restarts(config, report, options)
    return report


def _restarts(config: ClusterConfig, report: Report, options) -> None:
    down_seconds = options.seconds or 10
    names = [f"daphne-{i}" for i in range(1, len(config.worker_ports) + 1)] + ["worker", "scheduler"]
    pids_before = {name: child_pid(config, name) for name in names}
    before: dict[str, Counter] = {path: Counter() for path in PROBED}
    _probe(config, before, [])
    report.saw(f"before: {', '.join(f'{path} {dict(counts)}' for path, counts in before.items())}")

    postgres.stop_server(config, mode="fast")
    report.step(f"stopped PostgreSQL (pg_ctl stop -m fast) for {down_seconds:g} s, probing {len(PROBED)} URLs")
    during: dict[str, Counter] = {path: Counter() for path in PROBED}
    tracebacks: list[str] = []
    no_retry_after: list[str] = []
    stopped = time.monotonic()
    while time.monotonic() - stopped < down_seconds:
        _probe(config, during, tracebacks, no_retry_after)
        time.sleep(1)
    for path, counts in during.items():
        report.saw(f"while down {path} answered {dict(counts)}")
    report.check(set(during["/healthz"]) == {503}, "/healthz answered 503 throughout")
    others = Counter()
    for path in PROBED[1:]:
        others.update(during[path])
    report.check(500 not in others and 0 not in others, f"no page answered 500 or nothing: {dict(others)}")
    report.check(not tracebacks, f"no answer showed a traceback (those that did: {sorted(set(tracebacks))})")
    report.check(
        not no_retry_after,
        f"every page's 503 carried Retry-After (those that did not: {dict(Counter(no_retry_after))})",
    )

    postgres.start_server(config)
    report.step("started PostgreSQL again (pg_ctl start -w)")
    restarted = time.monotonic()
    after: dict[str, Counter] = {path: Counter() for path in PROBED}
    recovered_at = None
    while time.monotonic() - restarted < 30:
        round_statuses: dict[str, Counter] = {path: Counter() for path in PROBED}
        _probe(config, round_statuses, [])
        for path, counts in round_statuses.items():
            after[path].update(counts)
        if all(set(counts) == {200} for counts in round_statuses.values()):
            recovered_at = time.monotonic() - restarted
            # Each worker holds its own connections: a few more rounds reach all of them.
            for _ in range(len(config.worker_ports) * 2):
                _probe(config, after, [])
            break
        time.sleep(1)
    for path, counts in after.items():
        report.saw(f"after the restart {path} answered {dict(counts)}")
    report.check(recovered_at is not None, f"every URL answered 200 again ({recovered_at or 0:.1f} s after the start)")
    failed_after = sum(count for counts in after.values() for status, count in counts.items() if status != 200)
    report.saw(f"requests that failed after PostgreSQL was back: {failed_after}")

    _quick_restart(config, report)

    pids_after = {name: child_pid(config, name) for name in names}
    daphnes_same = all(pids_before[name] == pids_after[name] for name in names if name.startswith("daphne"))
    report.check(daphnes_same, f"no Daphne worker was restarted (pids before {pids_before}, after {pids_after})")
    for name in ("worker", "scheduler"):
        if pids_before[name] != pids_after[name]:
            back = wait_until(lambda name=name: child_pid(config, name), timeout=60)
            report.saw(
                f"{name} exited while the database was down (logs/{name}.log) and the supervisor restarted it: "
                f"pid {back or 'none yet'}"
            )


async def _hello(config: ClusterConfig, port: int) -> str:
    """Open a visitor socket on one worker directly and say hello: 'welcome', or how it was refused."""
    from .chat import VISITOR_PATH, ChatClosed, Visitor

    try:
        socket = await Visitor.open(config.worker_url(port), VISITOR_PATH, timeout=10)
    except (OSError, TimeoutError) as error:
        return f"no connection ({type(error).__name__})"
    try:
        await socket.hello(visitor_key=None, conversation=None, last_seq=0)
        return "welcome"
    except ChatClosed as error:
        return f"closed ({error.args[0] if error.args else error})"
    except TimeoutError:
        return "no welcome (timed out)"
    finally:
        await socket.close()


async def _hellos(config: ClusterConfig) -> dict[int, list[str]]:
    """Up to HELLO_ATTEMPTS hellos on each worker, stopping at the first welcome."""
    answers: dict[int, list[str]] = {}
    for port in config.worker_ports:
        answers[port] = []
        while len(answers[port]) < HELLO_ATTEMPTS and (not answers[port] or answers[port][-1] != "welcome"):
            answers[port].append(await _hello(config, port))
    return answers


def _quick_restart(config: ClusterConfig, report: Report) -> None:
    """Restart in one go, with no request meanwhile: what do the connections the workers kept do next?"""
    warm: dict[str, Counter] = {path: Counter() for path in PROBED}
    for _ in range(len(config.worker_ports) * 2):
        _probe(config, warm, [])
    warm_hellos = asyncio.run(_hellos(config))
    report.saw(f"after the first restart (before the quick one), chat hellos on each worker: {warm_hellos}")
    postgres.stop_server(config, mode="fast")
    postgres.start_server(config)
    report.step("restarted PostgreSQL in one go (pg_ctl stop -m fast, then start) with no request meanwhile")
    after: dict[str, Counter] = {path: Counter() for path in PROBED}
    tracebacks: list[str] = []
    for _ in range(len(config.worker_ports) * 4):
        _probe(config, after, tracebacks)
    for path, counts in after.items():
        report.saw(f"after the quick restart {path} answered {dict(counts)}")
    failed = sum(count for counts in after.values() for status, count in counts.items() if status != 200)
    last_round: dict[str, Counter] = {path: Counter() for path in PROBED}
    _probe(config, last_round, tracebacks)
    report.check(
        all(set(counts) == {200} for counts in last_round.values()),
        f"every URL answers 200 after the quick restart ({failed} requests failed first)",
    )
    report.check(not tracebacks, f"no answer showed a traceback (those that did: {sorted(set(tracebacks))})")
    hellos = asyncio.run(_hellos(config))
    refused = sum(len(answers) - 1 for answers in hellos.values() if answers[-1] == "welcome")
    report.saw(f"after the quick restart, chat hellos on each worker (port: answers in order): {hellos}")
    report.check(
        all(answers[-1] == "welcome" and len(answers) <= 2 for answers in hellos.values()),
        f"a chat hello is welcomed on every worker by the second try ({refused} refused first)",
    )
