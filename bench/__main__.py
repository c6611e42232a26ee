"""Run the benchmarks in bench/ and print a table for each: `python -m bench --help`."""

import argparse
import importlib
import pkgutil
import platform
import signal
import sys
import time

import bench

from .tables import format_markdown, format_text


def discover() -> dict:
    """Import every bench/bench_*.py module, keyed by its NAME."""
    found = {}
    for info in pkgutil.iter_modules(bench.__path__):
        if info.name.startswith("bench_"):
            module = importlib.import_module(f"bench.{info.name}")
            found[module.NAME] = module
    return dict(sorted(found.items()))


def build_parser(benchmarks: dict) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run the helpdesk's benchmarks (servers on 127.0.0.1 only) and print a table for each.",
        epilog="Benchmarks: " + "; ".join(f"{name}: {module.DESCRIPTION}" for name, module in benchmarks.items()),
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        choices=sorted(benchmarks),
        help="run only this benchmark (repeatable)",
    )
    parser.add_argument("--requests", type=int, default=500, help="requests per measurement (default: 500)")
    parser.add_argument(
        "--max-seconds", type=float, default=8.0, help="time limit per measurement, in seconds (default: 8)"
    )
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--quiet", action="store_true", help="print only the tables")
    for name, module in benchmarks.items():
        if hasattr(module, "add_arguments"):
            module.add_arguments(parser.add_argument_group(name))
    return parser


def main(argv: list[str] | None = None) -> int:
    benchmarks = discover()
    parser = build_parser(benchmarks)
    options = parser.parse_args(argv)
    # On SIGTERM unwind like on Ctrl-C, so the benchmarks stop the servers they started.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    if options.list:
        for name, module in benchmarks.items():
            print(f"{name:<16} {module.DESCRIPTION}")
        return 0
    if options.requests < 1 or options.max_seconds <= 0:
        parser.error("--requests and --max-seconds must be positive")
    options.progress = (lambda _text: None) if options.quiet else (lambda text: print(text, file=sys.stderr))
    render = format_markdown if options.markdown else format_text
    options.progress(f"Python {platform.python_version()} on {platform.platform()}")
    for name in options.only or benchmarks:
        began = time.monotonic()
        options.progress(f"\n[{name}] {benchmarks[name].DESCRIPTION}")
        for table in benchmarks[name].run(options):
            print("\n" + render(table), flush=True)
        options.progress(f"[{name}] done in {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
