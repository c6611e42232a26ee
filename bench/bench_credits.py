"""Credit redemption and balance reads with a million ledger entries on one customer.

For each database (a fresh SQLite file; PostgreSQL when `--credit-postgres` or
BENCH_DATABASE_URL names one, dropped and created) bench/credits_worker.py migrates it, writes
the ledger and times balance reads, the API's credit page and redemptions (a new
Idempotency-Key each) through django.test.Client, for a customer with ten entries and one with
`--credit-entries`. Targets (issue 6): redemption p95 ≤ 20 ms; the balance read costs the same
however long the ledger is.

    python -m bench --only credits [--credit-entries 1000000] [--credit-postgres postgresql://…/helpdesk_bench]
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .bench_inbox import _drop, _machine, _recreate
from .servers import BASE_DIR, server_environment
from .tables import Table

NAME = "credits"
DESCRIPTION = "credit redemptions and balance reads with 1M ledger entries (SQLite and PostgreSQL)"
REDEEM_TARGET_MS = 20.0


def add_arguments(parser) -> None:
    parser.add_argument(
        "--credit-entries", dest="credit_entries", type=int, default=1_000_000, metavar="N", help="default: 1M"
    )
    parser.add_argument(
        "--credit-postgres",
        dest="credit_postgres",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        metavar="URL",
        help="a PostgreSQL database to drop, create and fill; its name must contain 'bench'",
    )


def _run_worker(options, *, database_url: str, entries: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-credits-") as directory:
        (Path(directory) / "static").mkdir()
        env = server_environment(Path(directory), database_url=database_url)
        env["ALLOWED_HOSTS"] = "testserver"
        out = Path(directory) / "results.json"
        command = [sys.executable, "-m", "bench.credits_worker", "--out", str(out), "--entries", str(entries)]
        command += ["--requests", str(getattr(options, "requests", 500))]
        command += ["--max-seconds", str(getattr(options, "max_seconds", 8.0))]
        getattr(options, "progress", lambda _text: None)(
            f"[credits] {entries:,} entries on {'PostgreSQL' if database_url else 'SQLite'}"
        )
        done = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"the credit benchmark failed on {database_url or 'SQLite'}:\n{done.stderr}")
        return json.loads(out.read_text(encoding="utf-8"))


def run(options) -> list[Table]:
    entries = getattr(options, "credit_entries", 1_000_000)
    url = getattr(options, "credit_postgres", "")
    results = [_run_worker(options, database_url="", entries=entries)]
    if url:
        _recreate(url, keep_existing=False)
        try:
            results.append(_run_worker(options, database_url=url, entries=entries))
        finally:
            _drop(url)
    table = Table(
        title="Credit: server time through django.test.Client (ms)",
        columns=["database", "ledger entries", "operation", "requests", "p50 ms", "p95 ms", "status", "target", "ok"],
        notes=[f"machine: {_machine()}"],
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
