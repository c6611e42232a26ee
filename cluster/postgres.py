"""The cluster's PostgreSQL: its own server under var/cluster/postgres/ (default), or a database on an existing one.

Its own server is what lets the `postgres-restart` fault stop and start PostgreSQL without
touching the machine's shared one (other projects and CI use that). It is Debian's PostgreSQL
binaries with a data directory of ours, run as the `postgres` user when we are root (initdb
refuses root).
"""

import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .config import HOST, ClusterConfig


def bin_dir() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if candidates:
        return candidates[-1].parent
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise SystemExit(
        "PostgreSQL's server binaries are missing: `apt-get install postgresql`, or set CLUSTER_DATABASE_URL "
        "to a database on a server you have."
    )


def data_dir(config: ClusterConfig) -> Path:
    return config.postgres_dir / "data"


def log_file(config: ClusterConfig) -> Path:
    return config.postgres_dir / "postgres.log"


def _as_owner(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _owner_ids() -> tuple[int, int]:
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def pg_ctl(config: ClusterConfig, action: str, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
    argv = [str(bin_dir() / "pg_ctl"), "-D", str(data_dir(config)), action, *extra]
    return subprocess.run(_as_owner(argv), capture_output=True, text=True, check=check)


def is_running(config: ClusterConfig) -> bool:
    if not data_dir(config).exists():
        return False
    return pg_ctl(config, "status", check=False).returncode == 0


def server_pid(config: ClusterConfig) -> int | None:
    try:
        return int((data_dir(config) / "postmaster.pid").read_text().splitlines()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def _init(config: ClusterConfig) -> None:
    config.postgres_dir.mkdir(parents=True, exist_ok=True)
    uid, gid = _owner_ids()
    os.chown(config.postgres_dir, uid, gid)
    argv = [
        str(bin_dir() / "initdb"),
        "-D",
        str(data_dir(config)),
        "-U",
        "postgres",
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C.UTF-8",
    ]
    done = subprocess.run(_as_owner(argv), capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"initdb failed:\n{done.stdout}\n{done.stderr}")


def start_server(config: ClusterConfig) -> None:
    """Start the cluster's own PostgreSQL (initialising it on first use) and wait until it answers."""
    if not (data_dir(config) / "PG_VERSION").exists():
        _init(config)
    if is_running(config):
        return
    options = f"-p {config.postgres_port} -c listen_addresses={HOST} -c unix_socket_directories={config.postgres_dir}"
    done = pg_ctl(config, "start", "-w", "-t", "60", "-l", str(log_file(config)), "-o", options, check=False)
    if done.returncode:
        raise SystemExit(f"PostgreSQL did not start ({done.stderr.strip()}); see {log_file(config)}")


def stop_server(config: ClusterConfig, mode: str = "fast") -> bool:
    if not is_running(config):
        return False
    pg_ctl(config, "stop", "-w", "-m", mode)
    return True


def wait_ready(config: ClusterConfig, timeout: float = 60) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(_maintenance_url(config.database_url), connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _maintenance_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def ensure_database(config: ClusterConfig) -> bool:
    """Create the cluster's database when it is missing; True when it was created."""
    import psycopg
    from psycopg import sql

    name = database_name(config.database_url)
    with psycopg.connect(_maintenance_url(config.database_url), autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def drop_database(config: ClusterConfig) -> None:
    import psycopg
    from psycopg import sql

    name = database_name(config.database_url)
    with psycopg.connect(_maintenance_url(config.database_url), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
