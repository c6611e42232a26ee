"""The credit benchmark runs end to end on a tiny ledger, so it cannot rot (no timing is asserted)."""

from types import SimpleNamespace

from bench import bench_credits


def test_the_benchmark_times_reads_and_redemptions_for_a_small_and_a_long_ledger():
    options = SimpleNamespace(credit_entries=101, credit_postgres="", requests=5, max_seconds=5.0, quiet=True)

    (table,) = bench_credits.run(options)

    rows = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
    assert {(row["ledger entries"], row["operation"]) for row in rows} == {
        (entries, operation)
        for entries in (10, 101)
        for operation in ("balance read (selector)", "GET …/credit (API)", "POST …/credit/redemptions (API)")
    }
    assert all(row["requests"] == 5 and row["status"] in (200, 201) for row in rows)
    redemptions = [row for row in rows if row["operation"].startswith("POST")]
    assert all(row["status"] == 201 and row["target"] == "≤ 20 ms" for row in redemptions)
    assert "PostgreSQL left out" in " ".join(table.notes)
