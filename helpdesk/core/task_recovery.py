"""Tasks whose worker died mid-job: run them again, or fail them visibly.

django-tasks' database backend marks a row RUNNING when a worker claims it and only the same
worker finishes it, so a worker killed mid-task (OOM, SIGKILL, a lost host) leaves the row
RUNNING for ever: the task is neither retried nor failed. `recover_tasks`, run by the
scheduler, puts rows RUNNING for longer than HELPDESK_TASK_STALE_SECONDS back in the queue,
and fails them (WorkerLost, visible under *Task results* in the admin) once
HELPDESK_TASK_ATTEMPTS workers have claimed them, so a task that kills its worker cannot loop.

Our tasks are safe to run again (each re-reads its rows and sends one email): a retry can at
worst repeat an email whose worker died between sending it and recording it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class WorkerLost(RuntimeError):
    """The worker running the task stopped before finishing it."""


def tasks_recover_stale(*, now=None) -> tuple[int, int]:
    """Requeue or fail the tasks stuck RUNNING; return (requeued, failed)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.HELPDESK_TASK_STALE_SECONDS)
    requeued = failed = 0
    with transaction.atomic():
        stuck = DBTaskResult.objects.running().filter(started_at__lt=cutoff).select_for_update(skip_locked=True)
        for row in stuck:
            if len(row.worker_ids) < settings.HELPDESK_TASK_ATTEMPTS:
                row.status, row.started_at = TaskResultStatus.READY, None
                row.save(update_fields=["status", "started_at"])
                requeued += 1
            else:
                row.set_failed(WorkerLost(f"{len(row.worker_ids)} workers claimed the task and none finished it"))
                failed += 1
    return requeued, failed
