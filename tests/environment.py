"""Pytest plugin loaded with `-p tests.environment`, before Django reads its settings.

It gives the suite its own data dir and a throwaway SECRET_KEY, runs tasks immediately, and
serves static files from the finders, without touching the developer's `var/`.
"""

import os
import secrets
import tempfile

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
