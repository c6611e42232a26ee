"""One database's reports benchmark, run in a subprocess by bench/bench_reports.py (settings from the environment).

Migrates the database DATABASE_URL points at and loads: the inbox benchmark's generated tickets
(bench/inbox_data.py, `--tickets`, one message each: reports read tickets, not messages), a help
centre of `--articles` articles in three languages, `--events` raw reading events and
`--searches` searches over the last `--days` days, chats, post-purchase answers, exit surveys and
goodwill credits (bench/reports_data.py). Then times the daily roll-ups of every day
(kb.rollups.kb_rollup), each report page through django.test.Client signed in as a manager, and
the reading beacon's ingestion through one Daphne process over HTTP. Writes JSON to `--out`.
"""

import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from .workers import QueryCount, setup_django, time_calls, worker_parser, write_result

CHUNK = 20_000
CATEGORIES = {
    "en": ["Orders", "Payments", "Delivery", "Returns", "Account"],
    "fa": ["سفارش‌ها", "پرداخت", "ارسال", "مرجوعی", "حساب کاربری"],
    "ar": ["الطلبات", "الدفع", "التوصيل", "الإرجاع", "الحساب"],
}
INGEST_CLIENTS = 4
BATCHES = {"25 events (a long read)": 5, "3 events (a bounce)": 1}  # articles per batch


def parse(argv=None):
    parser = worker_parser("python -m bench.reports_worker", __doc__)
    parser.add_argument("--tickets", type=int, required=True)
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--searches", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--ingest-requests", type=int, default=2_000)
    parser.add_argument(
        "--keep",
        default="",
        metavar="FILE",
        help="the kept data set's description: loaded once and written here, then read instead of loading again",
    )
    return parser.parse_args(argv)


