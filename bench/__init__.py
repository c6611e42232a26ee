"""Benchmarks that print tables: `python -m bench` (or `make bench`).

Each module named `bench_*.py` here is one benchmark. It defines NAME, DESCRIPTION, an optional
`add_arguments(parser)` and `run(options) -> Iterable[Table]`; the runner finds and runs them.
"""
