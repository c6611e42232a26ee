"""The chat benchmark runs end to end at a tiny scale, so it cannot rot (no timing is asserted)."""

import gzip
import os
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench import bench_chat

TINY = {
    "chat_relay_messages": 4,
    "chat_sockets": 12,
    "chat_agents": 2,
    "chat_per_agent": 3,
    "chat_rounds": 1,
    "chat_think": 0.5,
    "chat_conn_max_age": None,
}


def _options(**overrides) -> SimpleNamespace:
    return SimpleNamespace(**(TINY | {"chat_postgres": "", "redis_url": "", "quiet": True} | overrides))


def _rows(table, key: int = 0) -> dict[str, dict]:
    return {row[key]: dict(zip(table.columns, row, strict=True)) for row in table.rows}


def _assert_sockets_and_agents(tables, *, workers: str) -> None:
    sockets = next(t for t in tables if t.title.endswith("visitor sockets on one Daphne worker"))
    (row,) = [dict(zip(sockets.columns, r, strict=True)) for r in sockets.rows]
    assert (row["sockets"], row["open"], row["errors"]) == (12, 12, 0)
    assert row["RSS with sockets MB"] > 0 and row["RSS before MB"] > 0

    agents = next(t for t in tables if t.title.startswith("2 agents with 3 chats each"))
    assert workers in agents.title
    steps = _rows(agents)
    assert (steps["connect visitors"]["count"], steps["connect visitors"]["ok"]) == (6, 6)
    assert (steps["connect agents"]["count"], steps["connect agents"]["ok"]) == (2, 2)
    assert (steps["accept"]["count"], steps["accept"]["ok"]) == (6, 6)
    for direction in ("visitor → agent", "agent → visitor"):
        assert (steps[direction]["count"], steps[direction]["ok"], steps[direction]["errors"]) == (6, 6, 0)
    assert "error frames from the server: none" in agents.notes


def test_the_bundle_table_names_each_widget_file_with_its_gzipped_size():
    table = bench_chat.bundle_table()

    rows = _rows(table)
    loader = bench_chat.WIDGET / "loader.js"
    if loader.exists():
        assert rows["loader.js"]["gzip bytes"] == len(gzip.compress(loader.read_bytes(), compresslevel=9, mtime=0))
    else:
        assert rows["loader.js"]["bytes"] == "missing"
    assert any(name.startswith("chat UI") for name in rows)


def test_the_benchmark_runs_end_to_end_on_this_environments_database_and_channel_layer():
    """One run, since each migrates a fresh database: PostgreSQL and Redis when the suite has them."""
    redis_url = os.environ.get("REDIS_URL", "")
    postgres = ""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        postgres = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/helpdesk_bench_chat_smoke"))

    tables = bench_chat.run(_options(chat_postgres=postgres, redis_url=redis_url))

    database = "PostgreSQL" if postgres else "SQLite"
    assert tables[0].title == "Chat widget bundle sizes"
    relay = [t for t in tables if t.title.startswith("Chat relay across two Daphne workers")]
    if not redis_url:
        assert relay == []
        assert "relay across workers left out" in " ".join(tables[0].notes)
        _assert_sockets_and_agents(tables, workers=f"1 Daphne worker ({database}, in-memory channel layer)")
        return
    rows = _rows(relay[0])
    assert set(rows) == {"visitor → agent", "agent → visitor", "ack to the sender", "typing"}
    assert all(row["samples"] == 4 for row in rows.values())
    assert rows["visitor → agent"]["target"] == "p95 ≤ 10 ms" and rows["visitor → agent"]["ok"] in ("yes", "NO")
    _assert_sockets_and_agents(tables, workers=f"2 Daphne workers ({database}, Redis pub/sub channel layer)")


def test_a_database_not_named_for_benchmarks_is_never_dropped():
    with pytest.raises(SystemExit, match="must contain 'bench'"):
        bench_chat.run(_options(chat_postgres="postgresql://u@127.0.0.1/shop"))
