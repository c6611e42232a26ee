"""Settings from the environment, each case read by a fresh Python process as a real start would."""

import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.conftest import requires_postgres

BASE_DIR = Path(settings.BASE_DIR)
READ_SETTINGS = """
import json, sys
try:
    import helpdesk.settings as loaded
except Exception as exc:
    print(json.dumps({"error": type(exc).__name__, "message": str(exc)}))
else:
    print(json.dumps({name: getattr(loaded, name) for name in sys.argv[1:]}, default=str))
"""


def run_json(script: str, env: dict[str, str], data_dir: Path, *args: str) -> dict:
    """Run a Python script with only the given environment (plus a data dir); return the JSON it prints."""
    completed = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={"PATH": os.environ["PATH"], "HELPDESK_DATA_DIR": str(data_dir), **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout)


@pytest.fixture
def start(tmp_path):
    """Start Python with only the given environment (plus a data dir) and return the named settings."""

    def start(env: dict[str, str], *names: str) -> dict:
        return run_json(READ_SETTINGS, env, tmp_path, *names)

    return start


def production(**extra: str) -> dict[str, str]:
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "help.example.com", **extra}


def test_production_refuses_to_start_without_a_secret_key(start):
    env = production()
    del env["SECRET_KEY"]

    loaded = start(env, "SECRET_KEY")

    assert loaded["error"] == "ImproperlyConfigured"
    assert "SECRET_KEY is not set" in loaded["message"]
    assert "token_urlsafe" in loaded["message"]


def test_manage_py_explains_the_missing_secret_key(tmp_path):
    completed = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={"PATH": os.environ["PATH"], "HELPDESK_DATA_DIR": str(tmp_path), "ALLOWED_HOSTS": "help.example.com"},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode != 0
    assert "SECRET_KEY is not set" in completed.stderr


def test_debug_generates_a_secret_key_and_keeps_it(start, tmp_path):
    first = start({"DEBUG": "1"}, "SECRET_KEY")["SECRET_KEY"]
    second = start({"DEBUG": "1"}, "SECRET_KEY")["SECRET_KEY"]

    key_file = tmp_path / "secret_key"
    assert len(first) >= 50
    assert second == first
    assert key_file.read_text() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_secret_key_from_the_environment_is_used_and_not_written(start, tmp_path):
    loaded = start(production(SECRET_KEY="k" * 60), "SECRET_KEY")

    assert loaded["SECRET_KEY"] == "k" * 60
    assert not (tmp_path / "secret_key").exists()


def test_production_requires_allowed_hosts(start):
    env = production()
    del env["ALLOWED_HOSTS"]

    loaded = start(env, "ALLOWED_HOSTS")

    assert loaded["error"] == "ImproperlyConfigured"
    assert "ALLOWED_HOSTS" in loaded["message"]


