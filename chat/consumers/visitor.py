"""/ws/chat/: the visitor's side of a conversation (the chat widget)."""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils.datastructures import CaseInsensitiveMapping

from helpdesk.customers.session import customer_from_session
from kb.beacon import opted_out
from kb.models import NextKind
from kb.services import article_contact_record

from .. import botflow
from ..errors import ChatError
from ..frames import PROTOCOL_VERSION
from ..identity import customer_for_identity, identity_verify
from ..models import Conversation, ConversationStatus
from ..protocol import CLOSE_BAD_VERSION, CLOSE_RATE_ABUSE, VISITOR_SCHEMAS, SocketErrorCode
from ..ratelimits import new_conversation_allowed
from ..selectors import conversation_for_visitor
from ..services import (
    chat_end,
    chat_message_post,
    chat_rate,
    chat_rating_scale,
    chat_read,
    conversation_identify,
    visitor_key_new,
)
from .base import ChatSocket, stored_frames
from .database import database_call

logger = logging.getLogger(__name__)


def visitor_locale(value: str) -> str:
    """Return the supported language closest to what the widget asked for ("fa-IR" → "fa")."""
    codes = dict(settings.LANGUAGES)
    value = (value or "").lower().replace("_", "-")
    for candidate in (value, value.split("-")[0]):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Opened:
    pk: int
    public_id: str
    visitor_key: str
    identity_refused: bool


def _customer(session, token: str, locale: str):
    """Return the customer chatting (signed in to the portal, or vouched for by the shop) and whether a token failed."""
    customer = customer_from_session(session) if session is not None else None
    if customer is not None or not token:
        return customer, False
    identity = identity_verify(token)
    if identity is None:
        return None, True
    return customer_for_identity(identity, locale=locale), False


class TooManyConversations(Exception):
    """This address opened more new conversations than the limit allows for now."""


@database_call
def _open(hello: dict, *, locale: str, session, address: str = "", kb_session: str = "") -> Opened:
    customer, refused = _customer(session, hello["identity"], locale)
    key = hello["visitor_key"]
    conversation = None
    if hello["conversation"]:
        conversation = conversation_for_visitor(public_id=hello["conversation"], visitor_key=key, customer=customer)
    # A browser without a key (a customer resuming on a new device) gets one for its next conversations.
    key = key or visitor_key_new()
    if conversation is None:
        if not new_conversation_allowed(address):
            raise TooManyConversations
        origin = hello["origin"] if (hello["origin"] or "").startswith(("https://", "http://")) else ""
        conversation = botflow.conversation_open(visitor_key=key, locale=locale, customer=customer, origin=origin)
        if kb_session:
            # A contact for the help-centre session the chat started from (docs/analytics.md); nothing names the chat.
            record = partial(article_contact_record, session=kb_session, channel=NextKind.CHAT, locale=locale)
            transaction.on_commit(record, robust=True)
    elif customer is not None and conversation.customer_id is None:
        # An anonymous chat resumed after signing in (or with the shop's token) becomes the customer's.
        conversation = conversation_identify(conversation=conversation, customer=customer)
    return Opened(conversation.pk, str(conversation.public_id), key, refused)


@database_call
def _load(pk: int, last_seq: int) -> tuple[Conversation, int, list[dict], str]:
    conversation = Conversation.objects.get(pk=pk)
    seen = min(last_seq, conversation.last_seq)
    return conversation, seen, stored_frames(pk, seen), chat_rating_scale()


_history = database_call(stored_frames)


@database_call
def _post_message(pk: int, body: str, client_id: str) -> tuple[int, bool]:
    """Store the visitor's message; return its seq and whether it is new to a chat the bot still has."""
    posted = chat_message_post(conversation=Conversation(pk=pk), body=body, client_id=client_id)
    return posted.message.seq, posted.created and posted.message.conversation.status == ConversationStatus.BOT


@database_call
def _bot_answer(pk: int, text: str) -> None:
    try:
        botflow.bot_on_message(conversation=Conversation(pk=pk), text=text)
    except Exception:
        # The visitor's message is stored and acknowledged; a failing bot must not drop their socket.
        logger.exception("The chat bot failed to answer")


@database_call
def _press_button(pk: int, button: str, client_id: str) -> int | None:
    try:
        posted = botflow.bot_on_button(conversation=Conversation(pk=pk), button=button, client_id=client_id)
    except ChatError:
        raise
    except Exception:
        # Nothing was stored (the turn is one transaction); the visitor can press again.
        logger.exception("The chat bot failed to act on a button")
        return None
    return posted.message.seq if posted else None


@database_call
def _mark_read(pk: int, public_id: str, seq: int) -> None:
    chat_read(conversation=Conversation(pk=pk, public_id=public_id), seq=seq, by_agent=False)


@database_call
def _end_chat(pk: int) -> None:
    chat_end(conversation=Conversation(pk=pk))


@database_call
def _rate(pk: int, score: int, comment: str) -> int:
    return chat_rate(conversation=Conversation(pk=pk), score=score, comment=comment).rating


