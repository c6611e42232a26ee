"""Pytest plugin loaded with `-p tests.environment`, before Django reads its settings.

It gives the suite its own data dir and a throwaway SECRET_KEY, runs tasks immediately, and
serves static files from the finders, without touching the developer's `var/`.

Under pytest-xdist (`make test` runs two workers) each worker gets a data dir (Whoosh index,
media) and a Redis database (channel layer, cache) of its own; pytest-django already gives each
its own test database.
"""

import os
import secrets
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _own_redis_database(url: str, worker: str) -> str:
    """The same Redis, another database number for each worker: gw0 keeps the one given, gw1 the one below."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base - int(worker.removeprefix('gw'))) % 16}"))


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("HELPDESK_DATA_DIR", tempfile.mkdtemp(prefix="helpdesk-tests-"))
os.environ.setdefault("HELPDESK_TASKS_BACKEND", "immediate")
os.environ.setdefault("HELPDESK_STATIC_MANIFEST", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# A million PBKDF2 rounds per test user dominated the run; the servers tests start inherit this too.
os.environ.setdefault(
    "HELPDESK_PASSWORD_HASHERS",
    "django.contrib.auth.hashers.MD5PasswordHasher,django.contrib.auth.hashers.PBKDF2PasswordHasher",
)
os.environ.setdefault("DEBUG", "0")
if WORKER:
    # The controller set these before starting the workers, which inherited them.
    data_dir = Path(os.environ["HELPDESK_DATA_DIR"]) / WORKER
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["HELPDESK_DATA_DIR"] = str(data_dir)
    if os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = _own_redis_database(os.environ["REDIS_URL"], WORKER)
