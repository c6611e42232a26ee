"""Credit redemption and balance reads with a million ledger entries on one customer.

For each database (a fresh SQLite file; PostgreSQL when `--credit-postgres` or
BENCH_DATABASE_URL names one, dropped and created) bench/credits_worker.py migrates it, writes
the ledger and times balance reads, the API's credit page and redemptions (a new
Idempotency-Key each) through django.test.Client, for a customer with ten entries and one with
`--credit-entries`. Targets (issue 6): redemption p95 ≤ 20 ms; the balance read costs the same
however long the ledger is.

    python -m bench --only credits [--credit-entries 1000000] [--credit-postgres postgresql://…/helpdesk_bench]
"""

from functools import partial

from .tables import Table
from .workers import add_postgres_argument, each_database, machine, run_worker

NAME = "credits"
DESCRIPTION = "credit redemptions and balance reads with 1M ledger entries (SQLite and PostgreSQL)"
REDEEM_TARGET_MS = 20.0


def add_arguments(parser) -> None:
    parser.add_argument(
        "--credit-entries", dest="credit_entries", type=int, default=1_000_000, metavar="N", help="default: 1M"
    )
    add_postgres_argument(parser, "credit-postgres")


def run(options) -> list[Table]:
    entries = getattr(options, "credit_entries", 1_000_000)
    url = getattr(options, "credit_postgres", "")
    worker = partial(run_worker, options, name="credits", args=["--entries", str(entries)], what=f"{entries:,} entries")
    results = each_database(worker, url)
    table = Table(
        title="Credit: server time through django.test.Client (ms)",
        columns=["database", "ledger entries", "operation", "requests", "p50 ms", "p95 ms", "status", "target", "ok"],
        notes=[f"machine: {machine()}"],
    )
    for result in results:
        table.notes.append(f"{result['database']}: ledger written in {result['load_seconds']:.0f} s")
        for row in result["rows"]:
            redeem = row["label"].startswith("POST")
            target = f"≤ {REDEEM_TARGET_MS:.0f} ms" if redeem else "flat"
            ok = ("yes" if row["p95"] <= REDEEM_TARGET_MS else "NO") if redeem else ""
            table.add(
                result["database"],
                row["entries"],
                row["label"],
                row["requests"],
                round(row["p50"], 2),
                round(row["p95"], 2),
                row["status"],
                target,
                ok,
            )
    if not url:
        table.notes.append("PostgreSQL left out: pass --credit-postgres URL or set BENCH_DATABASE_URL")
    table.notes.append("flat: compare the rows for 10 and for the full ledger; they should match")
    return [table]
