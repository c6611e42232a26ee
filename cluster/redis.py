"""The cluster's own redis-server on 127.0.0.1:CLUSTER_REDIS_PORT (6380), unless CLUSTER_REDIS_URL names another.

Nothing in it needs to outlive a restart (the channel layer's messages and the cache), so it
keeps no snapshot; the `redis-outage` fault stops and starts it without touching the
machine's shared Redis.
"""

import shutil
import subprocess
import time

from .config import HOST, ClusterConfig
from .processes import pid_alive, read_pid


def pid_file(config: ClusterConfig):
    return config.run / "redis.pid"


def _cli(config: ClusterConfig, *args: str, timeout: float = 5) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["redis-cli", "-h", HOST, "-p", str(config.redis_port), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def answers(config: ClusterConfig) -> bool:
    try:
        return _cli(config, "ping", timeout=2).stdout.strip() == "PONG"
    except subprocess.TimeoutExpired:
        return False


def is_running(config: ClusterConfig) -> bool:
    pid = read_pid(pid_file(config))
    return bool(pid and pid_alive(pid))


def start_server(config: ClusterConfig, timeout: float = 15) -> None:
    if not shutil.which("redis-server"):
        raise SystemExit(
            "redis-server is missing: `apt-get install redis-server`, or set CLUSTER_REDIS_URL to a Redis you have."
        )
    if is_running(config) and answers(config):
        return
    config.redis_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "redis-server",
            "--bind",
            HOST,
            "--port",
            str(config.redis_port),
            "--daemonize",
            "yes",
            "--pidfile",
            str(pid_file(config)),
            "--logfile",
            str(config.logs / "redis.log"),
            "--dir",
            str(config.redis_dir),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    deadline = time.monotonic() + timeout
    while not answers(config):
        if time.monotonic() > deadline:
            raise SystemExit(
                f"redis-server did not answer on port {config.redis_port}; see {config.logs / 'redis.log'}"
            )
        time.sleep(0.1)


def stop_server(config: ClusterConfig, timeout: float = 15) -> bool:
    """Shut our redis-server down (it keeps nothing on disk); True when one was running."""
    pid = read_pid(pid_file(config))
    if not pid or not pid_alive(pid):
        return False
    _cli(config, "shutdown", "nosave")
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    pid_file(config).unlink(missing_ok=True)
    return True
