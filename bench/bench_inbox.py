"""Inbox and ticket-page server time on generated data sets (SQLite: 100k tickets; PostgreSQL: 1M / 5M messages).

For each database the benchmark creates a fresh one (a SQLite file in a temporary directory; a
PostgreSQL database it creates and drops itself), migrates it, bulk-loads a generated help desk
(bench/inbox_data.py) and measures, in a subprocess with DEBUG off (bench/inbox_worker.py):
the inbox's first page per view, with filters and with a search, later pages through the
cursor, and the ticket page, each through django.test.Client as a signed-in agent; then the
plans of the inbox's list and count queries.

    python -m bench --only inbox [--tickets 100000] [--postgres postgresql://postgres@127.0.0.1/helpdesk_bench]
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .inbox_measure import QUERY_LIMIT
from .migrated import fresh_sqlite_database
from .servers import BASE_DIR, server_environment
from .tables import Table
from .workers import drop_database, machine, recreate_database

NAME = "inbox"
DESCRIPTION = "inbox and ticket pages on generated 100k-ticket (SQLite) and 1M-ticket (PostgreSQL) help desks"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--tickets",
        dest="inbox_tickets",
        type=int,
        default=100_000,
        metavar="N",
        help="tickets in the SQLite data set (default: 100000; 0 leaves SQLite out)",
    )
    parser.add_argument(
        "--pg-tickets",
        dest="inbox_pg_tickets",
        type=int,
        default=1_000_000,
        metavar="N",
        help="tickets on PostgreSQL (default: 1M)",
    )
    parser.add_argument(
        "--postgres",
        dest="inbox_postgres",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        metavar="URL",
        help="a PostgreSQL database to drop, create and fill; its name must contain 'bench' "
        "(default: $BENCH_DATABASE_URL; without one, PostgreSQL is left out)",
    )
    parser.add_argument(
        "--messages-per-ticket",
        dest="inbox_messages",
        type=float,
        default=5.0,
        metavar="N",
        help="average (default: 5)",
    )
    parser.add_argument("--inbox-explain", action="store_true", help="print the full plans of the inbox's queries")
    parser.add_argument(
        "--keep-database", dest="inbox_keep", action="store_true", help="leave the PostgreSQL database after the run"
    )
    parser.add_argument(
        "--reuse-database",
        dest="inbox_reuse",
        action="store_true",
        help="measure a kept PostgreSQL data set of the same size again instead of loading a new one",
    )


def _run_worker(options, *, database_url: str, tickets: int, reuse: bool) -> dict:
    progress = getattr(options, "progress", lambda _text: None)
    quiet = getattr(options, "quiet", False)
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as directory:
        (Path(directory) / "static").mkdir()  # STATIC_ROOT, which WhiteNoise looks for
        env = server_environment(Path(directory), database_url=database_url)
        env["ALLOWED_HOSTS"] = "testserver"  # django.test.Client's host
        fresh_sqlite_database(env)
        out = Path(directory) / "results.json"
        command = [sys.executable, "-m", "bench.inbox_worker", "--out", str(out), "--tickets", str(tickets)]
        command += ["--requests", str(getattr(options, "requests", 500))]
        command += ["--max-seconds", str(getattr(options, "max_seconds", 8.0))]
        command += ["--messages-per-ticket", str(getattr(options, "inbox_messages", 5.0))]
        command += ["--reuse"] * reuse + ["--quiet"] * quiet
        progress(f"[inbox] {tickets:,} tickets on {'PostgreSQL' if database_url else 'SQLite'}")
        done = subprocess.run(
            command, cwd=BASE_DIR, env=env, stderr=subprocess.PIPE if quiet else None, text=True, check=False
        )
        if done.returncode:
            raise RuntimeError(f"the inbox benchmark failed on {database_url or 'SQLite'}:\n{done.stderr or ''}")
        return json.loads(out.read_text(encoding="utf-8"))


def _tables(results: list[dict], *, skipped_pg: bool, explain: bool) -> list[Table]:
    sets = Table(
        title="Inbox data sets",
        columns=["database", "tickets", "unsolved", "messages", "events", "customers", "load s", "rows/s", "size MB"],
        notes=[f"machine: {machine()}"],
    )
    pages = Table(
        title="Inbox and ticket pages: server time through django.test.Client (ms)",
        columns=[
            *("database", "tickets", "page", "requests", "p50 ms", "p95 ms", "max ms"),
            *("queries", "rows", "status", "target", "ok"),
        ],
        notes=[
            "server time: URL resolution, middleware (session, user), view, selectors and template, in one process",
            f"target: inbox p95 ≤ 50 ms with ≤ {QUERY_LIMIT} queries, ticket page p95 ≤ 30 ms, status 200;"
            " selector rows time the selectors alone, without a target",
        ],
    )
    plans = Table(
        title="Inbox query plans", columns=["database", "tickets", "query", "scans", "seq scan on tickets", "ms"]
    )
    full = []
    for result in results:
        data = result["dataset"]
        loaded = sum(data[key] for key in ("customers", "orders", "tickets", "messages", "events", "ticket_tags"))
        sets.add(
            data["database"],
            data["tickets"],
            data["unsolved"],
            data["messages"],
            data["events"],
            data["customers"],
            data["seconds_total"],
            round(loaded / data["seconds_rows"]) if data["seconds_rows"] else 0,
            round(data["size_bytes"] / 1024**2),
        )
        sets.notes.append(
            f"{data['database']}: {data['seconds_rows']:.0f} s generating and writing rows"
            f" ({data['seconds_writing']:.0f} s of it in the database driver), {data['seconds_indexes']:.0f} s"
            f" building indexes and analysing"
            + (" (a kept data set, measured again)" if data["reused"] else "")
            + "; 1-minute load average {:.1f} before the measurements, {:.1f} after".format(*data["load_average"])
        )
        for row in result["pages"]:
            target = f"≤ {row['target']:.0f} ms" if row["target"] else "—"
            ok = "" if row["target"] is None else ("yes" if row["ok"] else "NO")
            pages.add(
                data["database"],
                data["tickets"],
                row["label"],
                row["requests"],
                round(row["p50"], 1),
                round(row["p95"], 1),
                round(row["max"], 1),
                row["queries"],
                row["rows"],
                row["status"],
                target,
                ok,
            )
        for plan in result["plans"]:
            scans = "; ".join(dict.fromkeys(plan["scans"]))
            plans.add(
                data["database"], data["tickets"], plan["label"], scans, "yes" if plan["seq_scan"] else "no", plan["ms"]
            )
            if explain:
                full.append(
                    Table(
                        title=f"Plan: {plan['label']} ({data['database']}, {data['tickets']:,} tickets)",
                        columns=["plan"],
                        rows=[[line] for line in plan["plan"]],
                        notes=[plan["sql"]],
                    )
                )
    if skipped_pg:
        sets.notes.append("PostgreSQL left out: pass --postgres URL or set BENCH_DATABASE_URL")
    return [sets, pages, plans, *full]


def run(options) -> list[Table]:
    tickets = getattr(options, "inbox_tickets", 100_000)
    pg_tickets = getattr(options, "inbox_pg_tickets", 1_000_000)
    url = getattr(options, "inbox_postgres", "")
    reuse = getattr(options, "inbox_reuse", False)
    results = []
    if tickets > 0:
        results.append(_run_worker(options, database_url="", tickets=tickets, reuse=False))
    if url and pg_tickets > 0:
        recreate_database(url, keep_existing=reuse)
        try:
            results.append(_run_worker(options, database_url=url, tickets=pg_tickets, reuse=reuse))
        finally:
            if not getattr(options, "inbox_keep", False):
                drop_database(url)
    return _tables(results, skipped_pg=not url, explain=getattr(options, "inbox_explain", False))
