"""Read one raw RFC 822 message into what the helpdesk needs: who, about what, which thread, and the text.

The standard library's `email` package with the modern policy decodes encoded-word subjects and
names (Arabic and Persian in UTF-8 or windows-1256), transfer encodings and charsets. A message
without a plain-text part is read from its HTML; a forwarded message attached whole is kept as text.
"""

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from helpdesk.core.sanitize import strip_controls

from .htmltext import html_to_text

RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


class UnreadableEmail(ValueError):
    """The bytes are not an email the helpdesk can read."""


@dataclass(frozen=True)
class EmailFile:
    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedEmail:
    message: EmailMessage
    message_id: str
    sender: str
    sender_name: str
    subject: str
    text: str
    recipients: list[str]
    thread_ids: list[str]  # In-Reply-To, then References newest first
    files: list[EmailFile] = field(default_factory=list)


def message_ids(value: str) -> list[str]:
    """The ids in a Message-ID, In-Reply-To or References header, without their angle brackets."""
    return _MESSAGE_ID.findall(value or "")


def header(message: EmailMessage, name: str) -> str:
    """A header's decoded value on one line, without control characters, or '' when it is missing or too broken.

    Encoded words can carry any character, NUL included, which PostgreSQL cannot store.
    """
    try:
        value = message.get(name)
    except Exception:  # the standard library's header parsers raise all sorts on hostile input
        return ""
    return " ".join(strip_controls(str(value)).split()) if value is not None else ""


def _decode(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError, KeyError, ValueError):  # an unknown or lying charset
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _body_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    text = _decode(body)
    return html_to_text(text) if body.get_content_type() == "text/html" else text


def _forwarded_text(part: EmailMessage) -> str:
    inner = part.get_payload()[0] if part.is_multipart() else None
    if not isinstance(inner, EmailMessage):
        return ""
    lines = [f"{name}: {header(inner, name)}" for name in ("From", "Date", "Subject", "To") if header(inner, name)]
    return "\n".join(["---------- Forwarded message ----------", *lines, "", _body_text(inner)])


def _collect(part: EmailMessage, body: EmailMessage | None, files: list[EmailFile], forwards: list[str]) -> None:
    if part is body:
        return
    if part.get_content_type() == "message/rfc822":
        forwards.append(_forwarded_text(part))
    elif part.is_multipart():
        for inner in part.iter_parts():
            _collect(inner, body, files, forwards)
    elif part.get_filename() is not None or part.get_content_disposition() == "attachment":
        content = part.get_payload(decode=True) or b""
        files.append(EmailFile(part.get_filename() or "attachment", part.get_content_type(), content))


def email_parse(raw: bytes) -> ParsedEmail:
    """Parse raw bytes, or raise UnreadableEmail when there is no sender to answer."""
    try:
        message = message_from_bytes(raw, policy=policy.default)
    except Exception as error:  # the parser is lenient; anything it still raises means unreadable bytes
        raise UnreadableEmail(str(error)) from error
    sender_name, sender = parseaddr(header(message, "From"))
    if "@" not in sender:
        raise UnreadableEmail("no sender address")
    files: list[EmailFile] = []
    forwards: list[str] = []
    _collect(message, message.get_body(preferencelist=("plain", "html")), files, forwards)
    text = "\n\n".join(piece for piece in [_body_text(message), *forwards] if piece.strip())
    recipients = [address for _name, address in getaddresses([header(message, name) for name in RECIPIENT_HEADERS])]
    ids = message_ids(header(message, "Message-ID"))
    return ParsedEmail(
        message=message,
        message_id=ids[0] if ids else "",
        sender=sender.strip().lower(),
        sender_name=" ".join(sender_name.split()),
        subject=header(message, "Subject"),
        text=text,
        recipients=[address for address in recipients if "@" in address],
        thread_ids=message_ids(header(message, "In-Reply-To")) + message_ids(header(message, "References"))[::-1],
        files=files,
    )
