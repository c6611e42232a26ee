"""Survey links: a random token the customer holds, signed, of which only the hash is stored.

Signing refuses tampered or truncated links before any database lookup, and the signer
compares in constant time; the hash lookup means a copy of the database answers no survey.
"""

import hashlib
import secrets
from datetime import timedelta

from django.core import signing

from .models import SurveyStatus

LINK_SALT = "surveys.link"
UNSUBSCRIBE_SALT = "surveys.unsubscribe"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_token_new() -> tuple[str, str]:
    """A fresh (signed token for the link, hash to store)."""
    token = secrets.token_urlsafe(24)
    return signing.Signer(salt=LINK_SALT).sign(token), token_hash(token)


def link_issue(survey, now, valid_days: int) -> str:
    """Give a survey (not saved here) a fresh link valid for `valid_days`; return the signed token."""
    signed, survey.token_hash = link_token_new()
    survey.sent_at, survey.expires_at = now, now + timedelta(days=valid_days)
    survey.status = SurveyStatus.SENT
    return signed


def link_token_hash(signed: str) -> str | None:
    """The stored hash a signed link token stands for, or None when it was tampered with."""
    try:
        return token_hash(signing.Signer(salt=LINK_SALT).unsign(signed))
    except signing.BadSignature:
        return None


def unsubscribe_token(customer_public_id) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(customer_public_id))


def unsubscribe_customer_id(signed: str) -> str | None:
    try:
        return signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(signed)
    except signing.BadSignature:
        return None
