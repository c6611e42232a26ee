"""A chat's transcript as staff read it: who said what, with system events put into words."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import AuthorKind, ChatMessage, Conversation
from .selectors import transcript_messages


@dataclass(frozen=True)
class TranscriptLine:
    author_kind: str
    author_label: str
    text: str
    created_at: datetime
    articles: tuple[dict, ...] = ()


def _system_text(message: ChatMessage) -> str:
    event = (message.payload or {}).get("event")
    if event == "joined":
        return _("%(name)s joined the chat.") % {"name": message.body}
    if event == "transferred":
        return _("The chat was passed to %(name)s.") % {"name": message.body}
    if event == "ended":
        return _("The chat ended.")
    return message.body


def _author(message: ChatMessage) -> str:
    if message.author_kind == AuthorKind.AGENT and message.author_user is not None:
        return message.author_user.get_full_name() or message.author_user.email
    labels = {
        AuthorKind.VISITOR: pgettext("chat author", "Visitor"),
        AuthorKind.BOT: pgettext("chat author", "Bot"),
        AuthorKind.SYSTEM: pgettext("chat author", "System"),
    }
    return str(labels.get(message.author_kind, message.author_kind))


def transcript_lines(messages: list[ChatMessage]) -> list[TranscriptLine]:
    """Turn stored messages (with `author_user` loaded) into lines for the transcript page."""
    lines = []
    for message in messages:
        text = _system_text(message) if message.author_kind == AuthorKind.SYSTEM else message.body
        articles = tuple((message.payload or {}).get("articles") or ()) if message.author_kind == AuthorKind.BOT else ()
        lines.append(TranscriptLine(message.author_kind, _author(message), text, message.created_at, articles))
    return lines


def chat_transcript_text(conversation: Conversation, message: str) -> str:
    """A ticket body: `message`, then the latest part of the chat that fits a ticket message, quoted in Markdown."""
    speakers = {AuthorKind.VISITOR: _("Visitor"), AuthorKind.BOT: _("Bot")}
    lines = []
    for said in transcript_messages(conversation):
        if said.author_kind == AuthorKind.SYSTEM:
            continue
        who = speakers.get(said.author_kind) or (said.author_user.get_full_name() if said.author_user else "")
        lines.append(f"> **{who}:** " + "\n> ".join(said.body.splitlines()))
    head = "\n\n".join([message, "---", _("The chat so far:")])
    # A ticket message has a size limit; the latest part of a long chat matters most.
    room, kept = settings.HELPDESK_MESSAGE_MAX_CHARS - len(head) - 2, []
    for line in reversed(lines):
        room -= len(line) + 3
        if room < 0:
            break
        kept.insert(0, line)
    return "\n\n".join([head, "\n>\n".join(kept)]) if kept else message
