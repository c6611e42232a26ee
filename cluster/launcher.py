"""`start`, `stop`, `status` and `clean`: bring the whole loopback cluster up, report on it, take it down."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import index_fs, nginx, postgres, redis
from .config import BASE_DIR, ClusterConfig
from .probe import get
from .processes import pid_alive, read_pid, terminate

READY_SECONDS = 240


def say(message: str) -> None:
    print(f"cluster: {message}", flush=True)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(BASE_DIR))
    except ValueError:
        return str(path)


def _manage(config: ClusterConfig, env: dict[str, str], *args: str) -> None:
    """Run one manage.py command with the cluster's environment, its output going to logs/setup.log."""
    log_path = config.logs / "setup.log"
    with log_path.open("a") as log:
        log.write(f"\n$ manage.py {' '.join(args)}\n")
        log.flush()
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    if done.returncode:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
        raise SystemExit(f"manage.py {' '.join(args)} failed (exit {done.returncode}):\n{tail}")


def _body_limits(env: dict[str, str]) -> nginx.BodyLimits:
    os.environ.update(env)
    from django.conf import settings

    return nginx.BodyLimits.from_settings(settings)


def supervisor_pid(config: ClusterConfig) -> int | None:
    pid = read_pid(config.run / "supervisor.pid")
    return pid if pid and pid_alive(pid) else None


def _start_supervisor(config: ClusterConfig) -> int:
    with (config.logs / "supervisor.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cluster", "supervise"],
            cwd=BASE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives the shell (and make) that started it
        )
    return process.pid


def _wait_ready(config: ClusterConfig, supervisor: int) -> None:
    """Wait until every worker answers /healthz with 200 directly, then through nginx."""
    urls = [f"{config.worker_url(port)}/healthz" for port in config.worker_ports] + [f"{config.url}/healthz"]
    deadline = time.monotonic() + READY_SECONDS
    waiting = list(urls)
    while waiting:
        if not pid_alive(supervisor):
            raise SystemExit(f"The supervisor exited; see {_relative(config.logs / 'supervisor.log')}")
        answer = get(waiting[0], timeout=10)
        if answer.status == 200:
            waiting.pop(0)
            continue
        if time.monotonic() > deadline:
            raise SystemExit(
                f"{waiting[0]} did not answer 200 within {READY_SECONDS} s "
                f"(last: {answer.status or answer.error} {answer.body[:300]}); see {_relative(config.logs)}/"
            )
        time.sleep(0.5)


def start(config: ClusterConfig) -> None:
    for path in (config.root, config.logs, config.run, config.data_dir, config.nginx_dir):
        path.mkdir(parents=True, exist_ok=True)
    binary = nginx.ensure_installed(say)
    env = config.django_environment()

    if config.own_postgres:
        say(f"PostgreSQL: own server on port {config.postgres_port} ({_relative(config.postgres_dir)})")
        postgres.start_server(config)
    postgres.wait_ready(config)
    if postgres.ensure_database(config):
        say(f"created database {postgres.database_name(config.database_url)}")
    if config.own_redis:
        say(f"Redis: own server on port {config.redis_port}")
        redis.start_server(config)
    index_place = index_fs.mount(config)
    say(f"search index {index_place}")

    say(f"migrate, seed_demo, collectstatic, kb_reindex (output in {_relative(config.logs / 'setup.log')})")
    _manage(config, env, "migrate", "--no-input")
    _manage(config, env, "seed_demo", "--force")
    _manage(config, env, "collectstatic", "--no-input")
    _manage(config, env, "kb_reindex")

    supervisor = supervisor_pid(config)
    if supervisor:
        say(f"supervisor already running (pid {supervisor})")
    else:
        supervisor = _start_supervisor(config)
        say(
            f"supervisor started (pid {supervisor}): {len(config.worker_ports)} Daphne workers, db_worker, run_schedule"
        )
    conf = nginx.write_config(config, _body_limits(env))
    nginx.start(config, binary, conf)
    say("waiting for /healthz on every worker and through nginx")
    _wait_ready(config, supervisor)
    print()
    print(f"Helpdesk cluster is up at {config.url}/")
    print_status(config, health=False)
    _print_logins(config)


def _print_logins(config: ClusterConfig) -> None:
    logins = config.data_dir / "demo-logins.json"
    if not logins.exists():
        return
    # Browsers keep Secure cookies (DEBUG is off) over plain HTTP on localhost only.
    browser_url = config.url.replace("127.0.0.1", "localhost")
    print(f"\nDemo logins (in a browser, sign in at {browser_url}/en/staff/sign-in/):")
    for email, password in json.loads(logins.read_text()).items():
        print(f"  {email:<24} {password}")
    print(
        "\nStop: make cluster-stop    Status: make cluster-status    "
        "Faults: .venv/bin/python -m cluster fault --list (docs/operations.md)"
    )


