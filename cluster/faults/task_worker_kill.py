"""Fault e: SIGKILL the task worker (manage.py db_worker) while it runs a task.

To catch the task mid-run, the fault holds a row lock on one unsolved ticket from a connection of
its own, then enqueues `tickets_sla_recompute` (which locks each unsolved ticket in turn): the task
starts, blocks on that ticket, and is killed there. The fault then lets go of the lock and watches
what becomes of the task once the supervisor has restarted the worker.
"""

import os
import signal
import time

import psycopg

from ..config import ClusterConfig
from .common import Report, child_pid, django_setup, restarts, wait_until

EXPECTED = [
    "after the killed worker is restarted, the task that was running is run again or marked failed "
    "(visibly, with a reason), never left as if it were still running",
]


def run(config: ClusterConfig, options) -> Report:
    report = Report("task-worker-kill", EXPECTED)
    django_setup(config)
    from django_tasks_db.models import DBTaskResult

    from helpdesk.tickets.models import UNSOLVED, Ticket
    from helpdesk.tickets.tasks import tickets_sla_recompute

    ticket = Ticket.objects.filter(status__in=UNSOLVED).order_by("pk").first()
    if ticket is None:
        return report.skip("no unsolved ticket to hold the task on (seed_demo creates some)")
    with psycopg.connect(config.database_url) as holder:
        holder.execute(f"SELECT 1 FROM {Ticket._meta.db_table} WHERE id = %s FOR UPDATE", [ticket.pk])  # noqa: S608
        report.step(f"locked ticket {ticket.pk} from a connection of the fault's own")
        result = tickets_sla_recompute.enqueue()
        report.step(f"enqueued tickets_sla_recompute (task {result.id})")
        running = wait_until(
            lambda: DBTaskResult.objects.filter(pk=result.id, status="RUNNING").first(), timeout=30, interval=0.2
        )
        if not running:
            report.check(False, "the worker started the task within 30 s")
            return report
        pid = child_pid(config, "worker")
        restarts_before = restarts(config, "worker")
        report.saw(f"the task is RUNNING on worker {running.worker_ids} (pid {pid}), blocked on the locked ticket")
        os.kill(pid, signal.SIGKILL)
        report.step(f"SIGKILLed the task worker (pid {pid}) mid-task")
        time.sleep(1)
        holder.rollback()
    report.step("released the ticket lock")

    restarted = wait_until(
        lambda: child_pid(config, "worker") not in (None, pid) and child_pid(config, "worker"), timeout=60
    )
    report.check(bool(restarted), f"the supervisor restarted the worker: new pid {restarted}")
    report.saw(f"worker restarts counted by the supervisor: {restarts_before} -> {restarts(config, 'worker')}")
    watch = options.watch
    settled = wait_until(
        lambda: DBTaskResult.objects.filter(pk=result.id).exclude(status="RUNNING").first(), timeout=watch, interval=1
    )
    row = DBTaskResult.objects.get(pk=result.id)
    report.saw(
        f"{watch:g} s later the task is {row.status} (worker_ids {row.worker_ids}, started {row.started_at:%H:%M:%S}, "
        f"finished {row.finished_at or '-'}, exception {row.exception_class_path or '-'})"
    )
    report.check(
        settled is not None,
        "the task was run again or marked failed after the restart (it is still RUNNING: django-tasks-db never "
        "looks at a RUNNING row again, see docs/operations.md)"
        if settled is None
        else f"the task ended as {row.status}",
    )
    return report
