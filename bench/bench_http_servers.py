"""Latency and throughput of the home page and /healthz: Daphne (ASGI) against gunicorn (WSGI)."""

import os
import tempfile
import time
from pathlib import Path

from .load import measure
from .migrated import migrate_fresh
from .servers import RunningServer, copy_data_dir, daphne, gunicorn, server_environment
from .tables import Table

NAME = "http-servers"
DESCRIPTION = "GET /en/ and /healthz under 1 and 20 clients, served by Daphne vs gunicorn"
PATHS = ["/en/", "/healthz"]
WARM_UP_REQUESTS = 60


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def add_arguments(parser) -> None:
    cores = _cores()
    parser.add_argument("--clients", default="1,20", help="concurrent clients, comma-separated (default: 1,20)")
    parser.add_argument(
        "--gunicorn-workers",
        type=int,
        default=2 * cores + 1,
        help=f"gunicorn sync workers (default: 2 x cores + 1 = {2 * cores + 1})",
    )
    parser.add_argument(
        "--daphne-processes",
        type=int,
        default=cores,
        help=f"processes for the multi-process Daphne row; 1 leaves it out (default: cores = {cores})",
    )
    parser.add_argument("--database-url", default="", help="serve from this database instead of a fresh SQLite file")
    parser.add_argument("--redis-url", default="", help="use Redis for the channel layer and the cache")


def _specs(options) -> list:
    specs = [daphne()]
    if options.daphne_processes > 1:
        specs.append(daphne(options.daphne_processes))
    specs.append(gunicorn(options.gunicorn_workers))
    return specs


def _measure_server(server: RunningServer, options, clients: list[int], table: Table) -> None:
    for path in PATHS:  # let every worker import its views and fill its caches first
        measure(
            host="127.0.0.1",
            port=server.port,
            path=path,
            clients=max(clients),
            requests=WARM_UP_REQUESTS,
            max_seconds=options.max_seconds,
        )
    for path in PATHS:
        for count in clients:
            server_before, client_before = server.cpu_seconds(), time.process_time()
            result = measure(
                host="127.0.0.1",
                port=server.port,
                path=path,
                clients=count,
                requests=options.requests,
                max_seconds=options.max_seconds,
            )
            server_after, client_after = server.cpu_seconds(), time.process_time()
            table.add(
                server.spec.name,
                path,
                count,
                result.count,
                round(result.percentile_ms(50), 1),
                round(result.percentile_ms(95), 1),
                round(result.percentile_ms(99), 1),
                round(result.per_second, 1),
                result.errors,
                _per_request_ms(server_before, server_after, result.count),
                _per_request_ms(client_before, client_after, result.count),
            )
            answers = "" if not result.errors else f"  answers: {dict(result.statuses)}"
            options.progress(
                f"  {server.spec.name:<12} {path:<9} {count:>3} clients: {result.per_second:7.1f} req/s{answers}"
            )


def _per_request_ms(before: float | None, after: float | None, count: int) -> float | str:
    if before is None or after is None or not count:
        return "n/a"
    return round((after - before) * 1000 / count, 2)


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def run(options):
    clients = [int(part) for part in options.clients.split(",") if part.strip()]
    specs = _specs(options)
    table = Table(
        title="HTTP latency: Daphne (ASGI) vs gunicorn (WSGI)",
        columns=[
            "server",
            "path",
            "clients",
            "requests",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "req/s",
            "errors",
            "server CPU ms/req",
            "client CPU ms/req",
        ],
    )
    load_before = _load_average()
    with tempfile.TemporaryDirectory(prefix="helpdesk-bench-") as tmp:
        root = Path(tmp)
        template = root / "template"
        template.mkdir()
        options.progress("migrating a fresh database ...")
        migrate_fresh(server_environment(template, database_url=options.database_url, redis_url=options.redis_url))
        for index, spec in enumerate(specs):
            data_dir = copy_data_dir(template, root / f"server-{index}")
            env = server_environment(data_dir, database_url=options.database_url, redis_url=options.redis_url)
            options.progress(f"starting {spec.describe} ...")
            server = RunningServer(spec, env=env, log_path=root / f"server-{index}.log")
            try:
                _measure_server(server, options, clients, table)
            finally:
                server.stop()
    table.notes = [
        *(f"{spec.name}: {spec.describe}" for spec in specs),
        f"each row: up to {options.requests} requests or {options.max_seconds:g} s, after {WARM_UP_REQUESTS} "
        "warm-up requests per path; client and server share this machine's cores",
        f"load average (1, 5, 15 min) before: {load_before}; after: {_load_average()}",
        "database: "
        + ("DATABASE_URL given" if options.database_url else "SQLite file")
        + ", channel layer and cache: "
        + ("Redis" if options.redis_url else "in memory"),
    ]
    yield table
