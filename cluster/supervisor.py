"""The cluster's supervisor: owns the Daphne workers, the task worker and the scheduler, and restarts any that dies.

`python -m cluster start` runs it detached (`python -m cluster supervise`). It restarts a child
that exited after a delay that doubles with each crash in a row (1 s, 2 s, 4 s … up to 30 s), and
forgets the crashes once a child has run for a minute. On SIGTERM it stops its children (SIGTERM,
then SIGKILL after 15 s) and exits. Each child's pid is in var/cluster/run/<name>.pid, and
var/cluster/run/state.json says what ran, since when, and how often it was restarted.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .config import BASE_DIR, HOST, ClusterConfig
from .processes import write_pid

POLL_SECONDS = 0.5
STOP_SECONDS = 15


class Process(Protocol):
    pid: int

    def poll(self) -> int | None: ...


@dataclass(frozen=True)
class ChildSpec:
    name: str
    argv: tuple[str, ...]


@dataclass(frozen=True)
class RestartPolicy:
    initial: float = 1.0
    factor: float = 2.0
    maximum: float = 30.0
    stable_after: float = 60.0

    def delay(self, crashes_in_a_row: int) -> float:
        """Seconds to wait before the next start, after this many exits in a row."""
        return min(self.maximum, self.initial * self.factor ** max(0, crashes_in_a_row - 1))


@dataclass
class Child:
    spec: ChildSpec
    process: Process | None = None
    started_at: float = 0.0
    restarts: int = 0
    crashes_in_a_row: int = 0
    restart_at: float | None = None
    last_exit: int | None = None
    history: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None


class Supervisor:
    """Keeps each child running; `tick(now)` does one round of checks and is all the restart logic there is."""

    def __init__(
        self,
        specs: list[ChildSpec],
        *,
        spawn: Callable[[ChildSpec], Process],
        policy: RestartPolicy | None = None,
        on_event: Callable[[str], None] = lambda message: None,
    ):
        self.children = {spec.name: Child(spec) for spec in specs}
        self.spawn = spawn
        self.policy = policy or RestartPolicy()
        self.on_event = on_event

    def start_all(self, now: float) -> None:
        for child in self.children.values():
            self._start(child, now)

    def _start(self, child: Child, now: float) -> None:
        child.restart_at = None
        try:
            child.process = self.spawn(child.spec)
        except OSError as error:
            child.process = None
            self._schedule(child, now, f"could not start ({error})", ran=0.0)
            return
        child.started_at = now
        self.on_event(f"{child.spec.name} started (pid {child.process.pid})")

    def _schedule(self, child: Child, now: float, what: str, *, ran: float) -> None:
        child.crashes_in_a_row = 1 if ran >= self.policy.stable_after else child.crashes_in_a_row + 1
        delay = self.policy.delay(child.crashes_in_a_row)
        child.restart_at = now + delay
        message = f"{child.spec.name} {what} after {ran:.1f} s; restarting in {delay:g} s"
        child.history.append(message)
        self.on_event(message)

    def tick(self, now: float) -> None:
        for child in self.children.values():
            if child.process is not None:
                code = child.process.poll()
                if code is None:
                    continue
                pid, child.process, child.last_exit = child.process.pid, None, code
                self._schedule(child, now, f"(pid {pid}) exited with {_describe(code)}", ran=now - child.started_at)
            elif child.restart_at is not None and now >= child.restart_at:
                child.restarts += 1
                self._start(child, now)

    def state(self) -> dict:
        return {
            name: {
                "pid": child.pid,
                "running": child.process is not None,
                "restarts": child.restarts,
                "last_exit": child.last_exit,
                "restart_at": child.restart_at,
                "history": child.history[-10:],
            }
            for name, child in self.children.items()
        }


def _describe(code: int) -> str:
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"status {code}"


def child_specs(config: ClusterConfig) -> list[ChildSpec]:
    python = sys.executable
    specs = [
        ChildSpec(
            f"daphne-{index}",
            (
                python,
                "-m",
                "daphne",
                "-b",
                HOST,
                "-p",
                str(port),
                # The client address and scheme come from nginx's X-Forwarded-For and X-Forwarded-Proto.
                "--proxy-headers",
                "--access-log",
                str(config.logs / f"daphne-{index}.access.log"),
                "helpdesk.asgi:application",
            ),
        )
        for index, port in enumerate(config.worker_ports, start=1)
    ]
    specs.append(ChildSpec("worker", (python, "manage.py", "db_worker", "--no-reload")))
    specs.append(ChildSpec("scheduler", (python, "manage.py", "run_schedule")))
    return specs


class _Runner:
    """The real thing around Supervisor: processes with log files, pid files, state.json, signals."""

    def __init__(self, config: ClusterConfig):
        self.config = config
        self.env = config.django_environment()
        self.stopping = False
        self.supervisor = Supervisor(child_specs(config), spawn=self.spawn, on_event=self.log)

    def log(self, message: str) -> None:
        print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}", flush=True)
        self.write_state()

    def spawn(self, spec: ChildSpec) -> subprocess.Popen:
        with (self.config.logs / f"{spec.name}.log").open("ab") as log:
            process = subprocess.Popen(
                spec.argv, cwd=BASE_DIR, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        write_pid(self.config.run / f"{spec.name}.pid", process.pid)
        return process

    def write_state(self) -> None:
        path = self.config.run / "state.json"
        temporary = path.with_name(".state.json.tmp")
        temporary.write_text(json.dumps({"supervisor": os.getpid(), "children": self.supervisor.state()}, indent=2))
        os.replace(temporary, path)

    def _on_signal(self, signum, frame) -> None:
        self.stopping = True

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        write_pid(self.config.run / "supervisor.pid", os.getpid())
        self.log(f"supervisor started (pid {os.getpid()})")
        self.supervisor.start_all(time.monotonic())
        self.write_state()
        while not self.stopping:
            self.supervisor.tick(time.monotonic())
            time.sleep(POLL_SECONDS)
        self.stop_children()
        self.log("supervisor stopped")
        (self.config.run / "supervisor.pid").unlink(missing_ok=True)

    def stop_children(self) -> None:
        running = [child for child in self.supervisor.children.values() if child.process is not None]
        for child in running:
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for child in running:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"{child.spec.name} (pid {child.process.pid}) ignored SIGTERM; killing it")
                child.process.kill()
                child.process.wait()
            self.log(f"{child.spec.name} (pid {child.process.pid}) stopped")
            child.process = None
            Path(self.config.run / f"{child.spec.name}.pid").unlink(missing_ok=True)


def run(config: ClusterConfig) -> None:
    _Runner(config).run()
