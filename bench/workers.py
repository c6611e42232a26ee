"""Plumbing the database benchmarks share: fresh databases, a worker subprocess each, timings.

The parent side (bench/bench_<name>.py) runs `python -m bench.<name>_worker` with run_worker()
once per database: a fresh SQLite file, then, given a URL, a PostgreSQL database it drops and
creates itself (each_database()). The worker side takes the common options from
worker_parser(), migrates with setup_django(), times calls with time_calls() and hands its
results back with write_result().
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .migrated import admin_connection, create_postgres_database, fresh_sqlite_database
from .servers import BASE_DIR, server_environment


def machine() -> str:
    """The CPU, core count and memory, for the tables' notes."""
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text(encoding="utf-8"))
    memory = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(encoding="utf-8"))
    gigabytes = int(memory.group(1)) / 1024**2 if memory else 0
    return f"{cpu.group(1) if cpu else 'unknown CPU'}, {os.cpu_count()} cores, {gigabytes:.0f} GB"


def _admin_connection(url: str):
    from psycopg.conninfo import conninfo_to_dict

    name = conninfo_to_dict(url).get("dbname", "")
    if "bench" not in name:
        raise SystemExit(f"--postgres: the database name must contain 'bench' (it is dropped and created): {name!r}")
    return admin_connection(url), name


def recreate_database(url: str, *, keep_existing: bool) -> None:
    """Drop and create the PostgreSQL database `url` names (whose name must contain 'bench'), migrated."""
    connection, name = _admin_connection(url)
    with connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists and keep_existing:
        return
    create_postgres_database(url, name)


def drop_database(url: str) -> None:
    connection, name = _admin_connection(url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def each_database(run_one, postgres_url: str) -> list[dict]:
    """run_one(database_url) for a fresh SQLite file ("" for the URL), then a fresh `postgres_url` if given.

    The PostgreSQL database is dropped afterwards.
    """
    results = [run_one("")]
    if postgres_url:
        recreate_database(postgres_url, keep_existing=False)
        try:
            results.append(run_one(postgres_url))
        finally:
            drop_database(postgres_url)
    return results


def add_postgres_argument(parser, option: str) -> None:
    """`--<option> URL`, default $BENCH_DATABASE_URL: the PostgreSQL database each_database() may use."""
    parser.add_argument(
        f"--{option}",
        dest=option.replace("-", "_"),
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        metavar="URL",
        help="a PostgreSQL database to drop, create and fill; its name must contain 'bench'",
    )


def run_worker(options, database_url: str, *, name: str, args: list[str], what: str) -> dict:
    """Run `python -m bench.<name>_worker` on one database (DEBUG off, own data dir); return its JSON."""
    database = "PostgreSQL" if database_url else "SQLite"
    getattr(options, "progress", lambda _text: None)(f"[{name}] {what} on {database}")
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as directory:
        (Path(directory) / "static").mkdir()  # STATIC_ROOT, which WhiteNoise looks for
        return run_worker_in(Path(directory), options, name=name, database_url=database_url, args=args)


def run_worker_in(directory: Path, options, *, name: str, database_url: str, args: list[str]) -> dict:
    """Run `python -m bench.<name>_worker` with its data (and results) in `directory`; return its JSON."""
    env = server_environment(directory, database_url=database_url)
    env["ALLOWED_HOSTS"] = "testserver"  # django.test.Client's host
    fresh_sqlite_database(env)
    out = directory / "results.json"
    command = [sys.executable, "-m", f"bench.{name}_worker", "--out", str(out), *args]
    command += ["--requests", str(getattr(options, "requests", 500))]
    command += ["--max-seconds", str(getattr(options, "max_seconds", 8.0))]
    done = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"the {name} benchmark failed on {database_url or 'SQLite'}:\n{done.stderr}")
    return json.loads(out.read_text(encoding="utf-8"))


class QueryCount:
    """A database execute wrapper counting statements (cheaper than DEBUG's query log)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile of samples in seconds, in milliseconds (0 without samples)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))] * 1000


def time_calls(label: str, call, requests: int, max_seconds: float) -> dict:
    """Time call(index) up to `requests` times or `max_seconds`; call returns a status to report."""
    samples, deadline, status = [], time.monotonic() + max_seconds, None
    for index in range(requests):
        began = time.perf_counter()
        status = call(index)
        samples.append(time.perf_counter() - began)
        if time.monotonic() > deadline:
            break
    return {
        "label": label,
        "requests": len(samples),
        "p50": percentile(samples, 0.5),
        "p95": percentile(samples, 0.95),
        "status": status,
    }


def worker_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """A worker's parser with the options run_worker() passes: --out, --requests, --max-seconds."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--out", required=True, help="where to write the results (JSON)")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--max-seconds", type=float, default=8.0)
    return parser


def setup_django() -> None:
    """Set Django up from the environment run_worker() made and migrate its fresh database (a template copy)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def write_result(path: str, result: dict) -> None:
    with open(path, "w", encoding="utf-8") as out:
        json.dump(result, out)
