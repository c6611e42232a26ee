"""Signed reply addresses: `support+<token>@domain` names the ticket, who may answer, and when it was issued.

The token is `<kind><ticket>.<actor>.<day>.<signature>` in lowercase base 36 and hex, so it survives
mail systems that fold the local part's case. `kind` is `c` for the ticket's customer and `a` for
an agent; `actor` is that customer's or agent's id; `day` counts days since 1970. The signature is
an HMAC over the rest with the project's SECRET_KEY, compared in constant time, and a token older
than HELPDESK_EMAIL_REPLY_TOKEN_DAYS is refused.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36

SALT = "helpdesk.mailbox.reply-address"
CUSTOMER = "c"
AGENT = "a"
SIGNATURE_CHARS = 20
_TOKEN = re.compile(r"^([ca])([0-9a-z]{1,13})\.([0-9a-z]{1,13})\.([0-9a-z]{1,6})\.([0-9a-f]{20})$")


@dataclass(frozen=True)
class ReplyToken:
    kind: str
    ticket_id: int
    actor_id: int
    issued: datetime


def _day(now: datetime) -> int:
    return int(now.timestamp()) // 86400


def _sign(payload: str) -> str:
    return salted_hmac(SALT, payload, algorithm="sha256").hexdigest()[:SIGNATURE_CHARS]


def reply_base() -> tuple[str, str]:
    """The support mailbox's local part and domain, from HELPDESK_EMAIL_REPLY_ADDRESS."""
    local, _at, domain = parseaddr(settings.HELPDESK_EMAIL_REPLY_ADDRESS)[1].rpartition("@")
    return local.lower(), domain.lower()


def reply_address(*, kind: str, ticket_id: int, actor_id: int, now: datetime | None = None) -> str:
    """The address a reply to this email should go to: `support+<token>@domain`."""
    payload = f"{kind}{int_to_base36(ticket_id)}.{int_to_base36(actor_id)}.{int_to_base36(_day(now or timezone.now()))}"
    local, domain = reply_base()
    return f"{local}+{payload}.{_sign(payload)}@{domain}"


def token_in(address: str) -> str:
    """The token part of one of our reply addresses, or '' for any other address."""
    local, _at, domain = parseaddr(address)[1].lower().rpartition("@")
    base_local, base_domain = reply_base()
    base, plus, token = local.partition("+")
    if not plus or base != base_local or domain != base_domain:
        return ""
    return token


def token_read(token: str, *, now: datetime | None = None) -> ReplyToken | None:
    """The token's claims when its signature holds and it has not expired; None otherwise."""
    match = _TOKEN.match(token.lower())
    if not match:
        return None
    kind, ticket, actor, day, signature = match.groups()
    if not constant_time_compare(signature, _sign(f"{kind}{ticket}.{actor}.{day}")):
        return None
    issued_day = base36_to_int(day)
    if _day(now or timezone.now()) - issued_day > settings.HELPDESK_EMAIL_REPLY_TOKEN_DAYS:
        return None
    return ReplyToken(
        kind, base36_to_int(ticket), base36_to_int(actor), datetime.fromtimestamp(issued_day * 86400, tz=UTC)
    )
