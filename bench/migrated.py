"""Migrated databases to copy, so each fresh database costs a file copy instead of a full migrate.

Rendering the migration states of ~230 migrations (Wagtail's among them) takes Django most of
a minute of CPU, and the benchmarks and the test suite need many fresh databases. The first
caller migrates one template, keyed by the migration files and the installed packages; later
callers copy it: a SQLite file under the temporary directory, or a PostgreSQL database named
`helpdesk_template_<key>` that `CREATE DATABASE ... TEMPLATE` clones. A `migrate` run on the
copy then finds nothing to apply. A file lock keeps parallel callers (pytest-xdist workers,
benchmarks) from building the same template twice.
"""

import fcntl
import hashlib
import os
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .servers import BASE_DIR, migrate, server_environment

SQLITE_NAME = "helpdesk.sqlite3"  # the default database under HELPDESK_DATA_DIR (helpdesk/settings)
TEMPLATE_PREFIX = "helpdesk_template_"
NOT_CODE = {"var", "node_modules", "test-artifacts", "docs", "static", "locale"}
BUILD = "2"  # how templates are built (_environment): a change here must not reuse older templates


def migrations_key() -> str:
    """A hash of the project's migration files and of every installed package's version."""
    digest = hashlib.sha256(BUILD.encode())
    apps = [d for d in BASE_DIR.iterdir() if d.is_dir() and not d.name.startswith(".") and d.name not in NOT_CODE]
    for path in sorted(path for app in apps for path in app.glob("**/migrations/*.py")):
        digest.update(str(path.relative_to(BASE_DIR)).encode())
        digest.update(path.read_bytes())
    for name, version in sorted({(d.metadata["Name"].lower(), d.version) for d in metadata.distributions()}):
        digest.update(f"{name}=={version}\n".encode())
    return digest.hexdigest()[:16]


@contextmanager
def _locked(key: str):
    with open(Path(tempfile.gettempdir()) / f"helpdesk-migrated-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _environment(directory: Path, database_url: str = "") -> dict[str, str]:
    # Tasks the data migrations enqueue (Wagtail's search and reference indexes) run during the
    # migration, as in a test database, instead of waiting in the copies' queue for a worker.
    return server_environment(directory, database_url=database_url) | {"HELPDESK_TASKS_BACKEND": "immediate"}


def sqlite_template() -> Path:
    """The migrated SQLite file for this checkout, built on first use."""
    key = migrations_key()
    template = Path(tempfile.gettempdir()) / f"helpdesk-migrated-{key}.sqlite3"
    with _locked(key):
        if not template.exists():
            with tempfile.TemporaryDirectory(prefix="helpdesk-migrate-") as directory:
                migrate(_environment(Path(directory)))
                built = Path(directory) / SQLITE_NAME
                # One self-contained file: fold the write-ahead log in (the settings turn WAL back on).
                with sqlite3.connect(built) as connection:
                    connection.execute("PRAGMA journal_mode=DELETE")
                connection.close()
                shutil.copyfile(built, template.with_suffix(".part"))
                os.replace(template.with_suffix(".part"), template)
    return template


def copy_sqlite_template(target: Path) -> Path:
    """Put a migrated SQLite database at `target` (replacing what is there)."""
    for stale in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(sqlite_template(), target)
    return target


def fresh_sqlite_database(env: dict[str, str]) -> None:
    """Give a server environment on the default SQLite database (no DATABASE_URL) a migrated copy."""
    if not env.get("DATABASE_URL"):
        target = Path(env["HELPDESK_DATA_DIR"]) / SQLITE_NAME
        if not target.exists():
            copy_sqlite_template(target)


def migrate_fresh(env: dict[str, str]) -> None:
    """servers.migrate() on a server environment, starting a SQLite one from the template."""
    fresh_sqlite_database(env)
    migrate(env)


def admin_connection(url: str):
    """An autocommit connection to the `postgres` database of `url`'s server, for CREATE and DROP DATABASE."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    return psycopg.connect(**(conninfo_to_dict(url) | {"dbname": "postgres"}), autocommit=True)


def _exists(connection, name: str) -> bool:
    return bool(connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def postgres_template(url: str) -> str:
    """The name of the migrated template database on `url`'s server, built on first use."""
    key = migrations_key()
    name = f"{TEMPLATE_PREFIX}{key}"
    with _locked(key):
        connection = admin_connection(url)
        with connection:
            if _exists(connection, name):
                return name
            building = f"{name}_building"
            connection.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{building}"')
            with tempfile.TemporaryDirectory(prefix="helpdesk-migrate-") as directory:
                target = urlunsplit(urlsplit(url)._replace(path=f"/{building}"))
                migrate(_environment(Path(directory), database_url=target))
            connection.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    return name


def create_postgres_database(url: str, name: str) -> None:
    """CREATE DATABASE `name` as a copy of the migrated template on `url`'s server (dropping any old one)."""
    template = postgres_template(url)
    with _locked(migrations_key()):  # a template being copied must have no other session on it
        connection = admin_connection(url)
        with connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
