"""A closed-loop HTTP load generator on threads and http.client, for loopback servers only."""

import http.client
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Measurement:
    latencies: list[float] = field(default_factory=list)  # seconds, one per answered request
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0  # no answer, or an answer other than the expected status
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies) + self.statuses.get("no answer", 0)

    @property
    def per_second(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, p: float) -> float:
        """Nearest-rank percentile of the answered requests, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1] * 1000


def measure(
    *,
    host: str,
    port: int,
    path: str,
    clients: int,
    requests: int,
    max_seconds: float,
    ok_status: int = 200,
    make_request=None,
) -> Measurement:
    """Send `requests` GETs from `clients` keep-alive connections, stopping early at `max_seconds`.

    `make_request(n)`, if given, returns the n-th request instead as (method, path, body, headers).
    """
    if host not in LOOPBACK:
        raise ValueError(f"Benchmarks only load servers on this machine, not {host!r}.")
    result = Measurement()
    lock = threading.Lock()
    issued = 0
    start = threading.Barrier(clients + 1)
    deadline = 0.0

    def take_turn() -> int | None:
        nonlocal issued
        with lock:
            if issued >= requests or time.perf_counter() >= deadline:
                return None
            issued += 1
            return issued - 1

    def client() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        start.wait()
        while (turn := take_turn()) is not None:
            method, target, body, extra = make_request(turn) if make_request else ("GET", path, None, {})
            began = time.perf_counter()
            try:
                conn.request(method, target, body=body, headers={"Host": "localhost", "Accept-Language": "en", **extra})
                response = conn.getresponse()
                response.read()
                status: int | str = response.status
                if response.will_close:
                    conn.close()  # http.client reconnects on the next request
            except (OSError, http.client.HTTPException):
                conn.close()
                status = "no answer"
            took = time.perf_counter() - began
            with lock:
                result.statuses[status] += 1
                if status != "no answer":
                    result.latencies.append(took)
                if status != ok_status:
                    result.errors += 1
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    deadline = time.perf_counter() + max_seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join(max_seconds + 60)
    result.elapsed = time.perf_counter() - began
    return result
