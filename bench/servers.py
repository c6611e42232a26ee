"""Start the helpdesk under a given server, as a subprocess on a loopback socket of its own."""

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Settings the benchmark decides; the caller's values for them are not passed on.
OWN_PREFIXES = ("HELPDESK_", "DATABASE_", "REDIS_", "SECURE_", "EMAIL_")
OWN_NAMES = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "LOG_LEVEL", "DJANGO_SETTINGS_MODULE"}


def server_environment(data_dir: Path, *, database_url: str = "", redis_url: str = "") -> dict[str, str]:
    """A production-like environment (DEBUG off) with its own data dir and a fresh SECRET_KEY."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES) and k not in OWN_NAMES}
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        HELPDESK_DATA_DIR=str(data_dir),
        HELPDESK_STATIC_MANIFEST="0",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # docs/configuration.md recommends keeping connections open in production (60 s with PostgreSQL).
        DATABASE_CONN_MAX_AGE="60",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def migrate(env: dict[str, str]) -> None:
    """Run migrations into the environment's database, raising with the output if they fail."""
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"migrate failed:\n{done.stdout}\n{done.stderr}")


def copy_data_dir(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


@dataclass(frozen=True)
class ServerSpec:
    """How to serve the project: `command(fd)` is one process's argv; `processes` share the socket."""

    name: str
    describe: str
    argv: tuple[str, ...]
    processes: int = 1

    def command(self, fd: int) -> list[str]:
        return [sys.executable, *(part.format(fd=fd) for part in self.argv)]


def daphne(processes: int = 1) -> ServerSpec:
    name = "daphne" if processes == 1 else f"daphne x{processes}"
    describe = "Daphne, one process" if processes == 1 else f"{processes} Daphne processes sharing one socket"
    argv = ("-m", "daphne", "--fd", "{fd}", "-v", "0", "helpdesk.asgi:application")
    return ServerSpec(name=name, describe=describe, argv=argv, processes=processes)


def gunicorn(workers: int) -> ServerSpec:
    argv = ("-m", "gunicorn", "--bind", "fd://{fd}", "--workers", str(workers), "helpdesk.wsgi:application")
    return ServerSpec(name=f"gunicorn x{workers}", describe=f"gunicorn, {workers} sync workers (WSGI)", argv=argv)


class RunningServer:
    """The server's processes, listening on 127.0.0.1:port, logging to `log_path`."""

    def __init__(self, spec: ServerSpec, *, env: dict[str, str], log_path: Path, startup_seconds: float = 60):
        self.spec = spec
        self.log_path = log_path
        listener = socket.create_server(("127.0.0.1", 0), backlog=256)
        self.port = listener.getsockname()[1]
        fd = listener.fileno()
        with listener, log_path.open("wb") as log:
            self.processes = [
                subprocess.Popen(
                    spec.command(fd),
                    cwd=BASE_DIR,
                    env=env,
                    pass_fds=[fd],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                for _ in range(spec.processes)
            ]
        try:
            self._wait_until_serving(startup_seconds)
        except BaseException:
            self.stop()
            raise

    def _wait_until_serving(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{self.spec.name} exited with {process.returncode}:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz", headers={"Host": "localhost"})
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.spec.name} did not answer within {seconds:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server's processes and their children so far (Linux only)."""
        ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        pids = {process.pid for process in self.processes}
        total, found = 0, False
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid in pids or ppid in pids:
                total += int(fields[11]) + int(fields[12])  # utime, stime
                found = True
        return total / ticks if found else None

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