def _articles(count: int) -> dict[str, list[int]]:
    """`count` articles spread over the three languages and their five categories, through the importer."""
    from kb.exchange import import_bytes
    from kb.models import ArticlePage

    records = []
    for number in range(count):
        locale = ("en", "fa", "ar")[number % 3]
        category = CATEGORIES[locale][number // 3 % len(CATEGORIES[locale])]
        records.append(
            {
                "id": f"bench-{number}",
                "translation_key": f"bench-{number}",
                "locale": locale,
                "category": category,
                "title": f"Article {number}",
                "summary": f"Summary of article {number}.",
                "body": f"## Steps\n\nArticle {number} explains one thing.",
                "tags": [],
            }
        )
    import_bytes(json.dumps({"articles": records}, ensure_ascii=False).encode())
    found: dict[str, list[int]] = {"en": [], "fa": [], "ar": []}
    for pk, locale in ArticlePage.objects.values_list("pk", "locale__language_code").order_by("pk"):
        found[locale].append(pk)
    return found


def _load_reading(args, articles, now, progress) -> dict:
    from kb.models import ArticleEvent, SearchQuery

    from .inbox_load import TableSpec, loader_for_connection
    from .reports_data import EVENT_FIELDS, SEARCH_FIELDS, Reading

    began = time.perf_counter()
    reading = Reading(articles=articles, now=now, days=args.days)
    events, searches = TableSpec(ArticleEvent, EVENT_FIELDS), TableSpec(SearchQuery, SEARCH_FIELDS)
    loader = loader_for_connection(progress)
    loader.prepare([events.table, searches.table])
    for chunk in reading.events(args.events, CHUNK):
        loader.write(events, chunk)
        if reading.event_id % 200_000 < len(chunk):
            progress(f"  {reading.event_id:,} reading events: {time.perf_counter() - began:.0f} s")
    loader.write(searches, reading.searches(args.searches))
    loader.finish([ArticleEvent, SearchQuery])
    return {"events": reading.event_id, "sessions": reading.sessions, "searches": reading.search_id}


def load(args, progress) -> dict:
    from django.utils import timezone

    from helpdesk.customers.models import Customer

    from . import reports_data
    from .inbox_worker import load as load_tickets

    began = time.perf_counter()
    tickets = load_tickets(
        SimpleNamespace(tickets=args.tickets, customers=0, seed=4, messages_per_ticket=1.0), progress
    )
    progress(f"  {args.tickets:,} tickets: {time.perf_counter() - began:.0f} s")
    now = timezone.now()
    articles = _articles(args.articles)
    reading = _load_reading(args, articles, now, progress)
    customers = list(Customer.objects.values_list("pk", flat=True))
    from chat.models import Conversation

    chats = Conversation.objects.bulk_create(
        reports_data.chats(customers, count=args.tickets // 5, now=now, days=365), batch_size=2_000
    )
    answered, exits = reports_data.answers(
        customers, count=args.tickets // 5, exits=args.tickets // 50, now=now, days=365
    )
    credited = reports_data.credits(customers, count=args.tickets // 50, now=now, days=365)
    _analyze()
    return {
        "tickets": args.tickets,
        "customers": len(customers),
        "orders": tickets["orders"],
        "manager_id": _manager_id(),
        "articles": sum(len(ids) for ids in articles.values()),
        "article_ids": articles,
        **reading,
        "chats": len(chats),
        "answers": answered,
        "exit_surveys": exits,
        "credits": credited,
        "load_seconds": round(time.perf_counter() - began, 1),
    }


def _analyze() -> None:
    """Give PostgreSQL's planner the statistics autovacuum would have gathered by the time anyone reads a report."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _manager_id() -> int:
    from django.contrib.auth import get_user_model

    from helpdesk.accounts.roles import MANAGER

    return get_user_model().objects.filter(groups__name=MANAGER).values_list("pk", flat=True).first()


def rollup(days: int) -> dict:
    """Build the roll-ups of every day that has events, as the hourly job would have over time."""
    from django.utils import timezone

    from kb.rollups import kb_rollup

    today = timezone.localdate()
    wanted = [today - timedelta(days=offset) for offset in range(days, -1, -1)]
    began = time.perf_counter()
    kb_rollup(wanted)
    seconds = time.perf_counter() - began
    from kb.models import ArticleDaily, SearchDaily

    return {
        "days": len(wanted),
        "seconds": round(seconds, 1),
        "per_day_ms": round(1000 * seconds / len(wanted), 1),
        "article_rows": ArticleDaily.objects.count(),
        "search_rows": SearchDaily.objects.count(),
    }


def pages() -> list[tuple[str, str]]:
    from django.urls import reverse
    from django.utils import timezone, translation

    today = timezone.localdate()

    def period(days: int) -> str:
        return f"from={(today - timedelta(days=days - 1)).isoformat()}&to={today.isoformat()}"

    found = []
    for language in ("en", "fa"):
        with translation.override(language):
            found += [
                (f"SLA report, 30 days ({language})", f"{reverse('reports:sla')}?{period(30)}"),
                (f"SLA report, 12 months ({language})", f"{reverse('reports:sla')}?{period(365)}"),
            ]
    with translation.override("en"):
        found += [
            ("SLA breaches, 30 days", f"{reverse('reports:sla_breaches')}?{period(30)}"),
            ("SLA ticket CSV, 30 days", f"{reverse('reports:sla_csv')}?{period(30)}"),
            ("help-centre dashboard, 30 days", f"{reverse('kb_reports:dashboard')}?{period(30)}"),
            ("help-centre dashboard, 90 days", f"{reverse('kb_reports:dashboard')}?{period(90)}"),
            ("help-centre dashboard, 90 days, fa", f"{reverse('kb_reports:dashboard')}?{period(90)}&locale=fa"),
            ("retention insight, 12 months", f"{reverse('reports:retention')}?{period(365)}"),
            ("surveys report, 12 months", f"{reverse('surveys_staff:reports')}?{period(365)}"),
        ]
    return found


def _get(client, url: str) -> tuple[int, bytes]:
    """The status and the whole body, a streamed one (the CSV files) read to its end as a browser would."""
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def measure_pages(meta: dict, args, progress) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(pk=meta["manager_id"]))
    rows = []
    for label, url in pages():
        for _ in range(2):  # warm up
            _get(client, url)
        counter = QueryCount()
        with connection.execute_wrapper(counter):
            status, body = _get(client, url)
        row = time_calls(label, lambda _index, url=url: _get(client, url)[0], args.requests, args.max_seconds)
        row |= {"url": url, "queries": counter.count, "bytes": len(body), "status": status}
        progress(f"  {label}: p95 {row['p95']:.0f} ms, {counter.count} queries")
        rows.append(row)
    return rows


def _batch(articles: list[int], locale: str, size: int, number: int) -> bytes:
    events = []
    for index in range(size):
        article = articles[(number + index) % len(articles)]
        events += [
            {"kind": "view", "article": article, "locale": locale},
            {"kind": "engaged", "article": article, "locale": locale, "value": 30 + index},
            {"kind": "scroll", "article": article, "locale": locale, "value": 80},
        ]
        if size > 1:
            events += [
                {"kind": "vote", "article": article, "locale": locale, "value": 1},
                {"kind": "next", "article": article, "locale": locale, "next": "article"},
            ]
    session = f"bench{number:027d}"
    return json.dumps({"session": session, "events": events}).encode()


def ingest(meta: dict, args, progress, *, keep: bool = False) -> list[dict]:
    """POST /kb/beacon to one worker from INGEST_CLIENTS connections, each request a new reader.

    The worker is one Daphne process (what `make run` serves with), then one gunicorn sync worker
    (the WSGI deployment docs/operations.md describes for plain HTTP).

    On a kept data set the events posted are deleted afterwards, so the next run reads the same rows.
    """
    from django.db import connections

    from kb.models import ArticleEvent

    from .servers import daphne, gunicorn

    articles = meta["article_ids"]["fa"]
    connections.close_all()
    env = dict(os.environ, ALLOWED_HOSTS="127.0.0.1,localhost", RATELIMIT_IP_META_KEY="HTTP_X_BENCH_READER")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-beacon-") as directory:
        for spec in (daphne(1), gunicorn(1)):
            rows += _ingest_on(spec, articles, env, Path(directory), args, progress)
        if keep:
            ArticleEvent.objects.filter(session__startswith="bench").delete()
    return rows


def _ingest_on(spec, articles: list[int], env: dict, directory: Path, args, progress) -> list[dict]:
    """Each batch size posted to the one server `spec` starts, timed, its stored events counted."""
    from django.db import connections

    from kb.models import ArticleEvent

    from .load import measure
    from .servers import RunningServer

    rows = []
    server = RunningServer(spec, env=env, log_path=directory / f"{spec.name}.log")
    try:
        for label, size in BATCHES.items():
            before = ArticleEvent.objects.count()
            connections.close_all()
            per_batch = len(json.loads(_batch(articles, "fa", size, 0))["events"])

            def request(number, size=size):
                body = _batch(articles, "fa", size, number)
                reader = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
                headers = {
                    "Content-Type": "text/plain;charset=UTF-8",
                    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36",
                    "X-Bench-Reader": reader,
                }
                return "POST", "/kb/beacon", body, headers

            cpu = server.cpu_seconds()
            result = measure(
                host="127.0.0.1",
                port=server.port,
                path="/kb/beacon",
                clients=INGEST_CLIENTS,
                requests=args.ingest_requests,
                max_seconds=max(args.max_seconds, 10.0),
                ok_status=204,
                make_request=request,
            )
            stored = ArticleEvent.objects.count() - before
            cpu_used = (server.cpu_seconds() or 0) - (cpu or 0)
            rows.append(
                {
                    "label": f"POST /kb/beacon, {label}, {spec.name}",
                    "server": spec.name,
                    "events_per_request": per_batch,
                    "requests": result.count,
                    "errors": result.errors,
                    "p50": result.percentile_ms(50),
                    "p95": result.percentile_ms(95),
                    "events_per_second": round(stored / result.elapsed, 0),
                    "stored": stored,
                    "server_cpu_share": round(cpu_used / result.elapsed, 2) if cpu is not None else None,
                }
            )
            progress(f"  ingestion, {label}, {spec.name}: {rows[-1]['events_per_second']:,.0f} events/s")
    finally:
        server.stop()
    return rows


def main(argv=None) -> int:
    args = parse(argv)
    progress = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    began = time.perf_counter()
    setup_django()
    migrate_seconds = time.perf_counter() - began
    kept = Path(args.keep) if args.keep else None
    if kept is not None and kept.exists():
        meta, roll = json.loads(kept.read_text(encoding="utf-8")).values()
    else:
        meta = load(args, progress) | {"migrate_seconds": round(migrate_seconds, 1)}
        roll = rollup(args.days)
        if kept is not None:
            kept.write_text(json.dumps({"dataset": meta, "rollup": roll}), encoding="utf-8")
    progress(f"  roll-ups of {roll['days']} days: {roll['seconds']} s")
    from django.conf import settings

    settings.RATELIMIT_ENABLE = False
    result = {
        "dataset": meta,
        "rollup": roll,
        "pages": measure_pages(meta, args, progress),
        "ingestion": ingest(meta, args, progress, keep=kept is not None),
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
    }
    write_result(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
