"""The reports benchmark runs end to end on a small help desk, so it cannot rot (no timing is asserted)."""

from types import SimpleNamespace

from bench import bench_reports
from bench.tables import format_markdown


def test_the_benchmark_loads_rolls_up_times_every_report_and_ingests_beacons():
    options = SimpleNamespace(
        report_tickets=300, report_events=3_000, reports_postgres="", requests=3, max_seconds=5.0, quiet=True
    )

    pages, ingestion = bench_reports.run(options)

    rows = [dict(zip(pages.columns, row, strict=True)) for row in pages.rows]
    assert {row["page"] for row in rows} >= {
        "SLA report, 30 days (en)",
        "SLA report, 12 months (fa)",
        "help-centre dashboard, 90 days",
        "retention insight, 12 months",
        "surveys report, 12 months",
    }
    assert all(row["status"] == 200 and row["requests"] == 3 for row in rows)
    assert all(row["target"] == "p95 ≤ 300 ms" and row["ok"] in ("yes", "NO") for row in rows)
    notes = " ".join(pages.notes)
    assert "300 tickets" in notes and "reading events" in notes and "roll-ups of 8 days built" in notes
    batches = [dict(zip(ingestion.columns, row, strict=True)) for row in ingestion.rows]
    assert [row["batch"] for row in batches] == [
        "25 events, daphne",
        "3 events, daphne",
        "25 events, gunicorn x1",
        "3 events, gunicorn x1",
    ]
    for row in batches:
        # Every event of every request was stored: nothing was dropped or rate limited.
        assert row["errors"] == 0 and int(row["stored"].replace(",", "")) == row["requests"] * int(
            row["batch"].split()[0]
        )
    assert format_markdown(pages).startswith("### Reports")


def test_reuse_loads_a_data_set_once_and_measures_it_again(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_reports, "_kept_directory", lambda _url, _args: tmp_path / "kept")
    small = {"report_tickets": 300, "report_events": 3_000, "reports_postgres": "", "requests": 2, "max_seconds": 5.0}
    options = SimpleNamespace(**small, quiet=True, reuse=True)

    first, _ingestion = bench_reports.run(options)
    again, ingestion = bench_reports.run(options)

    loaded = [note for note in first.notes if "loaded in" in note]
    assert loaded and [note for note in again.notes if "loaded in" in note] == loaded  # described, not loaded again
    assert (tmp_path / "kept" / "dataset.json").exists()
    assert all(dict(zip(again.columns, row, strict=True))["status"] == 200 for row in again.rows)
    assert all(dict(zip(ingestion.columns, row, strict=True))["errors"] == 0 for row in ingestion.rows)