def test_embedded_defaults_keep_everything_under_the_data_dir(start, tmp_path):
    loaded = start(production(), "DATABASES", "CHANNEL_LAYERS", "CACHES", "EMAIL_BACKEND", "WHOOSH_INDEX_DIR")

    database = loaded["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "helpdesk.sqlite3")
    assert loaded["WHOOSH_INDEX_DIR"] == str(tmp_path / "whoosh")
    assert loaded["CHANNEL_LAYERS"]["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert loaded["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert loaded["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_database_url_switches_to_postgresql(start):
    loaded = start(
        production(DATABASE_URL="postgresql://helpdesk:pw@db.internal:5433/helpdesk", DATABASE_CONN_MAX_AGE="60"),
        "DATABASES",
    )

    database = loaded["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "helpdesk")
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True  # a kept connection that died with a restart is not reused


def test_database_pool_size_gives_each_process_a_postgresql_pool(start):
    loaded = start(
        production(DATABASE_URL="postgresql://helpdesk:pw@db.internal/helpdesk", DATABASE_POOL_SIZE="12"),
        "DATABASES",
    )

    database = loaded["DATABASES"]["default"]
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 12, "timeout": 3}
    assert database["CONN_MAX_AGE"] == 0  # the pool keeps the connections, not the request threads


def test_database_pool_and_kept_connections_together_are_refused(start):
    loaded = start(
        production(
            DATABASE_URL="postgresql://helpdesk:pw@db.internal/helpdesk",
            DATABASE_POOL_SIZE="12",
            DATABASE_CONN_MAX_AGE="60",
        ),
        "DATABASES",
    )

    assert loaded["error"] == "ImproperlyConfigured"
    assert "DATABASE_CONN_MAX_AGE=0" in loaded["message"]


def test_database_pool_size_is_for_postgresql_only(start):
    loaded = start(production(DATABASE_POOL_SIZE="12"), "DATABASES")

    assert "pool" not in loaded["DATABASES"]["default"]["OPTIONS"]


# Eight threads each take a connection, report its server process and give it back, as a request does.
POOLED_CONNECTIONS = """
import json, os, threading, django
django.setup()
from django.db import close_old_connections, connection
from django.db.utils import OperationalError
pids, errors = set(), []
def request():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid() FROM pg_sleep(%s)", [float(os.environ["HOLD"])])
            pids.add(cursor.fetchone()[0])
    except OperationalError as exc:
        errors.append(type(exc).__module__ + "." + type(exc).__name__)
    finally:
        close_old_connections()
threads = [threading.Thread(target=request) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
print(json.dumps({"connections": len(pids), "errors": errors}))
"""


@requires_postgres
@pytest.mark.parametrize(
    ("pool", "hold", "connections", "errors"),
    [("0", "0.2", 8, []), ("2", "0.2", 2, []), ("1:1", "3", 1, ["django.db.utils.OperationalError"] * 7)],
    ids=["no-pool", "pool-of-two", "pool-timeout"],
)
def test_a_pool_caps_the_connections_of_a_process(tmp_path, pool, hold, connections, errors):
    size, _, timeout = pool.partition(":")
    env = production(
        # The maintenance database: the script only asks the server for its process ids.
        DATABASE_URL=urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl(),
        DATABASE_POOL_SIZE=size,
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        HOLD=hold,
    )
    if timeout:
        env["DATABASE_POOL_TIMEOUT"] = timeout
    result = run_json(POOLED_CONNECTIONS, env, tmp_path)

    assert result["connections"] == connections
    # A request that waits longer than DATABASE_POOL_TIMEOUT fails as the database being unreachable
    # does (a 503 with Retry-After, helpdesk/core/views.py), not with a stray pool exception.
    assert sorted(result["errors"]) == errors


def test_unusable_database_url_is_explained(start):
    loaded = start(production(DATABASE_URL="postgress://db/helpdesk"), "DATABASES")

    assert loaded["error"] == "ImproperlyConfigured"
    assert loaded["message"].startswith("DATABASE_URL is not usable")


def test_redis_url_switches_channel_layer_and_cache_to_redis(start):
    loaded = start(production(REDIS_URL="redis://cache.internal:6379/3"), "CHANNEL_LAYERS", "CACHES")

    layer = loaded["CHANNEL_LAYERS"]["default"]
    cache = loaded["CACHES"]["default"]
    assert layer["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert layer["CONFIG"]["hosts"] == ["redis://cache.internal:6379/3"]
    assert cache["BACKEND"] == "helpdesk.core.cache.OutageTolerantRedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/3"


def test_email_host_switches_to_smtp(start):
    loaded = start(
        production(EMAIL_HOST="smtp.example.com", EMAIL_HOST_USER="helpdesk"),
        "EMAIL_BACKEND",
        "EMAIL_PORT",
        "EMAIL_USE_TLS",
        "EMAIL_USE_SSL",
    )

    assert loaded == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_smtp_on_port_465_uses_ssl(start):
    loaded = start(production(EMAIL_HOST="smtp.example.com", EMAIL_PORT="465"), "EMAIL_USE_TLS", "EMAIL_USE_SSL")

    assert loaded == {"EMAIL_USE_TLS": False, "EMAIL_USE_SSL": True}


def test_tls_and_ssl_together_are_refused(start):
    loaded = start(production(EMAIL_HOST="smtp.example.com", EMAIL_USE_SSL="1"), "EMAIL_BACKEND")

    assert loaded["error"] == "ImproperlyConfigured"
    assert "EMAIL_USE_TLS" in loaded["message"]


@pytest.mark.parametrize("variable", ["DEBUG", "SECURE_SSL_REDIRECT", "EMAIL_USE_TLS", "HELPDESK_BEHIND_PROXY"])
def test_bad_boolean_names_the_variable(start, variable):
    loaded = start(production(**{variable: "maybe"}), "DEBUG")

    assert loaded["error"] == "ImproperlyConfigured"
    assert loaded["message"].startswith(f"{variable}='maybe' is not a boolean")


def test_bad_number_names_the_variable(start):
    loaded = start(production(EMAIL_PORT="smtp"), "EMAIL_PORT")

    assert loaded["error"] == "ImproperlyConfigured"
    assert loaded["message"].startswith("EMAIL_PORT='smtp' is not a whole number")


@pytest.mark.parametrize(
    ("value", "backend"),
    [
        (None, "django_tasks_db.DatabaseBackend"),
        ("database", "django_tasks_db.DatabaseBackend"),
        ("immediate", "django_tasks.backends.immediate.ImmediateBackend"),
    ],
)
def test_task_backend_choice(start, value, backend):
    env = production() if value is None else production(HELPDESK_TASKS_BACKEND=value)

    assert start(env, "TASKS")["TASKS"]["default"]["BACKEND"] == backend


def test_password_hashers_are_django_s_unless_named(start):
    argon_first = "django.contrib.auth.hashers.Argon2PasswordHasher,django.contrib.auth.hashers.PBKDF2PasswordHasher"

    default = start(production(), "PASSWORD_HASHERS")["PASSWORD_HASHERS"]
    named = start(production(HELPDESK_PASSWORD_HASHERS=argon_first), "PASSWORD_HASHERS")["PASSWORD_HASHERS"]

    assert default[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert named == argon_first.split(",")


def test_unknown_task_backend_is_refused(start):
    loaded = start(production(HELPDESK_TASKS_BACKEND="databse"), "TASKS")

    assert loaded["error"] == "ImproperlyConfigured"
    assert "HELPDESK_TASKS_BACKEND" in loaded["message"]


def test_production_is_secure_by_default(start):
    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "LANGUAGE_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_REDIRECT_EXEMPT",
    ]

    loaded = start(production(), *names)

    assert loaded == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_REDIRECT_EXEMPT": ["^healthz$"],
    }


def test_behind_proxy_trusts_the_forwarded_scheme(start):
    loaded = start(production(HELPDESK_BEHIND_PROXY="yes"), "SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST")

    assert loaded == {"SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"], "USE_X_FORWARDED_HOST": True}


def deploy_environment(tmp_path: Path, *, with_services: bool) -> dict[str, str]:
    env = {"PATH": os.environ["PATH"], "HELPDESK_DATA_DIR": str(tmp_path), **production()}
    if with_services:
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url.startswith(("postgres://", "postgresql://")):
            env["DATABASE_URL"] = database_url
        env["REDIS_URL"] = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return env


@pytest.mark.parametrize("with_services", [False, True], ids=["embedded", "postgres-redis"])
def test_deploy_check_reports_only_the_documented_hsts_preload_choice(tmp_path, with_services):
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env=deploy_environment(tmp_path, with_services=with_services),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )

    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert set(re.findall(r"\(([\w.]+\.[EW]\d+)\)", output)) <= {"security.W021"}, output


CONFIGURATION_DOC = BASE_DIR / "docs" / "configuration.md"


def environment_variables_read_by_settings() -> set[str]:
    source = "\n".join(path.read_text() for path in (BASE_DIR / "helpdesk" / "settings").glob("*.py"))
    return set(re.findall(r"env_\w+\(\s*\"([A-Z0-9_]+)\"", source)) | set(
        re.findall(r"os\.environ\.get\(\s*\"([A-Z0-9_]+)\"", source)
    )


def test_every_environment_variable_is_documented():
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)`", CONFIGURATION_DOC.read_text(), flags=re.MULTILINE))

    assert environment_variables_read_by_settings() - documented == set()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST"} <= documented


def test_hsts_preload_choice_is_documented():
    text = CONFIGURATION_DOC.read_text()

    assert "security.W021" in text
    assert "SECURE_HSTS_PRELOAD" in text
