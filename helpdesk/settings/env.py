"""Read typed values from the process environment."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def secret_key(*, debug: bool, data_dir: Path) -> str:
    """Return SECRET_KEY from the environment, or a key kept in the data dir when DEBUG."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value, for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, or set DEBUG=1 for local use."
        )
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database_pool_options(conn_max_age: int) -> dict:
    """PostgreSQL's OPTIONS for a connection pool per process, from DATABASE_POOL_SIZE (0: no pool).

    Under Daphne every request runs on a thread of its own, and a connection kept for
    DATABASE_CONN_MAX_AGE stays with its thread: a burst of requests opened one connection per
    thread and ran the server out of connections. A pool caps them per process; connections go
    back to it after each request, so it replaces DATABASE_CONN_MAX_AGE rather than adding to it.
    """
    size = env_int("DATABASE_POOL_SIZE", 0)
    if size < 0:
        raise ImproperlyConfigured(
            f"DATABASE_POOL_SIZE={size} is negative: use 0 (no pool) or the connections per process."
        )
    if size == 0:
        return {}
    if conn_max_age:
        raise ImproperlyConfigured(
            "DATABASE_POOL_SIZE and DATABASE_CONN_MAX_AGE are both set: the pool keeps the connections, "
            "so set DATABASE_CONN_MAX_AGE=0 (or leave it unset)."
        )
    timeout = env_int("DATABASE_POOL_TIMEOUT", 3)
    if timeout < 1:
        raise ImproperlyConfigured(f"DATABASE_POOL_TIMEOUT={timeout} must be at least 1 (seconds).")
    return {"pool": {"min_size": min(2, size), "max_size": size, "timeout": timeout}}
