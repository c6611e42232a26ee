"""Create and check API keys: `hd_<prefix>_<secret>`, stored as a SHA-256 of the secret."""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import ApiKey

KEY_PREFIX = "hd"
KEY_FORMAT = re.compile(rf"{KEY_PREFIX}_(?P<prefix>[0-9a-f]{{12}})_(?P<secret>[A-Za-z0-9_-]{{16,128}})")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, name: str, user=None, expires_in_days: int | None = None) -> tuple[ApiKey, str]:
    """Create a key and return it with its plain text, which is never shown again."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    key = ApiKey.objects.create(name=name, prefix=prefix, secret_hash=_digest(secret), user=user, expires_at=expires_at)
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


def api_key_check(raw: str) -> ApiKey | None:
    """Return the usable key matching `raw`, comparing the secret in constant time."""
    match = KEY_FORMAT.fullmatch(raw)
    if match is None:
        return None
    prefix, secret = match.group("prefix", "secret")
    key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    expected = key.secret_hash if key else _digest("")
    if not hmac.compare_digest(expected, _digest(secret)) or key is None:
        return None
    if not key.is_usable() or (key.user is not None and not (key.user.is_active and key.user.is_staff)):
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=5):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
