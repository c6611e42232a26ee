"""The loopback cluster's nginx configuration and its supervisor's restart logic, without starting anything."""

import re
import subprocess

import pytest
from django.test import override_settings

from cluster.config import ClusterConfig
from cluster.nginx import BodyLimits, nginx_binary, render, write_config
from cluster.supervisor import ChildSpec, RestartPolicy, Supervisor, child_specs

MIB = 1024 * 1024
LIMITS = BodyLimits(attachment_bytes=10 * MIB, attachments_per_message=5, email_bytes=40 * MIB, api_bytes=MIB)


@pytest.fixture
def config(tmp_path):
    return ClusterConfig.from_environment({"CLUSTER_PORT": "18080", "CLUSTER_WORKER_PORT": "18101"}, root=tmp_path)


def test_rendered_config_names_every_worker_and_the_app_s_limits(config):
    text = render(config, LIMITS, as_root=False)

    assert not re.findall(r"@[A-Z_]+@", text)
    assert "listen 127.0.0.1:18080;" in text
    for port in (18101, 18102, 18103):
        assert f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" in text
    assert "client_max_body_size 52224k;" in text  # five 10 MiB attachments and 1 MiB of form
    assert "client_max_body_size 1024k;" in text  # the API's own limit
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert f"alias {config.static_root}/;" in text
    assert "user " not in text


def test_rendered_config_drops_root_for_its_workers_when_started_as_root(config):
    assert "user www-data;" in render(config, LIMITS, as_root=True)


@pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (make cluster installs nginx-light)")
def test_nginx_accepts_the_rendered_config(config):
    config.logs.mkdir(parents=True)
    config.run.mkdir(parents=True)
    conf = write_config(config, LIMITS)

    checked = subprocess.run(
        [nginx_binary(), "-t", "-p", f"{config.nginx_dir}/", "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


@override_settings(HELPDESK_ATTACHMENT_MAX_BYTES=2 * MIB, HELPDESK_EMAIL_MAX_BYTES=30 * MIB, API_MAX_BODY_BYTES=4096)
def test_body_limits_follow_the_settings():
    from django.conf import settings

    limits = BodyLimits.from_settings(settings)

    assert limits.body_max == 31 * MIB  # the email is bigger than five 2 MiB attachments
    assert limits.api_bytes == 4096


def test_cluster_environment_is_its_own_and_production_like(config):
    env = config.django_environment({"DATABASE_URL": "sqlite:///elsewhere", "DEBUG": "1", "PATH": "/usr/bin"})

    assert env["DATABASE_URL"] == "postgresql://postgres@127.0.0.1:5433/helpdesk_cluster"
    assert env["REDIS_URL"] == "redis://127.0.0.1:6380/0"
    assert env["DEBUG"] == "0"
    assert env["HELPDESK_BEHIND_PROXY"] == "1"
    assert env["PATH"] == "/usr/bin"
    assert env["SECRET_KEY"] == config.django_environment({})["SECRET_KEY"]  # kept in the cluster's root


def test_each_cluster_process_gets_a_database_pool_unless_turned_off(tmp_path):
    pooled = ClusterConfig.from_environment({}, root=tmp_path).django_environment({})
    kept = ClusterConfig.from_environment({"CLUSTER_DB_POOL": "0"}, root=tmp_path).django_environment({})

    assert (pooled["DATABASE_POOL_SIZE"], pooled["DATABASE_CONN_MAX_AGE"]) == ("10", "0")
    assert (kept["DATABASE_POOL_SIZE"], kept["DATABASE_CONN_MAX_AGE"]) == ("0", "60")


def test_an_external_database_and_redis_are_used_as_given(tmp_path):
    config = ClusterConfig.from_environment(
        {"CLUSTER_DATABASE_URL": "postgresql://u@db:5432/x", "CLUSTER_REDIS_URL": "redis://r:6379/3"}, root=tmp_path
    )

    assert (config.own_postgres, config.own_redis) == (False, False)
    assert (config.database_url, config.redis_url) == ("postgresql://u@db:5432/x", "redis://r:6379/3")


def test_the_supervisor_runs_three_daphnes_behind_the_proxy_a_task_worker_and_the_scheduler(config):
    specs = {spec.name: spec.argv for spec in child_specs(config)}

    assert sorted(specs) == ["daphne-1", "daphne-2", "daphne-3", "scheduler", "worker"]
    assert specs["daphne-2"][specs["daphne-2"].index("-p") + 1] == "18102"
    assert "--proxy-headers" in specs["daphne-1"]
    assert specs["worker"][-2:] == ("db_worker", "--no-reload")


class FakeProcess:
    def __init__(self, pid: int):
        self.pid = pid
        self.code: int | None = None

    def poll(self) -> int | None:
        return self.code


class Spawner:
    """Hands out fake processes with increasing pids; `fail` makes the next spawns raise."""

    def __init__(self):
        self.started: list[FakeProcess] = []
        self.fail = 0

    def __call__(self, spec: ChildSpec) -> FakeProcess:
        if self.fail:
            self.fail -= 1
            raise OSError("no such file")
        process = FakeProcess(100 + len(self.started))
        self.started.append(process)
        return process


def supervised(policy=None):
    spawner = Spawner()
    events: list[str] = []
    supervisor = Supervisor([ChildSpec("daphne-1", ("daphne",))], spawn=spawner, policy=policy, on_event=events.append)
    supervisor.start_all(now=0.0)
    return supervisor, spawner, events


def test_restart_delays_double_up_to_the_maximum():
    policy = RestartPolicy(initial=1, factor=2, maximum=30)

    assert [policy.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_running_child_is_left_alone():
    supervisor, spawner, _ = supervised()

    supervisor.tick(now=100.0)

    assert len(spawner.started) == 1
    assert supervisor.state()["daphne-1"] == {
        "pid": 100,
        "running": True,
        "restarts": 0,
        "last_exit": None,
        "restart_at": None,
        "history": [],
    }


def test_a_killed_child_is_restarted_after_the_first_delay_and_not_before():
    supervisor, spawner, events = supervised()
    spawner.started[0].code = -9  # SIGKILL

    supervisor.tick(now=5.0)
    supervisor.tick(now=5.5)
    assert len(spawner.started) == 1
    supervisor.tick(now=6.0)

    assert len(spawner.started) == 2
    state = supervisor.state()["daphne-1"]
    assert (state["pid"], state["restarts"], state["last_exit"]) == (101, 1, -9)
    assert "daphne-1 (pid 100) exited with SIGKILL after 5.0 s; restarting in 1 s" in events


def test_crashes_in_a_row_back_off_and_a_long_run_forgives_them():
    supervisor, spawner, _ = supervised(RestartPolicy(initial=1, factor=2, maximum=30, stable_after=60))
    now = 0.0
    delays = []
    for _ in range(4):  # each start crashes after 0.5 s
        now += 0.5
        spawner.started[-1].code = 1
        supervisor.tick(now)
        delays.append(supervisor.children["daphne-1"].restart_at - now)
        now = supervisor.children["daphne-1"].restart_at
        supervisor.tick(now)
    assert delays == [1, 2, 4, 8]

    now += 120  # a long, healthy run, then a crash
    spawner.started[-1].code = 1
    supervisor.tick(now)

    assert supervisor.children["daphne-1"].restart_at - now == 1


def test_a_child_that_cannot_be_started_is_retried_with_backoff():
    supervisor, spawner, events = supervised()
    spawner.started[0].code = 1
    spawner.fail = 2

    supervisor.tick(now=10.0)  # exited: restart in 1 s
    supervisor.tick(now=11.0)  # the start fails: in 2 s
    supervisor.tick(now=13.0)  # fails again: in 4 s
    supervisor.tick(now=16.9)
    assert len(spawner.started) == 1
    supervisor.tick(now=17.0)

    assert len(spawner.started) == 2
    assert supervisor.state()["daphne-1"]["running"] is True
    assert sum("could not start" in event for event in events) == 2
