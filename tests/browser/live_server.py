"""A Daphne subprocess serving helpdesk.asgi:application against the test database."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

STARTUP_SECONDS = 60


def database_url_for_tests() -> str:
    """Return a DATABASE_URL naming the test database the tests write to."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + db["NAME"]))


class LiveDaphne:
    """Serve the project with Daphne on a loopback socket; `url` is what a browser opens."""

    host = "localhost"  # Chromium treats http://localhost as secure, so Secure cookies work.

    def __init__(self, *, log_path: Path):
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(
            DATABASE_URL=database_url_for_tests(), DJANGO_SETTINGS_MODULE="helpdesk.settings", PYTHONUNBUFFERED="1"
        )
        return env

    def start(self) -> None:
        # The parent binds the socket and hands it over, so no other process can take the port meanwhile.
        listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = listener.getsockname()[1]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with listener, self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "daphne", "--fd", str(listener.fileno()), "helpdesk.asgi:application"],
                cwd=settings.BASE_DIR,
                env=self._environment(),
                pass_fds=[listener.fileno()],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_serving()

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Daphne exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz", headers={"Host": self.host})
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Daphne did not answer within {STARTUP_SECONDS} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
