"""One database's inbox benchmark, run in a subprocess by bench/bench_inbox.py (settings come from the environment).

Migrates the database DATABASE_URL points at, generates and bulk-loads the data set (unless
`--reuse` finds one of the same size there), then measures the pages and writes JSON to `--out`.
"""

import argparse
import json
import os
import platform
import secrets
import sys
import time

META_TABLE = "bench_inbox_meta"
LOADED_MODELS = ("Customer", "Order", "Ticket", "TicketTag", "Message", "TicketEvent")
CHUNK = 10_000


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.inbox_worker", description=__doc__)
    parser.add_argument("--out", required=True, help="where to write the results (JSON)")
    parser.add_argument("--tickets", type=int, required=True)
    parser.add_argument("--customers", type=int, default=0, help="default: one per five tickets")
    parser.add_argument("--messages-per-ticket", type=float, default=5.0)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--max-seconds", type=float, default=8.0)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="keep a data set of the same size already loaded")
    parser.add_argument("--quiet", action="store_true")
    return parser.parse_args(argv)


def _models() -> dict:
    from helpdesk.customers.models import Customer
    from helpdesk.orders.models import Order
    from helpdesk.tickets.models import Message, Ticket, TicketEvent

    return {
        "Customer": Customer,
        "Order": Order,
        "Ticket": Ticket,
        "TicketTag": Ticket.tags.through,
        "Message": Message,
        "TicketEvent": TicketEvent,
    }


