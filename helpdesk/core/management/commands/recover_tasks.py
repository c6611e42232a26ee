from django.conf import settings
from django.core.management.base import BaseCommand

from helpdesk.core.task_recovery import tasks_recover_stale


class Command(BaseCommand):
    help = "Requeue background tasks left RUNNING by a worker that died, or fail them after repeated attempts."

    def handle(self, *args, **options):
        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            return
        requeued, failed = tasks_recover_stale()
        if requeued or failed:
            self.stdout.write(f"Tasks left by a dead worker: {requeued} requeued, {failed} failed.")
