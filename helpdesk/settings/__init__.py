"""Settings for the helpdesk, read from the environment (see docs/configuration.md)."""

from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured

from .env import database_pool_options, env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(env_str("HELPDESK_DATA_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(debug=DEBUG, data_dir=DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is empty: set it to the host names the helpdesk answers on.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("HELPDESK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "anymail",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "helpdesk.core",
    "helpdesk.accounts",
    "helpdesk.customers",
    "helpdesk.orders",
    "helpdesk.sla",
    "helpdesk.tickets",
    "helpdesk.mailbox",
    "helpdesk.credits",
    "helpdesk.reports",
    "helpdesk.api",
    "kb",
    "chat",
    "surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "helpdesk.api.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "helpdesk.customers.middleware.CustomerMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
ASGI_APPLICATION = "helpdesk.asgi.application"
WSGI_APPLICATION = "helpdesk.wsgi.application"

AUTHENTICATION_BACKENDS = ["helpdesk.accounts.backends.StaffModelBackend"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "helpdesk.core.context_processors.shell",
            ],
        },
    },
]

try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'helpdesk.sqlite3'}"),
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
            # A kept connection is checked before reuse: after a database restart, chat consumers
            # (one long-lived thread per worker) reused a dead one and closed the socket with 1011.
            conn_health_checks=True,
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not usable ({exc}). Use postgresql://USER:PASSWORD@HOST:PORT/NAME or sqlite:///PATH."
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compiling pays off for long reports, not for the short queries of a page: it cost the
    # ticket page seconds in the benchmark. `options` in DATABASE_URL overrides this.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    DATABASES["default"]["OPTIONS"].update(database_pool_options(DATABASES["default"]["CONN_MAX_AGE"]))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file-backed test database lets a live Daphne process share it with the tests.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-helpdesk.sqlite3")}
    # WAL: readers never wait for the writer (Daphne, the task worker and the scheduler share the
    # file), and a commit costs one sync instead of a rollback journal's several.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub: a group send is one PUBLISH, delivered to the subscribed processes at once, instead
            # of a sorted set per channel polled with BZPOPMIN. It keeps nothing for a process that is not
            # listening, which the chat does not need: the database has every message and a socket that
            # missed a nudge catches up (docs/benchmarks.md, "## chat"). Its options are hosts, prefix,
            # serializer_format, symmetric_encryption_keys, on_disconnect and on_reconnect; no capacity
            # or expiry. redis-py stays pinned below 8 (django/channels_redis#422: its 5 s default socket
            # timeout closed quiet WebSockets with 1011 under the sorted-set layer).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "helpdesk:"},
        }
    }
    CACHES = {
        "default": {
            # RedisCache that serves misses while Redis is unreachable (helpdesk/core/cache.py); a
            # Redis that hangs costs a request at most the socket timeout, not the whole page.
            "BACKEND": "helpdesk.core.cache.OutageTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "helpdesk",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS_BACKEND = env_str("HELPDESK_TASKS_BACKEND", "database")
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in TASK_BACKENDS and "." not in TASKS_BACKEND:
    raise ImproperlyConfigured(
        f"HELPDESK_TASKS_BACKEND={TASKS_BACKEND!r} is unknown: use 'database', 'immediate' or a backend's dotted path."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND), "QUEUES": ["default"]}}
# A task RUNNING longer than this lost its worker (helpdesk/core/task_recovery.py): keep it above
# the longest task's run time. After this many claims it is failed instead of requeued.
HELPDESK_TASK_STALE_SECONDS = env_int("HELPDESK_TASK_STALE_SECONDS", 30 * 60)
HELPDESK_TASK_ATTEMPTS = env_int("HELPDESK_TASK_ATTEMPTS", 2)

AUTH_USER_MODEL = "accounts.User"
# Django's own list (PBKDF2 first) unless named; the first hasher hashes new passwords, the rest still check.
PASSWORD_HASHERS = env_list("HELPDESK_PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية"), ("fa", "فارسی")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["helpdesk.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "helpdesk_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STATIC_MANIFEST = env_bool("HELPDESK_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are both on: keep one (TLS for port 587, SSL for 465).")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 15)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Helpdesk <support@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The email channel (docs/email.md): replies go to signed plus-addresses of this mailbox.
HELPDESK_EMAIL_REPLY_ADDRESS = env_str("HELPDESK_EMAIL_REPLY_ADDRESS", parseaddr(DEFAULT_FROM_EMAIL)[1])
HELPDESK_EMAIL_REPLY_TOKEN_DAYS = env_int("HELPDESK_EMAIL_REPLY_TOKEN_DAYS", 365)
HELPDESK_EMAIL_MAX_BYTES = env_int("HELPDESK_EMAIL_MAX_BYTES", 40 * 1024 * 1024)
HELPDESK_EMAIL_SENDER_HOURLY_LIMIT = env_int("HELPDESK_EMAIL_SENDER_HOURLY_LIMIT", 30)
HELPDESK_EMAIL_WEBHOOK_MAX_AGE = env_int("HELPDESK_EMAIL_WEBHOOK_MAX_AGE", 15 * 60)
ANYMAIL = {
    "MAILGUN_WEBHOOK_SIGNING_KEY": env_str("MAILGUN_WEBHOOK_SIGNING_KEY"),
    "MAILGUN_API_KEY": env_str("MAILGUN_API_KEY"),
}