def _stored_meta() -> dict | None:
    from django.db import connection

    if META_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT info FROM {META_TABLE}")  # noqa: S608 (a constant)
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _store_meta(meta: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {META_TABLE} (info TEXT NOT NULL)")
        cursor.execute(f"INSERT INTO {META_TABLE} (info) VALUES (%s)", [json.dumps(meta)])  # noqa: S608 (a constant)


def make_staff(pool):
    """Agents, teams and tags, made through the ORM as an installation would have them."""
    from helpdesk.accounts.roles import AGENT, MANAGER
    from helpdesk.accounts.services import staff_user_ensure
    from helpdesk.tickets.models import Tag, Team

    from .inbox_data import Staff

    agents = []
    for number in range(14):
        role = MANAGER if number >= 12 else AGENT
        name = pool.names["en"][number]
        user = staff_user_ensure(
            email=f"agent{number + 1}@bench.example.com", password=secrets.token_urlsafe(), role=role, full_name=name
        )
        agents.append((user.pk, user.get_full_name()))
    teams = [Team.objects.create(name=name).pk for name in ("Billing", "Shipping", "Returns")]
    names: list[str] = []
    for locale, count in (("en", 20), ("fa", 5), ("ar", 5)):
        words = pool.vocab[locale]
        names += [word for word in words.words[words.content_from + 30 :] if word not in names][:count]
    tags = [(Tag.objects.create(name=name).pk, name) for name in names]
    return Staff(agents=agents, teams=teams, tags=tags)


def load(args, progress) -> dict:
    """Generate the data set and bulk-load it; return what was loaded and how long it took."""
    import random

    from django.test.utils import override_settings
    from django.utils import timezone

    from . import inbox_data as data
    from . import inbox_text as text
    from .inbox_load import TableSpec, loader_for_connection

    began = time.perf_counter()
    pool = text.TextPool(
        random.Random(args.seed),
        subjects=min(text.SUBJECTS_PER_LOCALE, max(100, args.tickets)),
        bodies=min(text.BODIES_PER_LOCALE, max(400, 4 * args.tickets)),
    )
    # Staff passwords are never used (the benchmark signs in with force_login): skip the slow hashing.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        staff = make_staff(pool)
    dataset = data.DataSet(
        tickets=args.tickets,
        customers=args.customers or max(1, args.tickets // 5),
        staff=staff,
        pool=pool,
        now=timezone.now(),
        seed=args.seed,
        messages_per_ticket=args.messages_per_ticket,
    )
    progress(f"  text pool and staff: {time.perf_counter() - began:.0f} s")
    models = _models()
    specs = {
        "customers": TableSpec(models["Customer"], data.CUSTOMER_FIELDS),
        "orders": TableSpec(models["Order"], data.ORDER_FIELDS),
        "tickets": TableSpec(models["Ticket"], data.TICKET_FIELDS),
        "messages": TableSpec(models["Message"], data.MESSAGE_FIELDS),
        "events": TableSpec(models["TicketEvent"], data.EVENT_FIELDS),
        "ticket_tags": TableSpec(models["TicketTag"], data.TICKET_TAG_FIELDS),
    }
    loader = loader_for_connection(progress)
    loader.prepare([spec.table for spec in specs.values()])
    loading = time.perf_counter()
    loader.write(specs["customers"], dataset.customers())
    loader.write(specs["orders"], dataset.orders())
    for number, chunk in enumerate(dataset.chunks(CHUNK), start=1):
        for name in ("tickets", "messages", "events", "ticket_tags"):
            loader.write(specs[name], getattr(chunk, name))
        if number % 10 == 0 or number * CHUNK >= args.tickets:
            done = min(number * CHUNK, args.tickets)
            progress(f"  {done:,} tickets, {dataset.message_id:,} messages: {time.perf_counter() - loading:.0f} s")
    rows_seconds = time.perf_counter() - loading
    indexing = time.perf_counter()
    loader.finish(list(models.values()))
    return {
        "tickets": args.tickets,
        "customers": dataset.customer_count,
        "orders": loader.rows.get(specs["orders"].table, 0),
        "messages": dataset.message_id,
        "events": dataset.event_id,
        "ticket_tags": dataset.ticket_tag_id,
        "agent_id": staff.agents[0][0],
        "tags": [name for _, name in staff.tags],
        "words": pool.search_words(),
        "showcase": dataset.showcase,
        "seconds_rows": round(rows_seconds, 1),
        "seconds_writing": round(loader.seconds, 1),
        "seconds_indexes": round(time.perf_counter() - indexing, 1),
        "seconds_total": round(time.perf_counter() - began, 1),
        "loaded_at": timezone.now().isoformat(),
    }


def _has_tickets() -> bool:
    from helpdesk.tickets.models import Ticket

    return Ticket.objects.exists()


def _unsolved() -> int:
    from helpdesk.tickets.models import UNSOLVED, Ticket

    return Ticket.objects.filter(status__in=UNSOLVED).count()


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0].split()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


def measure_all(meta: dict, args, progress) -> tuple[list[dict], list[dict]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from helpdesk.core.heap import settle
    from helpdesk.customers.models import Customer
    from helpdesk.tickets.models import Ticket

    from . import inbox_measure as m

    settle()  # as the server entry points do (helpdesk/asgi.py, helpdesk/wsgi.py)
    agent = get_user_model().objects.get(pk=meta["agent_id"])
    client = Client()
    client.force_login(agent)
    customer = Ticket.objects.filter(pk=meta["showcase"]["typical"]).values_list("customer", flat=True).first()
    email = Customer.objects.get(pk=customer).email
    pages = m.inbox_pages(agent=agent, words=meta["words"], tags=meta["tags"], email=email)
    pages += m.ticket_pages(meta["showcase"])
    pages += m.selector_pages(agent=agent, showcase=meta["showcase"])
    rows = []
    for page in pages:
        row = m.measure(client, page, requests=args.requests, max_seconds=args.max_seconds)
        progress(f"  {page.label}: p95 {row['p95']:.1f} ms, {row['queries']} queries")
        rows.append(row)
    plans = [
        m.explain(label, call) for label, call in m.plan_queries(agent=agent, words=meta["words"], tags=meta["tags"])
    ]
    return rows, plans


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    progress = (lambda _text: None) if args.quiet else (lambda text: print(text, file=sys.stderr, flush=True))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    meta = _stored_meta() if args.reuse else None
    if meta and meta["tickets"] == args.tickets:
        progress(f"  reusing the data set loaded at {meta['loaded_at']}")
        meta["reused"] = True
    else:
        began = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        progress(f"  migrate: {time.perf_counter() - began:.0f} s")
        if _has_tickets():
            sys.exit("The kept database holds another data set: run without --reuse-database to start afresh.")
        meta = load(args, progress)
        meta["unsolved"] = _unsolved()
        _store_meta(meta)
        meta["reused"] = False
    from .inbox_load import loader_for_connection

    meta["size_bytes"] = loader_for_connection(progress).size_bytes()
    meta["database"] = database_version()
    meta["python"] = platform.python_version()
    meta["load_average"] = [os.getloadavg()[0]]
    pages, plans = measure_all(meta, args, progress)
    meta["load_average"].append(os.getloadavg()[0])
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump({"dataset": meta, "pages": pages, "plans": plans}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
