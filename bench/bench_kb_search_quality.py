"""The runner's hook for bench/kb_search_quality.py (the runner picks up bench_*.py modules)."""

from .kb_search_quality import DESCRIPTION, NAME, add_arguments, run

__all__ = ["DESCRIPTION", "NAME", "add_arguments", "run"]
