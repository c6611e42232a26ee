"""What every fault shares: a report that says what was done, expected and observed, and the cluster's state."""

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..config import ClusterConfig
from ..launcher import supervisor_pid
from ..probe import get
from ..processes import pid_alive, read_pid


@dataclass
class Report:
    """Filled in as the fault runs (each line is printed at once), then summed up as PASS, FAIL or SKIP."""

    name: str
    expected: list[str]
    did: list[str] = field(default_factory=list)
    observed: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: str = ""
    began: float = field(default_factory=time.monotonic)

    def _print(self, kind: str, text: str) -> None:
        print(f"[{time.monotonic() - self.began:6.1f} s] {kind:<8} {text}", flush=True)

    def step(self, text: str) -> None:
        self.did.append(text)
        self._print("did", text)

    def saw(self, text: str) -> None:
        self.observed.append(text)
        self._print("observed", text)

    def check(self, ok: bool, text: str) -> bool:
        """Record an observation that the expectation depends on."""
        self.observed.append(("ok: " if ok else "NOT OK: ") + text)
        self._print("ok" if ok else "NOT OK", text)
        if not ok:
            self.failures.append(text)
        return ok

    def skip(self, reason: str) -> "Report":
        self.skipped = reason
        return self

    @property
    def result(self) -> str:
        if self.skipped:
            return "SKIP"
        return "FAIL" if self.failures else "PASS"

    def summary(self) -> str:
        lines = [f"\n=== fault {self.name}: {self.result} ==="]
        if self.skipped:
            lines.append(f"skipped: {self.skipped}")
        lines.append("expected:")
        lines += [f"  - {text}" for text in self.expected]
        lines.append("did:")
        lines += [f"  - {text}" for text in self.did]
        lines.append("observed:")
        lines += [f"  - {text}" for text in self.observed]
        if self.failures:
            lines.append("failed:")
            lines += [f"  - {text}" for text in self.failures]
        lines.append(f"RESULT: {self.result}")
        return "\n".join(lines)


def require_running(config: ClusterConfig) -> None:
    if not supervisor_pid(config) or get(f"{config.url}/healthz", timeout=10).status != 200:
        raise SystemExit(f"The cluster is not up and healthy at {config.url}: run `make cluster` first.")


def child_pid(config: ClusterConfig, name: str) -> int | None:
    pid = read_pid(config.run / f"{name}.pid")
    return pid if pid and pid_alive(pid) else None


def restarts(config: ClusterConfig, name: str) -> int:
    state = json.loads((config.run / "state.json").read_text())
    return state["children"].get(name, {}).get("restarts", 0)


def wait_until(predicate: Callable[[], object], *, timeout: float, interval: float = 0.5):
    """Return the predicate's first true value, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


def django_setup(config: ClusterConfig) -> None:
    """Make this process a client of the cluster's database, as its own processes are.

    Without a pool: a fault's own checks must not wait out a pool's reconnect backoff after it
    restarted the database; each runs on a fresh connection.
    """
    os.environ.update(config.django_environment(), DATABASE_POOL_SIZE="0", DATABASE_CONN_MAX_AGE="0")
    import django

    django.setup()


def looks_like_traceback(body: str) -> bool:
    return any(marker in body for marker in ("Traceback (most recent call last)", "Exception Value", "Request Method:"))
