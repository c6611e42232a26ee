"""Scheduling and sending 10k post-purchase survey emails, and the survey page a link opens.

For each database (a fresh SQLite file; PostgreSQL when `--survey-postgres` or
BENCH_DATABASE_URL names one, dropped and created) bench/surveys_worker.py migrates it,
bulk-creates `--survey-count` customers with a delivered order each, and times scheduling their
surveys (order_status_changed per order, as after order_upsert's commit), surveys_send_due()
sending them all (locmem email backend), then through django.test.Client the page of a scored
survey and the click with a score on a fresh one. Targets (issue 7): scheduling and sending
10k ≤ 60 s; survey page p95 ≤ 30 ms.

    python -m bench --only surveys [--survey-count 10000] [--survey-postgres postgresql://…/helpdesk_bench]
"""

import os
from functools import partial

from .tables import Table
from .workers import add_postgres_argument, each_database, machine, run_worker

NAME = "surveys"
DESCRIPTION = "scheduling and sending 10k survey emails, the survey page and its score click (SQLite and PostgreSQL)"
TOTAL_TARGET_SECONDS = 60.0
PAGE_TARGET_MS = 30.0


def add_arguments(parser) -> None:
    parser.add_argument(
        "--survey-count", dest="survey_count", type=int, default=10_000, metavar="N", help="default: 10000"
    )
    add_postgres_argument(parser, "survey-postgres")


def _target(row: dict) -> tuple[str, str]:
    if row["kind"] == "total":
        return f"≤ {TOTAL_TARGET_SECONDS:.0f} s", "yes" if row["seconds"] <= TOTAL_TARGET_SECONDS else "NO"
    if row["kind"] in ("page", "click"):
        return f"p95 ≤ {PAGE_TARGET_MS:.0f} ms", "yes" if row["p95"] <= PAGE_TARGET_MS else "NO"
    return "", ""


def _number(row: dict, key: str, digits: int) -> float | str:
    return round(row[key], digits) if row.get(key) is not None else ""


def run(options) -> list[Table]:
    count = getattr(options, "survey_count", 10_000)
    url = getattr(options, "survey_postgres", "")
    load_before = os.getloadavg()[0]
    worker = partial(run_worker, options, name="surveys", args=["--surveys", str(count)], what=f"{count:,} surveys")
    results = each_database(worker, url)
    table = Table(
        title="Surveys: scheduling and sending, and the survey page through django.test.Client",
        columns=[
            "database",
            "measurement",
            "count",
            "p50 ms",
            "p95 ms",
            "seconds",
            "queries",
            "status",
            "target",
            "ok",
        ],
        notes=[f"machine: {machine()}; 1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"],
    )
    for result in results:
        table.notes.append(
            f"{result['database']}: migrated in {result['migrate_seconds']:.0f} s,"
            f" customers and delivered orders bulk-created in {result['load_seconds']:.1f} s"
        )
        for row in result["rows"]:
            target, ok = _target(row)
            table.add(
                result["database"],
                row["label"],
                row["count"],
                _number(row, "p50", 2),
                _number(row, "p95", 2),
                _number(row, "seconds", 1),
                round(row["queries"], 2),
                row["status"],
                target,
                ok,
            )
            if row["kind"] == "send":
                table.notes.append(f"{result['database']}: sending took {row['statements']:,} statements in all")
            if "recorded" in row:
                table.notes.append(f"{result['database']}: {row['recorded']:,} clicks recorded a score")
    table.notes.append(
        "p50/p95 ms: per order (schedule) or per request; queries: statements per order, survey or request"
        " (BEGIN counted, COMMIT not)"
    )
    if not url:
        table.notes.append("PostgreSQL left out: pass --survey-postgres URL or set BENCH_DATABASE_URL")
    return [table]
