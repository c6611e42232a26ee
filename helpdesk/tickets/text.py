"""What a subject and a message body may contain."""

import re

from django.conf import settings

from helpdesk.core.sanitize import plain_text

from .errors import TicketError, TicketErrorCode

SUBJECT_MAX = 200
SNIPPET_MAX = 160
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_storable(value: str) -> None:
    if "\x00" in value:
        raise TicketError(TicketErrorCode.INVALID_TEXT)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        raise TicketError(TicketErrorCode.INVALID_TEXT) from None


def clean_subject(value: str) -> str:
    """One line of plain text: line breaks (header injection) collapse to spaces."""
    _check_storable(value or "")
    subject = " ".join(plain_text(value).split())[:SUBJECT_MAX]
    if not subject:
        raise TicketError(TicketErrorCode.EMPTY_SUBJECT)
    return subject


def clean_body(value: str) -> str:
    """The Markdown source as written, minus control characters; rendering sanitises it."""
    _check_storable(value or "")
    if len(value) > settings.HELPDESK_MESSAGE_MAX_CHARS:
        raise TicketError(TicketErrorCode.BODY_TOO_LONG)
    body = _CONTROL.sub("", value.replace("\r\n", "\n")).strip()
    if not body:
        raise TicketError(TicketErrorCode.EMPTY_BODY)
    return body


def snippet(body: str) -> str:
    text = " ".join(plain_text(body).split())
    return text if len(text) <= SNIPPET_MAX else text[: SNIPPET_MAX - 1] + "…"