# Security: secure by default outside DEBUG.
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("HELPDESK_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
X_FRAME_OPTIONS = "DENY"

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
API_MAX_BODY_BYTES = env_int("HELPDESK_API_MAX_BODY_BYTES", 1_048_576)

RATELIMIT_VIEW = "helpdesk.core.views.rate_limited"
# Counters live in the cache: while Redis is unreachable they cannot count, and requests pass
# rather than every sign-in and search being refused (docs/operations.md, Faults).
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY") or None
SILENCED_SYSTEM_CHECKS = [] if REDIS_URL else ["django_ratelimit.E003", "django_ratelimit.W001"]

MAGIC_LINK_MAX_AGE = env_int("HELPDESK_MAGIC_LINK_MAX_AGE", 15 * 60)

HELPDESK_ATTACHMENT_MAX_BYTES = env_int("HELPDESK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
HELPDESK_MESSAGE_MAX_CHARS = env_int("HELPDESK_MESSAGE_MAX_CHARS", 50_000)
HELPDESK_TICKET_REQUEST_MAX_AGE = env_int("HELPDESK_TICKET_REQUEST_MAX_AGE", 24 * 3600)
HELPDESK_SLA_WARNING_MINUTES = env_int("HELPDESK_SLA_WARNING_MINUTES", 30)
# Knowledge-base reading analytics (docs/analytics.md): raw beacon events kept this many days,
# and a single article view engaged for less than this many seconds counts as a bounce.
HELPDESK_KB_EVENTS_KEEP_DAYS = env_int("HELPDESK_KB_EVENTS_KEEP_DAYS", 90)
HELPDESK_KB_BOUNCE_SECONDS = env_int("HELPDESK_KB_BOUNCE_SECONDS", 10)
# The help-centre dashboard flags an article "Needs review" when its bounce rate is at least this
# many percentage points above its category's, over at least this many article sessions.
HELPDESK_KB_REVIEW_MARGIN = env_int("HELPDESK_KB_REVIEW_MARGIN", 15)
HELPDESK_KB_REVIEW_MIN_SESSIONS = env_int("HELPDESK_KB_REVIEW_MIN_SESSIONS", 30)
# How long a credit redemption waits for a balance another request holds before answering 409 `busy`.
HELPDESK_CREDIT_LOCK_WAIT_MS = env_int("HELPDESK_CREDIT_LOCK_WAIT_MS", 2000)
HELPDESK_CREDIT_TEXT_MAX_CHARS = 2000
HELPDESK_SURVEY_COMMENT_MAX_CHARS = 4000
# The currency offered first when granting credit to a customer who holds none yet.
HELPDESK_CREDIT_DEFAULT_CURRENCY = env_str("HELPDESK_CREDIT_DEFAULT_CURRENCY", "USD").upper()
# Shared with the shop's backend to sign chat identity tokens (docs/chat-protocol.md); empty refuses every token.
HELPDESK_CHAT_IDENTITY_SECRET = env_str("HELPDESK_CHAT_IDENTITY_SECRET", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "helpdesk.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["helpdesk.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "helpdesk.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk API",
    "DESCRIPTION": "The shop-facing API of the helpdesk. Authenticate with `Authorization: Bearer <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["helpdesk.api.schema.only_api_paths"],
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "helpdesk.tickets.models.Status",
        "OrderStatusEnum": "helpdesk.orders.models.OrderStatus",
        "TicketPriorityEnum": "helpdesk.sla.choices.Priority",
        "TicketChannelEnum": "helpdesk.sla.choices.Channel",
    },
}

WAGTAIL_SITE_NAME = env_str("HELPDESK_SITE_NAME", "Helpdesk")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt", "csv", "docx", "xlsx"]

WHOOSH_INDEX_DIR = DATA_DIR / "whoosh"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
