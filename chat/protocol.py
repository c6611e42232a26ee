"""Chat protocol v1 as the server reads it: a schema per frame type, a size cap and a rate limit.

Nothing here touches the database or the channel layer; the consumers in chat/consumers/ parse
every frame through `parse_frame` and `validate_frame` before acting on it. The frames and their
meaning are written down in docs/chat-protocol.md.
"""

import json
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from kb.beacon import SESSION_PATTERN

from .bot import Button
from .errors import MESSAGES as CHAT_MESSAGES
from .errors import ChatErrorCode
from .models import RATING_MAX, PresenceStatus
from .services import MAX_BODY, MAX_RATING_COMMENT

MAX_FRAME_BYTES = 16 * 1024
MAX_CLIENT_ID = 64
MAX_SEQ = 2**31 - 1
MAX_IDENTITY = 2048
MAX_ORIGIN = 500

# NUL (PostgreSQL cannot store it) and lone surrogates (JSON's "\ud800" decodes to one; it is not UTF-8).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

RATE_CAPACITY = 20
RATE_WINDOW_SECONDS = 10.0
RATE_MAX_REFUSALS = 10

CLOSE_TOO_LARGE = 1009
CLOSE_INTERNAL_ERROR = 1011
CLOSE_BAD_VERSION = 4400
CLOSE_UNAUTHORISED = 4401
CLOSE_RATE_ABUSE = 4408

# Looked up at call time, so tests can stand the clock still.
monotonic = time.monotonic


class SocketErrorCode(StrEnum):
    INVALID_FRAME = "invalid_frame"
    UNKNOWN_TYPE = "unknown_type"
    FRAME_TOO_LARGE = "frame_too_large"
    RATE_LIMITED = "rate_limited"
    HELLO_REQUIRED = "hello_required"
    UNSUPPORTED_VERSION = "unsupported_version"
    INVALID_IDENTITY = "invalid_identity"
    NOT_JOINED = "not_joined"
    NOT_FOUND = "not_found"


SOCKET_MESSAGES = {
    SocketErrorCode.INVALID_FRAME: _("The chat could not read that. Please reload the page."),
    SocketErrorCode.UNKNOWN_TYPE: _("The chat could not read that. Please reload the page."),
    SocketErrorCode.FRAME_TOO_LARGE: _("That was too much to send at once. Please reload the page."),
    SocketErrorCode.RATE_LIMITED: _("You're sending messages very fast. Please wait a few seconds."),
    SocketErrorCode.HELLO_REQUIRED: _("The chat is still connecting. Please wait a moment."),
    SocketErrorCode.UNSUPPORTED_VERSION: _("This chat window is out of date. Please reload the page."),
    SocketErrorCode.INVALID_IDENTITY: _("We couldn't confirm who you are, so this chat is anonymous."),
    SocketErrorCode.NOT_JOINED: _("Open this chat first."),
    SocketErrorCode.NOT_FOUND: _("This chat no longer exists."),
}


def error_message(code: str) -> str:
    """Return what to tell a person about an error code, in the active language."""
    message = SOCKET_MESSAGES.get(code) or CHAT_MESSAGES.get(code) or SOCKET_MESSAGES[SocketErrorCode.INVALID_FRAME]
    return str(message)


class FrameError(Exception):
    """A frame the server will not act on; `field` names the offending key, if any."""

    def __init__(self, code: str, field: str = ""):
        super().__init__(code)
        self.code = code
        self.field = field


class _Bad(Exception):
    def __init__(self, code: str = SocketErrorCode.INVALID_FRAME):
        super().__init__(code)
        self.code = code


Check = Callable[[Any], Any]


def _text(max_length: int, *, min_length: int = 0, pattern: str = "", too_long: str = SocketErrorCode.INVALID_FRAME):
    compiled = re.compile(pattern) if pattern else None

    def check(value):
        if not isinstance(value, str) or len(value) < min_length or UNSTORABLE.search(value):
            raise _Bad()
        if len(value) > max_length:
            raise _Bad(too_long)
        if compiled is not None and not compiled.fullmatch(value):
            raise _Bad()
        return value

    return check


def _integer(*, minimum: int = 0, maximum: int = MAX_SEQ) -> Check:
    def check(value):
        # bool is an int subclass: true must not read as 1.
        if type(value) is not int or not minimum <= value <= maximum:
            raise _Bad()
        return value

    return check


def _boolean(value):
    if not isinstance(value, bool):
        raise _Bad()
    return value


def _uuid(value):
    if not isinstance(value, str) or len(value) > 36:
        raise _Bad()
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise _Bad() from None


def _choice(*values: str) -> Check:
    allowed = frozenset(values)

    def check(value):
        if not isinstance(value, str) or value not in allowed:
            raise _Bad()
        return value

    return check


