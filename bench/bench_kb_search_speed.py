"""The runner's hook for bench/kb_search_speed.py (the runner picks up bench_*.py modules)."""

from .kb_search_speed import DESCRIPTION, NAME, add_arguments, run

__all__ = ["DESCRIPTION", "NAME", "add_arguments", "run"]
