"""The shop's signed identity token: who is chatting, vouched for by the shop's backend.

token = base64url(JSON {"external_id", "email", "name"?, "exp"}) + "." + hex(HMAC-SHA256(secret, the base64url part))

base64url without padding; `exp` in whole seconds since the epoch, at most 24 hours ahead.
Examples in Python, PHP and JavaScript are in docs/chat-protocol.md.
"""

import base64
import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from helpdesk.customers.models import Customer
from helpdesk.customers.services import CustomerData, customer_upsert

from .protocol import UNSTORABLE

logger = logging.getLogger(__name__)

MAX_TOKEN = 2048
MAX_AHEAD = timedelta(hours=24)
_B64 = re.compile(r"[A-Za-z0-9_-]+={0,2}")
_HEX = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class Identity:
    external_id: str
    email: str
    name: str = ""


def _secret() -> bytes:
    return (getattr(settings, "HELPDESK_CHAT_IDENTITY_SECRET", "") or "").encode()


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _signature(secret: bytes, payload: str) -> str:
    return hmac.new(secret, payload.encode("ascii"), hashlib.sha256).hexdigest()


def identity_sign(*, external_id: str, email: str, expires_at: datetime, name: str = "", secret: str = "") -> str:
    """Sign a token the way a shop's backend does (for tests and the docs; shops sign their own)."""
    claims = {"external_id": external_id, "email": email, "exp": int(expires_at.timestamp())}
    if name:
        claims["name"] = name
    payload = _b64encode(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
    key = secret.encode() if secret else _secret()
    return f"{payload}.{_signature(key, payload)}"


def _claims(payload: str) -> dict | None:
    try:
        bare = payload.rstrip("=")
        claims = json.loads(base64.urlsafe_b64decode(bare + "=" * (-len(bare) % 4)))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


def _identity(claims: dict) -> Identity | None:
    external_id, email, name = claims.get("external_id"), claims.get("email"), claims.get("name", "")
    if not isinstance(external_id, str) or not 0 < len(external_id.strip()) <= 100:
        return None
    if not isinstance(name, str) or len(name) > 200 or not isinstance(email, str) or len(email) > 254:
        return None
    if UNSTORABLE.search(external_id + name):
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return Identity(external_id=external_id.strip(), email=email.lower(), name=" ".join(name.split()))


def identity_verify(token: str, *, now: datetime | None = None) -> Identity | None:
    """Return who the token names, or None when it is forged, expired, too long-lived or no secret is set."""
    secret = _secret()
    if not secret or not isinstance(token, str) or len(token) > MAX_TOKEN or token.count(".") != 1:
        return None
    payload, signature = token.split(".")
    if not _B64.fullmatch(payload) or not _HEX.fullmatch(signature):
        return None
    if not hmac.compare_digest(_signature(secret, payload), signature.lower()):
        logger.info("Chat identity token refused: bad signature")
        return None
    claims = _claims(payload)
    expires = claims.get("exp") if claims else None
    if type(expires) is not int:
        return None
    moment = (now or timezone.now()).timestamp()
    if not moment < expires <= moment + MAX_AHEAD.total_seconds():
        logger.info("Chat identity token refused: expired or valid for more than 24 hours")
        return None
    return _identity(claims)


def customer_for_identity(identity: Identity, *, locale: str = "") -> Customer:
    """Return the shop's customer the token names, creating them on first sight."""
    existing = Customer.objects.filter(external_id=identity.external_id).first()
    if existing is not None:
        return existing
    data = CustomerData(external_id=identity.external_id, email=identity.email, name=identity.name, locale=locale)
    return customer_upsert(data=data)[0]
