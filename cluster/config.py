"""Where the loopback cluster keeps its files, which ports it uses, and the environment its processes get.

Everything is read from the environment once, by `ClusterConfig.from_environment()`:

    CLUSTER_PORT            nginx on 127.0.0.1 (8080)
    CLUSTER_WORKER_PORT     the first Daphne worker's port; the others follow (8101, 8102, 8103)
    CLUSTER_WORKERS         how many Daphne workers (3)
    CLUSTER_DATABASE_URL    an existing PostgreSQL database; unset: the cluster runs its own server
    CLUSTER_PG_PORT         the port of that own PostgreSQL server (5433)
    CLUSTER_REDIS_URL       an existing Redis; unset: the cluster runs its own redis-server
    CLUSTER_REDIS_PORT      the port of that own Redis (6380)
    CLUSTER_INDEX_TMPFS_MB  size of the tmpfs mounted for the search index when root (64; 0: no tmpfs)
    CLUSTER_DB_POOL         DATABASE_POOL_SIZE of each cluster process (10; 0: no pool, connections kept 60 s)
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DATABASE_NAME = "helpdesk_cluster"
# Settings the cluster decides; the caller's values for them are not passed on to its processes.
OWN_PREFIXES = ("HELPDESK_", "DATABASE_", "REDIS_", "SECURE_", "EMAIL_")
OWN_NAMES = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "LOG_LEVEL", "DJANGO_SETTINGS_MODULE"}


def _int(environ: dict[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a whole number.") from None


@dataclass(frozen=True)
class ClusterConfig:
    root: Path
    port: int
    worker_ports: tuple[int, ...]
    database_url: str
    own_postgres: bool
    postgres_port: int
    redis_url: str
    own_redis: bool
    redis_port: int
    index_tmpfs_mb: int
    database_pool: int

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None, *, root: Path | None = None) -> "ClusterConfig":
        environ = dict(os.environ if environ is None else environ)
        workers = _int(environ, "CLUSTER_WORKERS", 3)
        if not 1 <= workers <= 16:
            raise SystemExit(f"CLUSTER_WORKERS={workers} is out of range: use 1 to 16.")
        first = _int(environ, "CLUSTER_WORKER_PORT", 8101)
        postgres_port = _int(environ, "CLUSTER_PG_PORT", 5433)
        redis_port = _int(environ, "CLUSTER_REDIS_PORT", 6380)
        database_url = environ.get("CLUSTER_DATABASE_URL", "").strip()
        redis_url = environ.get("CLUSTER_REDIS_URL", "").strip()
        return cls(
            root=root or BASE_DIR / "var" / "cluster",
            port=_int(environ, "CLUSTER_PORT", 8080),
            worker_ports=tuple(range(first, first + workers)),
            database_url=database_url or f"postgresql://postgres@{HOST}:{postgres_port}/{DATABASE_NAME}",
            own_postgres=not database_url,
            postgres_port=postgres_port,
            redis_url=redis_url or f"redis://{HOST}:{redis_port}/0",
            own_redis=not redis_url,
            redis_port=redis_port,
            index_tmpfs_mb=_int(environ, "CLUSTER_INDEX_TMPFS_MB", 64),
            database_pool=_int(environ, "CLUSTER_DB_POOL", 10),
        )

    # Places under var/cluster/.

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def nginx_dir(self) -> Path:
        return self.root / "nginx"

    @property
    def postgres_dir(self) -> Path:
        return self.root / "postgres"

    @property
    def redis_dir(self) -> Path:
        return self.root / "redis"

    @property
    def index_dir(self) -> Path:
        """The Whoosh index: settings.WHOOSH_INDEX_DIR is always HELPDESK_DATA_DIR/whoosh."""
        return self.data_dir / "whoosh"

    @property
    def static_root(self) -> Path:
        return self.data_dir / "static"

    @property
    def media_root(self) -> Path:
        return self.data_dir / "media"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def worker_url(self, port: int) -> str:
        return f"http://{HOST}:{port}"

    def secret_key(self) -> str:
        """A SECRET_KEY kept in var/cluster/secret_key (mode 0600), so sessions survive restarts."""
        path = self.root / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.root.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(key)
        return key

    def django_environment(self, environ: dict[str, str] | None = None) -> dict[str, str]:
        """The production-like environment (DEBUG off, behind a proxy) every process of the cluster runs with."""
        environ = dict(os.environ if environ is None else environ)
        env = {k: v for k, v in environ.items() if not k.startswith(OWN_PREFIXES) and k not in OWN_NAMES}
        env.update(
            DJANGO_SETTINGS_MODULE="helpdesk.settings",
            DEBUG="0",
            SECRET_KEY=self.secret_key(),
            HELPDESK_DATA_DIR=str(self.data_dir),
            DATABASE_URL=self.database_url,
            # A pool per process caps its connections (3 workers, the task worker and the scheduler stay
            # under PostgreSQL's default 100); without one, each request thread kept its own.
            DATABASE_POOL_SIZE=str(self.database_pool),
            DATABASE_CONN_MAX_AGE="0" if self.database_pool else "60",
            REDIS_URL=self.redis_url,
            HELPDESK_TASKS_BACKEND="database",
            ALLOWED_HOSTS=f"{HOST},localhost",
            HELPDESK_SITE_URL=self.url,
            # nginx is the only way in; it overwrites X-Forwarded-Proto and X-Forwarded-Host (nginx.conf.template).
            HELPDESK_BEHIND_PROXY="1",
            # Plain HTTP on the loopback: no TLS to redirect to, no HSTS to pin.
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        return env
