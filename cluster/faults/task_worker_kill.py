"""Fault e: SIGKILL the task worker (manage.py db_worker) while it runs a task, then recover the task.

To catch the task mid-run, the fault holds a row lock on one unsolved ticket from a connection of
its own, then enqueues `tickets_sla_recompute` (which locks each unsolved ticket in turn): the task
starts, blocks on that ticket, and is killed there. The fault then lets go of the lock, checks that
the restarted worker leaves the RUNNING row alone (django-tasks-db only picks READY rows), and runs
`manage.py recover_tasks` as the scheduler would, but with HELPDESK_TASK_STALE_SECONDS shortened so
that the demonstration takes seconds, not the production half hour. The task must then be claimed
again and finish, run by the restarted worker.
"""

import os
import re
import signal
import subprocess
import sys
import time

import psycopg

from ..config import BASE_DIR, ClusterConfig
from .common import Report, child_pid, django_setup, restarts, wait_until

# The fault's stand-in for the production bound (HELPDESK_TASK_STALE_SECONDS, 1800 s by default).
STALE_SECONDS = 5
EXPECTED = [
    "the restarted worker does not pick up the task the killed worker left RUNNING (nothing but recover_tasks does)",
    f"recover_tasks, run with HELPDESK_TASK_STALE_SECONDS={STALE_SECONDS} once the task has been RUNNING longer "
    "than that, puts it back as READY (in production the scheduler runs it every 5 minutes for tasks RUNNING "
    "longer than HELPDESK_TASK_STALE_SECONDS, 1800 s by default)",
    "the restarted worker then claims it (READY -> RUNNING -> SUCCESSFUL) within --watch seconds; "
    "the SLA recompute is idempotent, so running it again is safe",
]
REQUEUED = re.compile(r"(\d+) requeued")
STARTING = re.compile(r"Starting worker worker_id=(\S+)")


def _recover_tasks(config: ClusterConfig) -> subprocess.Popen:
    """manage.py recover_tasks in the cluster's environment, with the fault's short stale bound."""
    env = config.django_environment()
    env["HELPDESK_TASK_STALE_SECONDS"] = str(STALE_SECONDS)
    return subprocess.Popen(
        [sys.executable, "manage.py", "recover_tasks"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _latest_worker_id(config: ClusterConfig) -> str | None:
    """The worker id the (restarted) db_worker announced last in logs/worker.log."""
    try:
        found = STARTING.findall((config.logs / "worker.log").read_text(errors="replace"))
    except OSError:
        return None
    return found[-1].rstrip(",") if found else None


def run(config: ClusterConfig, options) -> Report:
    report = Report("task-worker-kill", EXPECTED)
    django_setup(config)
    from django.utils import timezone
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
        dead_ids = list(running.worker_ids)
        report.saw(f"the task is RUNNING on worker {dead_ids} (pid {pid}), blocked on the locked ticket")
        os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        report.step(f"SIGKILLed the task worker (pid {pid}) mid-task")
        time.sleep(1)
        holder.rollback()
    report.step("released the ticket lock")

    restarted = wait_until(
        lambda: child_pid(config, "worker") not in (None, pid) and child_pid(config, "worker"), timeout=60
    )
    report.check(
        bool(restarted),
        f"the supervisor restarted the worker: new pid {restarted}, "
        f"{time.monotonic() - killed_at:.1f} s after the kill",
    )
    report.saw(f"worker restarts counted by the supervisor: {restarts_before} -> {restarts(config, 'worker')}")

    # Let the row age past the short bound, with the restarted worker polling all along.
    claimed_at = DBTaskResult.objects.get(pk=result.id).started_at
    wait = STALE_SECONDS + 1 - (timezone.now() - claimed_at).total_seconds()
    if wait > 0:
        time.sleep(wait)
    row = DBTaskResult.objects.get(pk=result.id)
    report.check(
        row.status == "RUNNING" and row.worker_ids == dead_ids,
        f"{(timezone.now() - row.started_at).total_seconds():.1f} s after it was claimed, with the restarted worker "
        f"polling, the task is still {row.status} on the dead worker's id {row.worker_ids}: nothing picks it up by "
        "itself",
    )

    report.step(
        f"ran manage.py recover_tasks with HELPDESK_TASK_STALE_SECONDS={STALE_SECONDS} (in production the scheduler "
        "runs it every 5 minutes and requeues tasks RUNNING longer than HELPDESK_TASK_STALE_SECONDS, 1800 s by "
        "default; the short bound only makes this demonstration quick)"
    )
    began = time.monotonic()
    recover = _recover_tasks(config)
    # Watch the row while the command runs and after: the worker may claim it the moment it is READY.
    statuses: list[str] = []
    watch = options.watch
    row = None
    while True:
        row = DBTaskResult.objects.get(pk=result.id)
        if not statuses or statuses[-1] != row.status:
            statuses.append(row.status)
            report.saw(f"{time.monotonic() - began:5.1f} s: the task is {row.status} (worker_ids {row.worker_ids})")
        if row.status in ("SUCCESSFUL", "FAILED") and recover.poll() is not None:
            break
        if time.monotonic() - began > watch:
            break
        time.sleep(0.1)
    output, _ = recover.communicate(timeout=60)
    report.saw(f"recover_tasks exited {recover.returncode}: {output.strip() or '(no output)'}")
    report.check(recover.returncode == 0, "recover_tasks succeeded")
    requeued = REQUEUED.search(output)
    report.check(
        bool(requeued) and int(requeued.group(1)) >= 1,
        "recover_tasks requeued the task (it reports 'Tasks left by a dead worker: N requeued, M failed.')",
    )

    transitions = " -> ".join(statuses)
    # READY may last less than one poll when the worker claims it at once; the row's new claim shows it was READY.
    new_claim = len(row.worker_ids) == len(dead_ids) + 1 and row.worker_ids[:-1] == dead_ids
    started = f"{row.started_at:%H:%M:%S}" if row.started_at else "-"
    finished = f"{row.finished_at:%H:%M:%S}" if row.finished_at else "-"
    report.saw(
        f"the task went {transitions} within {time.monotonic() - began:.1f} s of starting recover_tasks (watched up to "
        f"{watch:g} s); now {row.status}, worker_ids {row.worker_ids}, started "
        f"{started}, finished "
        f"{finished}, return value {row.return_value!r}, exception "
        f"{row.exception_class_path or '-'}"
    )
    report.check(new_claim, f"the task was claimed once more after the recovery: worker_ids {row.worker_ids}")
    announced = _latest_worker_id(config)
    if announced is not None:
        report.check(
            row.worker_ids[-1] == announced,
            f"the new claim is the restarted worker's ({row.worker_ids[-1]}; logs/worker.log announced {announced})",
        )
    report.check(row.status == "SUCCESSFUL", f"the task ended SUCCESSFUL (it is {row.status})")
    return report
