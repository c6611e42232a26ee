"""The survey benchmark runs end to end on a few surveys, so it cannot rot (no timing is asserted)."""

from types import SimpleNamespace

import pytest

from bench import bench_surveys
from bench.tables import format_markdown


def test_the_benchmark_schedules_sends_and_answers_surveys():
    options = SimpleNamespace(survey_count=12, survey_postgres="", requests=4, max_seconds=5.0, quiet=True)

    (table,) = bench_surveys.run(options)

    rows = {row[1]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    assert set(rows) == {
        "schedule (order_status_changed, per order)",
        "send (surveys_send_due, locmem email)",
        "schedule + send",
        "GET /en/surveys/s/<token>/ (scored)",
        "GET /en/surveys/s/<token>/?nps=8 (click)",
    }
    assert all(row["database"] == "sqlite" for row in rows.values())
    assert rows["schedule (order_status_changed, per order)"]["status"] == "12 scheduled"
    assert rows["send (surveys_send_due, locmem email)"]["status"] == "12 emails, 0 skipped, 0 failed"
    assert rows["schedule + send"]["target"] == "≤ 60 s" and rows["schedule + send"]["ok"] in ("yes", "NO")
    for label in ("GET /en/surveys/s/<token>/ (scored)", "GET /en/surveys/s/<token>/?nps=8 (click)"):
        assert (rows[label]["count"], rows[label]["status"], rows[label]["target"]) == (4, 200, "p95 ≤ 30 ms")
    assert "sqlite: 4 clicks recorded a score" in table.notes
    assert "PostgreSQL left out" in " ".join(table.notes)
    assert format_markdown(table).startswith("### Surveys")


def test_a_database_not_named_for_benchmarks_is_never_dropped(monkeypatch):
    monkeypatch.setattr(bench_surveys, "run_worker", lambda *_args, **_kwargs: {"rows": []})
    options = SimpleNamespace(survey_count=1, survey_postgres="postgresql://u@127.0.0.1/shop", quiet=True)

    with pytest.raises(SystemExit, match="must contain 'bench'"):
        bench_surveys.run(options)
