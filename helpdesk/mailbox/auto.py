"""Recognise mail no person wrote: auto-replies, bounces and list or loop traffic.

Such mail never opens a ticket and never gets an answer, so two robots cannot talk to each other
forever. The headers are the standard ones (RFC 3834 `Auto-Submitted`, `Precedence`, an empty
`Return-Path`, RFC 3464 delivery reports) and the de-facto ones Exchange and other servers send.
"""

from email.message import EmailMessage

from .parse import header

BOUNCE_SENDERS = ("mailer-daemon@", "postmaster@")
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder")
SUPPRESS_VALUES = {"all", "oof", "autoreply"}


def automatic_reason(message: EmailMessage, sender: str) -> str:
    """Why this email is automatic ('auto-reply', 'bounce' or 'bulk'), or '' when a person wrote it."""
    if header(message, "Return-Path").replace(" ", "") == "<>" or sender.startswith(BOUNCE_SENDERS):
        return "bounce"
    if message.get_content_type() == "multipart/report":
        return "bounce"
    auto_submitted = header(message, "Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return "auto-reply"
    if any(header(message, name) for name in AUTO_HEADERS):
        return "auto-reply"
    suppress = {value.strip().lower() for value in header(message, "X-Auto-Response-Suppress").split(",")}
    if suppress & SUPPRESS_VALUES:
        return "auto-reply"
    if header(message, "Precedence").lower() in AUTO_PRECEDENCE:
        return "bulk"
    return ""
