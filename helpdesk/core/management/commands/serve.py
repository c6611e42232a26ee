import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve HTTP and WebSockets with Daphne, with the task worker beside it (what `make run` runs)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the task worker or the periodic-job runner."
        )

    def _print_banner(self, base: str) -> None:
        self.stdout.write(f"\nHelpdesk is running at {base}/\n")
        for label, path in [
            ("Home (English)", "/en/"),
            ("Home (Arabic)", "/ar/"),
            ("Home (Persian)", "/fa/"),
            ("Staff sign-in", "/en/staff/sign-in/"),
            ("Knowledge base editor", "/cms/"),
            ("Django admin", "/admin/"),
            ("API schema / docs", "/api/schema/  /api/docs/"),
            ("Health", "/healthz"),
        ]:
            self.stdout.write(f"  {label:<22} {base}{path}")
        logins = Path(settings.DATA_DIR) / "demo-logins.json"
        if settings.DEBUG and logins.exists():
            self.stdout.write("\nDemo logins:")
            for email, password in json.loads(logins.read_text()).items():
                self.stdout.write(f"  {email:<24} {password}")
        self.stdout.write("\nPress Ctrl-C to stop.\n")

    def handle(self, *args, host, port, no_worker, **options):
        children = []
        # Links in emails (sign-in links, surveys) point at the address actually served.
        env = {**os.environ}
        env.setdefault("HELPDESK_SITE_URL", f"http://{host}:{port}")
        if not no_worker and settings.TASKS_BACKEND == "database":
            children.append(
                subprocess.Popen([sys.executable, "manage.py", "db_worker"], cwd=settings.BASE_DIR, env=env)
            )
        if not no_worker:
            children.append(
                subprocess.Popen([sys.executable, "manage.py", "run_schedule"], cwd=settings.BASE_DIR, env=env)
            )
        daphne = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", host, "-p", str(port), "helpdesk.asgi:application"],
            cwd=settings.BASE_DIR,
            env=env,
        )
        children.append(daphne)
        self._print_banner(f"http://{host}:{port}")
        # A SIGTERM (systemd, docker stop, kill) stops the children like Ctrl-C instead of orphaning them.
        previous_handler = signal.signal(signal.SIGTERM, _interrupt)
        try:
            daphne.wait()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous_handler)
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()


def _interrupt(signum, frame):
    raise KeyboardInterrupt