class VisitorConsumer(ChatSocket):
    """One browser's socket on one conversation at a time; it joins only a conversation it proves is its own."""

    role = "visitor"
    schemas = VISITOR_SCHEMAS
    pk: int | None = None
    public_id: str | None = None
    untracked = False

    async def connect(self):
        headers = CaseInsensitiveMapping(
            {name.decode("latin-1"): value.decode("latin-1") for name, value in self.scope["headers"]}
        )
        # Do-Not-Track or Global Privacy Control on the handshake: a hello's kb_session is ignored.
        self.untracked = opted_out(headers)
        await self.accept()

    async def _on_hello(self, frame):
        if frame["v"] != PROTOCOL_VERSION:
            await self.send_error(SocketErrorCode.UNSUPPORTED_VERSION, field="v")
            await self.close_with(CLOSE_BAD_VERSION)
            return
        self.locale = visitor_locale(frame["locale"])
        address = (self.scope.get("client") or ("",))[0] or ""
        kb_session = "" if self.untracked else frame["kb_session"]
        try:
            opened = await _open(
                frame, locale=self.locale, session=self.scope.get("session"), address=address, kb_session=kb_session
            )
        except TooManyConversations:
            await self.send_error(SocketErrorCode.RATE_LIMITED)
            await self.close_with(CLOSE_RATE_ABUSE)
            return
        if opened.identity_refused:
            await self.send_error(SocketErrorCode.INVALID_IDENTITY, field="identity")
        if self.public_id is not None and self.public_id != opened.public_id:
            await self.leave_conversation(self.public_id)
        self.pk, self.public_id = opened.pk, opened.public_id
        # Join before reading the history: a message stored meanwhile arrives as a nudge, and is sent once.
        asked = frame["last_seq"] if opened.public_id == frame["conversation"] else 0
        await self.join_conversation(opened.public_id, seen=asked)
        conversation, seen, frames, scale = await _load(opened.pk, asked)
        self.joined[opened.public_id] = seen
        await self.send_json(self._welcome(conversation, opened.visitor_key, scale))
        await self.send_messages(opened.public_id, frames)

    def _welcome(self, conversation: Conversation, visitor_key: str, rating_scale: str) -> dict:
        return {
            "type": "welcome",
            "v": PROTOCOL_VERSION,
            "conversation": str(conversation.public_id),
            "visitor_key": visitor_key,
            "status": conversation.status,
            "last_seq": conversation.last_seq,
            "agent_read_seq": conversation.agent_read_seq,
            "locale": conversation.locale,
            "rating": conversation.rating,
            "rating_scale": rating_scale,
        }

    async def _on_message(self, frame):
        seq, bot_turn = await _post_message(self.pk, frame["body"], frame["client_id"])
        await self.send_json({"type": "ack", "client_id": frame["client_id"], "seq": seq})
        if bot_turn:
            await _bot_answer(self.pk, frame["body"])

    async def _on_sync(self, frame):
        frames = await _history(self.pk, frame["last_seq"])
        for message in frames:
            await self.send_json(message)
        if frames:
            self.joined[self.public_id] = max(self.joined[self.public_id], frames[-1]["seq"])

    async def _on_button(self, frame):
        seq = await _press_button(self.pk, frame["button"], frame["client_id"])
        if seq is not None and frame["client_id"]:
            await self.send_json({"type": "ack", "client_id": frame["client_id"], "seq": seq})

    async def _on_typing(self, frame):
        await self.send_typing(self.public_id, {"type": "typing", "by": "visitor", "on": frame["on"]})

    async def _on_read(self, frame):
        await _mark_read(self.pk, self.public_id, frame["seq"])

    async def _on_end(self, frame):
        await _end_chat(self.pk)

    async def _on_rate(self, frame):
        score = await _rate(self.pk, frame["score"], frame["comment"])
        await self.send_json({"type": "rated", "score": score})

    async def _on_before_hello(self, frame):
        await self.send_error(SocketErrorCode.HELLO_REQUIRED)

    def handler_for(self, kind: str):
        if self.pk is None and kind not in ("hello", "ping"):
            return VisitorConsumer._on_before_hello
        return self.handlers[kind]

    async def on_message_nudge(self, frame: dict) -> None:
        seen = self.joined.get(self.public_id)
        if seen is None or frame.get("conversation", self.public_id) != self.public_id:
            return
        if frame["seq"] == seen + 1:
            await self.send_messages(self.public_id, [frame])
        elif frame["seq"] > seen:
            # A nudge went missing (a slow socket, another process): the database has them all.
            await self.send_messages(self.public_id, await _history(self.pk, seen))

    async def on_read_nudge(self, frame: dict) -> None:
        if frame.get("conversation", self.public_id) == self.public_id:
            await self.send_json(frame)

    handlers = {
        "hello": _on_hello,
        "message": _on_message,
        "sync": _on_sync,
        "button": _on_button,
        "typing": _on_typing,
        "read": _on_read,
        "end": _on_end,
        "rate": _on_rate,
        "ping": ChatSocket._on_ping,
    }
