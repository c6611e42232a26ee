"""The benchmark runner's command line, tables and statistics (no server is started)."""

import subprocess
import sys

import pytest
from django.conf import settings

from bench.load import Measurement, measure
from bench.tables import Table, format_markdown, format_text


def _table() -> Table:
    table = Table(title="Latency", columns=["server", "clients", "p50 ms", "errors"], notes=["one note"])
    table.add("daphne", 1, 5.25, 0)
    table.add("gunicorn x5", 20, 1234.5, 3)
    return table


def test_help_lists_the_options_and_the_benchmarks():
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--help"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr
    for option in ("--requests", "--only", "--max-seconds", "--clients", "--gunicorn-workers"):
        assert option in done.stdout
    assert "http-servers" in done.stdout


def test_text_table_aligns_numbers_to_the_right_and_text_to_the_left():
    lines = format_text(_table()).splitlines()

    assert lines[0] == "Latency"
    assert lines[2].split() == ["server", "clients", "p50", "ms", "errors"]
    assert lines[4] == "daphne             1      5.2       0"
    assert lines[5] == "gunicorn x5       20  1,234.5       3"
    assert lines[6] == "  one note"


def test_markdown_table_right_aligns_numeric_columns():
    lines = format_markdown(_table()).splitlines()

    assert lines[0] == "### Latency"
    assert lines[3] == "| ----------- | ------: | ------: | -----: |"
    assert lines[2] == "| server      | clients | p50 ms  | errors |"
    assert lines[5] == "| gunicorn x5 |      20 | 1,234.5 |      3 |"
    assert lines[-1] == "- one note"


def test_a_row_must_fill_every_column():
    with pytest.raises(ValueError, match="3 cells for 4 columns"):
        _table().add("daphne", 1, 5.0)


def test_percentiles_are_nearest_rank_in_milliseconds():
    result = Measurement(latencies=[i / 1000 for i in range(100, 0, -1)])  # 1 ms .. 100 ms, unordered

    assert result.percentile_ms(50) == pytest.approx(50)
    assert result.percentile_ms(95) == pytest.approx(95)
    assert result.percentile_ms(99) == pytest.approx(99)
    assert result.percentile_ms(100) == pytest.approx(100)


def test_load_is_only_sent_to_this_machine():
    with pytest.raises(ValueError, match="only load servers on this machine"):
        measure(host="192.168.1.10", port=80, path="/", clients=1, requests=1, max_seconds=1)