def _nullable(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _kb_session(value) -> str:
    # Only a statistic (docs/analytics.md): a malformed one is dropped, never a reason to refuse the hello.
    return value if isinstance(value, str) and SESSION_PATTERN.fullmatch(value) else ""


@dataclass(frozen=True)
class Key:
    check: Check
    required: bool = True
    default: Any = None


_seq = _integer()
_client_id = _text(MAX_CLIENT_ID, min_length=1)
_body = _text(MAX_BODY, too_long=ChatErrorCode.MESSAGE_TOO_LONG)
_conversation = Key(_uuid)

VISITOR_SCHEMAS: Mapping[str, Mapping[str, Key]] = {
    "hello": {
        "v": Key(_integer(maximum=1000)),
        "visitor_key": Key(_nullable(_text(128, min_length=20, pattern=r"[A-Za-z0-9_-]+")), required=False),
        "conversation": Key(_nullable(_uuid), required=False),
        "last_seq": Key(_seq, required=False, default=0),
        "locale": Key(_text(16), required=False, default=""),
        "identity": Key(_nullable(_text(MAX_IDENTITY)), required=False, default=""),
        "origin": Key(_nullable(_text(MAX_ORIGIN)), required=False, default=""),
        "kb_session": Key(_kb_session, required=False, default=""),
    },
    "message": {"client_id": Key(_client_id), "body": Key(_body)},
    "sync": {"last_seq": Key(_seq)},
    "button": {"button": Key(_choice(*Button)), "client_id": Key(_client_id, required=False, default="")},
    "typing": {"on": Key(_boolean)},
    "read": {"seq": Key(_seq)},
    "end": {},
    "rate": {
        "score": Key(_integer(minimum=1, maximum=RATING_MAX)),
        "comment": Key(_text(MAX_RATING_COMMENT), required=False, default=""),
    },
    "ping": {},
}

AGENT_SCHEMAS: Mapping[str, Mapping[str, Key]] = {
    "heartbeat": {"status": Key(_choice(*PresenceStatus.values))},
    "queue": {},
    "accept": {"conversation": _conversation},
    "join": {"conversation": _conversation, "last_seq": Key(_seq, required=False, default=0)},
    "leave": {"conversation": _conversation},
    "message": {"conversation": _conversation, "client_id": Key(_client_id), "body": Key(_body)},
    "sync": {"conversation": _conversation, "last_seq": Key(_seq)},
    "typing": {"conversation": _conversation, "on": Key(_boolean)},
    "read": {"conversation": _conversation, "seq": Key(_seq)},
    "transfer": {"conversation": _conversation, "to": Key(_integer(minimum=1))},
    "end": {"conversation": _conversation},
    "ping": {},
}


def parse_frame(text_data: str | None, bytes_data: bytes | None = None) -> dict:
    """Decode one text frame into a JSON object, refusing binary, oversized and malformed frames."""
    if text_data is None:
        raise FrameError(SocketErrorCode.INVALID_FRAME)
    if len(text_data) > MAX_FRAME_BYTES or len(text_data.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise FrameError(SocketErrorCode.FRAME_TOO_LARGE)
    try:
        content = json.loads(text_data)
    except (ValueError, RecursionError):
        raise FrameError(SocketErrorCode.INVALID_FRAME) from None
    if not isinstance(content, dict):
        raise FrameError(SocketErrorCode.INVALID_FRAME)
    return content


def validate_frame(content: Mapping, schemas: Mapping[str, Mapping[str, Key]]) -> tuple[str, dict]:
    """Return the frame's type and its known keys, checked and with defaults filled in; unknown keys are dropped."""
    kind = content.get("type")
    if not isinstance(kind, str) or kind not in schemas:
        raise FrameError(SocketErrorCode.UNKNOWN_TYPE)
    cleaned = {}
    for name, key in schemas[kind].items():
        if name not in content:
            if key.required:
                raise FrameError(SocketErrorCode.INVALID_FRAME, name)
            cleaned[name] = key.default
            continue
        try:
            cleaned[name] = key.check(content[name])
        except _Bad as bad:
            raise FrameError(bad.code, name) from None
    return kind, cleaned


def echo_fields(content: Mapping) -> dict:
    """Pick the keys an error frame repeats so the client knows what failed (only when well formed)."""
    echoed = {}
    for name, check in (("client_id", _client_id), ("conversation", _uuid)):
        try:
            echoed[name] = check(content.get(name))
        except _Bad:
            continue
    return echoed


class Verdict(StrEnum):
    ALLOW = "allow"
    REFUSE = "refuse"
    CLOSE = "close"


class TokenBucket:
    """Allow bursts of `capacity` frames, refilled evenly over `window` seconds; close after many refusals in a row."""

    def __init__(
        self,
        *,
        capacity: int = RATE_CAPACITY,
        window: float = RATE_WINDOW_SECONDS,
        max_refusals: int = RATE_MAX_REFUSALS,
        clock: Callable[[], float] | None = None,
    ):
        self.capacity = capacity
        self.rate = capacity / window
        self.max_refusals = max_refusals
        self.clock = clock
        self.tokens = float(capacity)
        self.refusals = 0
        self.last = self._now()

    def _now(self) -> float:
        return self.clock() if self.clock is not None else monotonic()

    def take(self) -> Verdict:
        now = self._now()
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.refusals = 0
            return Verdict.ALLOW
        self.refusals += 1
        return Verdict.CLOSE if self.refusals >= self.max_refusals else Verdict.REFUSE