def _components(config: ClusterConfig) -> list[tuple[str, int | None, str]]:
    state = {}
    state_file = config.run / "state.json"
    if state_file.exists():
        state = json.loads(state_file.read_text()).get("children", {})
    rows = [("nginx", read_pid(nginx.pid_file(config)), f"{config.url} -> workers")]
    rows.append(("supervisor", read_pid(config.run / "supervisor.pid"), "restarts children that exit"))
    ports = dict(zip((f"daphne-{i}" for i in range(1, len(config.worker_ports) + 1)), config.worker_ports, strict=True))
    for name in [*ports, "worker", "scheduler"]:
        restarts = state.get(name, {}).get("restarts", 0)
        where = (
            config.worker_url(ports[name])
            if name in ports
            else {"worker": "db_worker", "scheduler": "run_schedule"}[name]
        )
        rows.append((name, read_pid(config.run / f"{name}.pid"), f"{where}, restarted {restarts}x"))
    if config.own_postgres:
        rows.append(("postgresql", postgres.server_pid(config), f"127.0.0.1:{config.postgres_port}, own server"))
    if config.own_redis:
        rows.append(("redis", read_pid(redis.pid_file(config)), f"127.0.0.1:{config.redis_port}, own server"))
    return rows


def print_status(config: ClusterConfig, *, health: bool = True) -> bool:
    """Print each component with its pid; with `health`, what /healthz says. True when all is well."""
    healthy = True
    print(f"\n  {'component':<12} {'pid':>8}  {'state':<8} where")
    for name, pid, where in _components(config):
        alive = bool(pid and pid_alive(pid))
        healthy &= alive
        print(f"  {name:<12} {pid or '-':>8}  {'running' if alive else 'STOPPED':<8} {where}")
    mounted = index_fs.is_mounted(config)
    index = f"own tmpfs, {index_fs.free_bytes(config) // 1024} KB free" if mounted else "data dir's filesystem"
    print(f"\n  database      {config.database_url}")
    print(f"  redis         {config.redis_url}")
    print(f"  search index  {_relative(config.index_dir)} ({index})")
    print(f"  logs          {_relative(config.logs)}/ (nginx-*.log, daphne-N.log, worker.log, scheduler.log,")
    print(
        "                supervisor.log, setup.log, redis.log)"
        + (f"; PostgreSQL: {_relative(postgres.log_file(config))}" if config.own_postgres else "")
    )
    if health:
        print()
        for label, url in [("nginx", config.url)] + [
            (f"worker :{port}", config.worker_url(port)) for port in config.worker_ports
        ]:
            answer = get(f"{url}/healthz", timeout=10)
            checks = answer.json().get("checks", answer.error or answer.body[:80])
            healthy &= answer.status == 200
            print(f"  /healthz via {label:<13} {answer.status or 'no answer'}  {checks}")
    return healthy


def stop(config: ClusterConfig) -> None:
    if nginx.stop(config):
        say("nginx stopped")
    supervisor = supervisor_pid(config)
    if supervisor:
        terminate(supervisor, timeout=30)
        say(f"supervisor (pid {supervisor}) and its children stopped")
    # Children a killed supervisor left behind.
    for pid_path in sorted(config.run.glob("*.pid")) if config.run.exists() else []:
        if pid_path.name in ("nginx.pid", "redis.pid", "supervisor.pid"):
            continue
        pid = read_pid(pid_path)
        if pid and pid_alive(pid):
            terminate(pid)
            say(f"{pid_path.stem} (pid {pid}) stopped")
        pid_path.unlink(missing_ok=True)
    (config.run / "supervisor.pid").unlink(missing_ok=True)
    if config.own_redis and redis.stop_server(config):
        say("redis stopped")
    if config.own_postgres and postgres.stop_server(config):
        say("PostgreSQL stopped")
    if index_fs.unmount(config):
        say("search index tmpfs unmounted")


def clean(config: ClusterConfig) -> None:
    """Stop everything, then forget it: var/cluster/ (with the own PostgreSQL's data) or the external database."""
    stop(config)
    if not config.own_postgres:
        try:
            postgres.drop_database(config)
            say(f"dropped database {postgres.database_name(config.database_url)}")
        except Exception as error:  # the server may be gone; say so and go on
            say(f"could not drop the database: {error}")
    if config.root.exists():
        shutil.rmtree(config.root)
        say(f"removed {_relative(config.root)}")
