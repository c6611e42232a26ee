import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from helpdesk.core.schedule import JOBS

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic jobs in helpdesk/core/schedule.py forever (what `make run` starts), or once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")

    def _run(self, job) -> None:
        try:
            call_command(job.command, *job.args, stdout=self.stdout)
        except Exception:  # one failing job must not stop the others
            logger.exception("periodic job %s failed", job.command)

    def handle(self, *args, once=False, **options):
        due = dict.fromkeys(JOBS, 0.0)
        while True:
            now = time.monotonic()
            for job, at in due.items():
                if at <= now:
                    self._run(job)
                    due[job] = now + job.every_seconds
            if once:
                return
            time.sleep(max(1.0, min(due.values()) - time.monotonic()))
