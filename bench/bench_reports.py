"""Managers' reports over 100k tickets and 1M raw reading events, and the reading beacon's ingestion.

For each database (a fresh SQLite file; PostgreSQL when `--reports-postgres` or
BENCH_DATABASE_URL names one, dropped and created) bench/reports_worker.py migrates it, loads
the generated help desk (tickets as in the inbox benchmark; reading events, searches, chats,
survey answers and credits from bench/reports_data.py), builds the daily roll-ups of every day,
then times each report page through django.test.Client as a manager and the beacon endpoint
through one Daphne process over HTTP. Targets (issue 8): every dashboard p95 ≤ 300 ms;
ingestion ≥ 1,000 events/s on one worker.

    python -m bench --only reports [--report-tickets 100000] [--report-events 1000000] [--reports-postgres URL]
        [--reuse]

With `--reuse` the loaded data sets are kept (a SQLite data dir under the temporary directory, the
PostgreSQL database left in place) and measured again by the next `--reuse` run of the same size
instead of loading new ones: for comparing code before and after a change on the same rows.
"""

import os
import tempfile
from functools import partial
from pathlib import Path

from .tables import Table
from .workers import add_postgres_argument, each_database, machine, recreate_database, run_worker, run_worker_in

NAME = "reports"
DESCRIPTION = "report pages over 100k tickets and 1M reading events, and beacon ingestion (SQLite and PostgreSQL)"
PAGE_TARGET_MS = 300.0
INGEST_TARGET = 1_000  # events a second on one worker


def add_arguments(parser) -> None:
    parser.add_argument("--report-tickets", dest="report_tickets", type=int, default=100_000, metavar="N")
    parser.add_argument("--report-events", dest="report_events", type=int, default=1_000_000, metavar="N")
    add_postgres_argument(parser, "reports-postgres")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the loaded data sets and measure them again on the next --reuse run instead of loading new ones",
    )


def _kept_directory(database_url: str, args: list[str]) -> Path:
    """Where a kept data set's files live (the SQLite database; the loaded set's description)."""
    database = database_url.rsplit("/", 1)[-1] if database_url else "sqlite"
    return Path(tempfile.gettempdir()) / f"bench-reports-kept-{database}-{'-'.join(args[1:4:2])}"


def _run_kept(options, database_url: str, *, args: list[str], what: str) -> dict:
    """bench/reports_worker.py on a kept data set, loading it first when there is none (or it is incomplete)."""
    directory = _kept_directory(database_url, args)
    (directory / "static").mkdir(parents=True, exist_ok=True)
    loaded = directory / "dataset.json"
    if database_url and not loaded.exists():
        recreate_database(database_url, keep_existing=False)
    reused = "reusing" if loaded.exists() else "loading and keeping"
    getattr(options, "progress", lambda _text: None)(f"[reports] {what} on {database_url or 'SQLite'}, {reused}")
    return run_worker_in(
        directory, options, name="reports", database_url=database_url, args=["--keep", str(loaded), *args]
    )


def _ok(good: bool) -> str:
    return "yes" if good else "NO"


def run(options) -> list[Table]:
    tickets = getattr(options, "report_tickets", 100_000)
    events = getattr(options, "report_events", 1_000_000)
    url = getattr(options, "reports_postgres", "")
    load_before = os.getloadavg()[0]
    args = ["--tickets", str(tickets), "--events", str(events)]
    if tickets < 1_000:  # the benchmark's own test: a small help centre and few requests
        args += ["--articles", "9", "--searches", "200", "--days", "7", "--ingest-requests", "40"]
    what = f"{tickets:,} tickets, {events:,} events"
    if getattr(options, "reuse", False):
        results = [_run_kept(options, "", args=args, what=what)]
        if url:
            results.append(_run_kept(options, url, args=args, what=what))
    else:
        results = each_database(partial(run_worker, options, name="reports", args=args, what=what), url)
    notes = [f"machine: {machine()}; 1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"]
    pages = Table(
        title="Reports: server time through django.test.Client, signed in as a manager",
        columns=["database", "page", "requests", "p50 ms", "p95 ms", "queries", "KB", "status", "target", "ok"],
        notes=list(notes),
    )
    ingestion = Table(
        title="Reading beacon: POST /kb/beacon to one worker (Daphne, then gunicorn), 4 connections, a new reader each",
        columns=["database", "batch", "requests", "p50 ms", "p95 ms", "events/s", "stored", "errors", "target", "ok"],
        notes=list(notes),
    )
    for result in results:
        database, data, roll = result["database"], result["dataset"], result["rollup"]
        pages.notes.append(
            f"{database}: {data['tickets']:,} tickets, {data['customers']:,} customers, {data['orders']:,} orders,"
            f" {data['chats']:,} chats, {data['answers']:,} NPS answers, {data['exit_surveys']:,} exit surveys,"
            f" {data['credits']:,} credits; {data['articles']} articles, {data['events']:,} reading events"
            f" ({data['sessions']:,} sessions), {data['searches']:,} searches; loaded in {data['load_seconds']:.0f} s"
        )
        pages.notes.append(
            f"{database}: roll-ups of {roll['days']} days built in {roll['seconds']} s"
            f" ({roll['per_day_ms']} ms a day): {roll['article_rows']:,} article-days,"
            f" {roll['search_rows']:,} search-days"
        )
        for row in result["pages"]:
            pages.add(
                database,
                row["label"],
                row["requests"],
                round(row["p50"], 1),
                round(row["p95"], 1),
                row["queries"],
                round(row["bytes"] / 1024),
                row["status"],
                f"p95 ≤ {PAGE_TARGET_MS:.0f} ms",
                _ok(row["p95"] <= PAGE_TARGET_MS and row["status"] == 200),
            )
        for row in result["ingestion"]:
            ingestion.add(
                database,
                f"{row['events_per_request']} events, {row.get('server', 'daphne')}",
                row["requests"],
                round(row["p50"], 1),
                round(row["p95"], 1),
                f"{row['events_per_second']:,.0f}",
                f"{row['stored']:,}",
                row["errors"],
                f"≥ {INGEST_TARGET:,} events/s",
                _ok(row["events_per_second"] >= INGEST_TARGET and not row["errors"]),
            )
            if row.get("server_cpu_share") is not None:
                ingestion.notes.append(
                    f"{database}, {row['label']}: the server process used {row['server_cpu_share']:.0%} of a core"
                )
    if not url:
        for table in (pages, ingestion):
            table.notes.append("PostgreSQL left out: pass --reports-postgres URL or set BENCH_DATABASE_URL")
    return [pages, ingestion]
