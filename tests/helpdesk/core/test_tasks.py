"""Background tasks: queued in the database in production, run by `manage.py db_worker`."""

import signal
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from helpdesk.core.management.commands import serve

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@task()
def greet(name: str) -> str:
    return f"Hello, {name}"


@pytest.fixture
def worker_signals():
    """db_worker installs its own signal handlers; give the test process its own back."""
    names = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {name: signal.getsignal(name) for name in names}
    yield
    for name, handler in saved.items():
        signal.signal(name, handler)


@pytest.mark.django_db
def test_tests_run_tasks_immediately():
    result = greet.enqueue("Reza")

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "Hello, Reza"
    assert not DBTaskResult.objects.exists()


# The worker closes and reopens connections between tasks, as it must outside a test transaction.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_database_backend_queues_a_row_until_a_worker_runs_it(worker_signals):
    # Given a task enqueued with the production backend
    result = greet.enqueue("Emma")
    queued = DBTaskResult.objects.get(id=result.id)
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == "tests.helpdesk.core.test_tasks.greet"

    # When a worker processes the queue once
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    # Then the task ran and its result is recorded
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "Hello, Emma"


def _claimed_and_abandoned(result, *workers: str) -> None:
    """Workers claimed the task and died (SIGKILL, OOM) an hour ago, leaving it RUNNING."""
    row = DBTaskResult.objects.get(id=result.id)
    for worker in workers:
        row.claim(worker)
    DBTaskResult.objects.filter(id=row.id).update(started_at=timezone.now() - timedelta(hours=1))


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_task_whose_worker_died_mid_job_is_requeued_and_the_next_worker_runs_it(worker_signals):
    result = greet.enqueue("Omar")
    _claimed_and_abandoned(result, "worker-killed")
    out = StringIO()

    call_command("recover_tasks", stdout=out)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert "1 requeued, 0 failed" in out.getvalue()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "Hello, Omar"
    assert len(DBTaskResult.objects.get(id=result.id).worker_ids) == 2


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS, HELPDESK_TASK_ATTEMPTS=2)
def test_a_task_that_lost_its_worker_on_every_attempt_is_failed_visibly_not_requeued():
    result = greet.enqueue("Lina")
    _claimed_and_abandoned(result, "worker-1", "worker-2")
    out = StringIO()

    call_command("recover_tasks", stdout=out)

    assert "0 requeued, 1 failed" in out.getvalue()
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "helpdesk.core.task_recovery.WorkerLost"
    assert "2 workers claimed the task" in row.traceback


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS, HELPDESK_TASK_STALE_SECONDS=2 * 3600)
def test_a_task_still_within_its_time_is_left_running():
    result = greet.enqueue("Sara")
    _claimed_and_abandoned(result, "worker-busy")
    out = StringIO()

    call_command("recover_tasks", stdout=out)

    assert out.getvalue() == ""
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.RUNNING


class FakeProcess:
    """A child process that is still running; Daphne's wait() returns, or delivers a signal to serve."""

    deliver_while_waiting = None

    def __init__(self, args, cwd=None):
        self.args = args
        self.signals = []

    def wait(self, timeout=None):
        if "daphne" in self.args and self.deliver_while_waiting and not self.signals:
            signal.getsignal(self.deliver_while_waiting)(self.deliver_while_waiting, None)
        return 0

    def poll(self):
        return None

    def send_signal(self, sig):
        self.signals.append(sig)


@pytest.fixture
def started(monkeypatch):
    """Record the processes `manage.py serve` starts instead of starting them."""
    processes = []

    def popen(args, cwd=None, env=None):
        process = FakeProcess(args, cwd)
        process.env = env
        processes.append(process)
        return process

    monkeypatch.setattr(serve.subprocess, "Popen", popen)
    monkeypatch.delenv("HELPDESK_SITE_URL", raising=False)
    return processes


@override_settings(TASKS_BACKEND="database")
def test_serve_starts_the_worker_beside_daphne(started):
    call_command("serve", port=8123, stdout=StringIO())

    commands = [process.args[1:] for process in started]
    assert ["manage.py", "db_worker"] in commands
    assert ["manage.py", "run_schedule"] in commands
    assert ["-m", "daphne", "-b", "127.0.0.1", "-p", "8123", "helpdesk.asgi:application"] in commands
    assert {process.env["HELPDESK_SITE_URL"] for process in started} == {"http://127.0.0.1:8123"}
    assert all(process.args[0] == sys.executable for process in started)
    worker = next(process for process in started if "db_worker" in process.args)
    assert worker.signals == [signal.SIGTERM]


@override_settings(TASKS_BACKEND="database")
def test_sigterm_to_serve_stops_daphne_and_the_worker(started, monkeypatch):
    # Given `serve` is stopped by systemd or `kill` while Daphne runs
    monkeypatch.setattr(FakeProcess, "deliver_while_waiting", signal.SIGTERM)
    handler_before = signal.getsignal(signal.SIGTERM)

    call_command("serve", stdout=StringIO())

    # Then both children are told to stop, and the test process gets its own handler back
    assert [process.signals for process in started] == [[signal.SIGTERM]] * 3
    assert signal.getsignal(signal.SIGTERM) == handler_before


@pytest.mark.parametrize(
    ("backend", "options", "expected"),
    [("immediate", {}, ["run_schedule", "-m"]), ("database", {"no_worker": True}, ["-m"])],
)
def test_serve_starts_no_worker_when_none_is_needed(started, backend, options, expected):
    with override_settings(TASKS_BACKEND=backend):
        call_command("serve", stdout=StringIO(), **options)

    assert [process.args[-1] if process.args[1] == "manage.py" else process.args[1] for process in started] == expected
