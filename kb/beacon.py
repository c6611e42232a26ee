"""Parse what the article beacon (static/js/kb-beacon.js) sends; see docs/analytics.md."""

import json
import re
from dataclasses import dataclass

from django.conf import settings

from .models import ArticleEventKind, NextKind

MAX_BODY_BYTES = 4096
MAX_EVENTS = 30
MAX_ENGAGED_SECONDS = 4 * 3600
SESSION_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,36}")
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|headless|preview|lighthouse|pagespeed|facebookexternalhit|curl|wget|python-", re.I
)
EVENT_KEYS = {"kind", "article", "locale", "value", "next"}
VALUE_RANGES = {
    ArticleEventKind.ENGAGED: range(0, MAX_ENGAGED_SECONDS + 1),
    ArticleEventKind.SCROLL: range(0, 101),
    ArticleEventKind.VOTE: range(0, 2),
}
NEXT_CHOICES = {
    ArticleEventKind.NEXT: set(NextKind.values),
    ArticleEventKind.CONTACT: {NextKind.CHAT, NextKind.TICKET},
}


class BeaconError(ValueError):
    """The payload does not follow the beacon's format; nothing of it is stored."""


@dataclass(frozen=True)
class BeaconEvent:
    kind: str
    article_id: int | None
    locale: str
    value: int | None = None
    next_kind: str = ""


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(BOT_PATTERN.search(user_agent))


def opted_out(headers) -> bool:
    """Honour Do-Not-Track and Global Privacy Control even if the script was bypassed."""
    return headers.get("DNT", "").strip() == "1" or headers.get("Sec-GPC", "").strip() == "1"


def beacon_parse(body: bytes) -> tuple[str, list[BeaconEvent]]:
    """Return the session id and its events, or raise BeaconError saying what is wrong."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BeaconError("The body is not JSON.") from None
    if not isinstance(data, dict) or set(data) != {"session", "events"}:
        raise BeaconError('Send an object with exactly "session" and "events".')
    session, events = data["session"], data["events"]
    if not isinstance(session, str) or not SESSION_PATTERN.fullmatch(session):
        raise BeaconError('"session" must be 22 to 36 letters, digits, "-" or "_".')
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_EVENTS:
        raise BeaconError(f'"events" must be a list of 1 to {MAX_EVENTS} events.')
    return session, [_event(position, event) for position, event in enumerate(events)]


def _event(position: int, event) -> BeaconEvent:
    def fail(message: str):
        raise BeaconError(f"events[{position}]: {message}")

    if not isinstance(event, dict) or not set(event) <= EVENT_KEYS:
        fail(f"must be an object with only {', '.join(sorted(EVENT_KEYS))}.")
    kind = event.get("kind")
    if kind not in ArticleEventKind.values:
        fail(f'"kind" must be one of {", ".join(ArticleEventKind.values)}.')
    article = event.get("article")
    if not (_is_int(article) and article > 0) and not (article is None and kind == ArticleEventKind.CONTACT):
        fail('"article" must be a positive page id.')
    locale = event.get("locale")
    if locale not in {code for code, _name in settings.LANGUAGES}:
        fail('"locale" must be a language of the help centre.')
    value = event.get("value")
    allowed_values = VALUE_RANGES.get(kind)
    if allowed_values is None and value is not None:
        fail(f'"value" is not used with "{kind}".')
    if allowed_values is not None and not (_is_int(value) and value in allowed_values):
        fail(f'"value" must be a whole number from {allowed_values.start} to {allowed_values.stop - 1}.')
    next_kind = event.get("next")
    allowed_next = NEXT_CHOICES.get(kind)
    if allowed_next is None and next_kind is not None:
        fail(f'"next" is not used with "{kind}".')
    if allowed_next is not None and next_kind not in allowed_next:
        fail(f'"next" must be one of {", ".join(sorted(allowed_next))}.')
    return BeaconEvent(kind=kind, article_id=article, locale=locale, value=value, next_kind=next_kind or "")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
