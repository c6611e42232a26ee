"""The inbox benchmark runs end to end on a tiny data set, so it cannot rot (no timing is asserted)."""

import os
import random
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench import bench_inbox
from bench.inbox_data import TICKET_FIELDS, DataSet, Staff
from bench.inbox_text import TextPool
from helpdesk.tickets.models import NO_DUE

SMALL = 1500  # tickets: enough unsolved ones (5 %) for two inbox pages
PAGES = (
    "first page: mine",
    "first page: unassigned",
    "first page: due_soon",
    "first page: breached",
    "first page: pending",
    "first page: open",
    "open + priority=high",
    "open + tag (common)",
    "open + search (common word)",
    "second page: open",
)


def _options(**overrides) -> SimpleNamespace:
    options = {
        "inbox_tickets": SMALL,
        "inbox_pg_tickets": 0,
        "inbox_postgres": "",
        "inbox_messages": 5.0,
        "inbox_explain": True,
        "inbox_keep": False,
        "inbox_reuse": False,
        "requests": 2,
        "max_seconds": 1.0,
        "quiet": True,
    }
    return SimpleNamespace(**(options | overrides))


def _rows_by_page(table) -> dict[str, dict]:
    return {row[2]: dict(zip(table.columns, row, strict=True)) for row in table.rows}


def _assert_every_page_answered(tables) -> None:
    data_sets, pages, plans, *full_plans = tables
    assert data_sets.rows[0][1] == SMALL
    rows = _rows_by_page(pages)
    for label in PAGES:
        assert rows[label]["status"] == 200, label
        assert 0 < rows[label]["queries"] <= 10, label
    assert rows["first page: open"]["rows"] == 25
    ticket_pages = [row for label, row in rows.items() if label.startswith("ticket page:")]
    assert ticket_pages
    assert all(row["status"] == 200 and row["rows"] > 0 for row in ticket_pages)
    assert {"tickets_for_agent(open)", "inbox_counts"} <= set(rows)
    assert {row[2] for row in plans.rows} >= {"list: open", "counts"}
    assert full_plans and all(table.rows for table in full_plans)


def test_the_benchmark_measures_every_page_on_this_environments_database():
    """One run, since each migrates a fresh database: PostgreSQL when the suite has it, else SQLite."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        tables = bench_inbox.run(_options())
        _assert_every_page_answered(tables)
        assert "PostgreSQL left out" in " ".join(tables[0].notes)
        return
    url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/helpdesk_bench_smoke"))

    tables = bench_inbox.run(_options(inbox_tickets=0, inbox_pg_tickets=SMALL, inbox_postgres=url))

    _assert_every_page_answered(tables)


def test_a_database_not_named_for_benchmarks_is_never_dropped():
    with pytest.raises(SystemExit, match="must contain 'bench'"):
        bench_inbox.run(_options(inbox_tickets=0, inbox_pg_tickets=10, inbox_postgres="postgresql://u@127.0.0.1/shop"))


def test_the_generated_tickets_have_the_documented_shape(db):
    pool = TextPool(random.Random(1), subjects=200, bodies=800)
    staff = Staff(agents=[(1, "Sara Ahmadi"), (2, "Omar Haddad")], teams=[1, 2], tags=[(1, "refund"), (2, "late")])
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    dataset = DataSet(tickets=4000, customers=800, staff=staff, pool=pool, now=now, seed=2)
    list(dataset.customers())
    list(dataset.orders())

    chunks = list(dataset.chunks(1000))

    tickets = [row for chunk in chunks for row in chunk.tickets]
    status, due, paused, search_text = map(TICKET_FIELDS.index, ("status", "sla_due_at", "sla_paused", "search_text"))
    unsolved = [t for t in tickets if t[status] in ("new", "open", "pending", "on_hold")]
    assert len(tickets) == 4000
    assert 0.03 < len(unsolved) / len(tickets) < 0.07
    assert 4.5 < dataset.message_id / len(tickets) < 5.5
    assert dataset.event_id > dataset.message_id
    assert all(t[due] == NO_DUE for t in tickets if t[status] in ("solved", "closed"))
    assert all(t[due] < NO_DUE for t in unsolved if t[status] in ("new", "open"))
    assert all(t[paused] for t in unsolved if t[status] in ("pending", "on_hold"))
    assert any(t[due] < now for t in unsolved) and any(now < t[due] < NO_DUE for t in unsolved)
    assert all(t[search_text].startswith(" ") and t[search_text].endswith(" ") for t in tickets)
