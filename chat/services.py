"""Write path for chats: every message gets its sequence number in the database before anyone is sent it.

The database is the source of truth. The channel layer only says "something new"; a socket
that missed a frame (a slow consumer, a dropped connection, a restarted server) catches up
from the last sequence number it saw.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.accounts.roles import is_agent
from helpdesk.customers.models import Customer
from helpdesk.tickets.models import Channel
from helpdesk.tickets.services import ticket_create
from surveys.models import RatingScale
from surveys.selectors import survey_settings

from . import broadcast
from .errors import ChatError, ChatErrorCode
from .metrics import chat_clock, first_response_verdict, unanswered_verdict
from .models import (
    RATING_MAX,
    AgentPresence,
    AuthorKind,
    ChatMessage,
    ChatSettings,
    Conversation,
    ConversationStatus,
    PresenceStatus,
)

MAX_BODY = 4000
MAX_RATING_COMMENT = 2000
PRESENCE_TTL = timedelta(seconds=45)


def visitor_key_new() -> str:
    """A random key that lets one browser come back to its conversations."""
    return secrets.token_urlsafe(32)


def visitor_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _clean(body: str) -> str:
    text = (body or "").replace("\x00", "").strip()
    if not text:
        raise ChatError(ChatErrorCode.EMPTY_MESSAGE)
    if len(text) > MAX_BODY:
        raise ChatError(ChatErrorCode.MESSAGE_TOO_LONG)
    return text


@transaction.atomic
def conversation_start(
    *, visitor_key: str, locale: str, customer: Customer | None = None, origin: str = ""
) -> Conversation:
    """Open a conversation for a visitor (a known customer when `customer` is given)."""
    return Conversation.objects.create(
        visitor_key_hash=visitor_key_hash(visitor_key),
        customer=customer,
        email=customer.email if customer else "",
        locale=locale,
        origin=origin[:500],
        created_at=timezone.now(),
    )


@dataclass(frozen=True)
class Posted:
    message: ChatMessage
    created: bool  # False when the same client_id was posted before: the first message is returned


def _author(by) -> dict:
    if by == AuthorKind.BOT or by == AuthorKind.SYSTEM:
        return {"author_kind": by}
    if by is None or isinstance(by, Customer):
        return {"author_kind": AuthorKind.VISITOR}
    return {"author_kind": AuthorKind.AGENT, "author_user": by}


@transaction.atomic
def chat_message_post(
    *, conversation: Conversation, body: str, by=None, client_id: str = "", payload: dict | None = None
) -> Posted:
    """Store a message with the conversation's next sequence number, once per `client_id`.

    `by`: None (the visitor), an agent (User), or AuthorKind.BOT / AuthorKind.SYSTEM. Only the
    conversation's pk is read: `Conversation(pk=...)` will do. The stored message's
    `conversation` is the row as locked (its status, its assignee).
    """
    text = _clean(body)
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    author = _author(by)
    if author["author_kind"] == AuthorKind.AGENT and locked.assignee_id != by.pk:
        raise ChatError(ChatErrorCode.NOT_YOUR_CHAT)
    if locked.status == ConversationStatus.ENDED:
        raise ChatError(ChatErrorCode.CONVERSATION_ENDED)
    if client_id:
        earlier = ChatMessage.objects.filter(conversation=locked, client_id=client_id).first()
        if earlier is not None:
            return Posted(earlier, created=False)
    now = timezone.now()
    locked.last_seq += 1
    fields = ["last_seq"]
    if author["author_kind"] == AuthorKind.AGENT and locked.first_agent_reply_at is None:
        locked.first_agent_reply_at = now
        fields.append("first_agent_reply_at")
        if locked.queued_at is not None:
            verdict = first_response_verdict(chat_clock(), locked.queued_at, now)
            locked.first_response_business_seconds, locked.first_response_breached = verdict
            fields += ["first_response_business_seconds", "first_response_breached"]
    locked.save(update_fields=fields)
    message = ChatMessage.objects.create(
        conversation=locked,
        seq=locked.last_seq,
        body=text,
        payload=payload or {},
        client_id=client_id[:64],
        created_at=now,
        **author,
    )
    broadcast.message_on_commit(message)
    return Posted(message, created=True)


def messages_after(conversation: Conversation, seq: int, *, limit: int = 200) -> list[ChatMessage]:
    """The messages a client that saw up to `seq` has missed, in order."""
    return list(
        ChatMessage.objects.filter(conversation=conversation, seq__gt=max(seq, 0))
        .select_related("author_user")
        .order_by("seq")[:limit]
    )


@transaction.atomic
def chat_read(*, conversation: Conversation, seq: int, by_agent: bool) -> None:
    """Record a read receipt: everything up to `seq` was seen (never moves backwards)."""
    field = "agent_read_seq" if by_agent else "visitor_read_seq"
    updated = Conversation.objects.filter(pk=conversation.pk, **{f"{field}__lt": seq}, last_seq__gte=seq).update(
        **{field: seq}
    )
    if updated:
        broadcast.read_on_commit(conversation, seq=seq, by_agent=by_agent)


@transaction.atomic
def chat_handoff(*, conversation: Conversation) -> Conversation:
    """Put the conversation in the queue for a person."""
    updated = Conversation.objects.filter(pk=conversation.pk, status=ConversationStatus.BOT).update(
        status=ConversationStatus.WAITING, queued_at=timezone.now()
    )
    conversation.refresh_from_db()
    if updated:
        broadcast.queue_on_commit(conversation)
    return conversation


@transaction.atomic
def chat_accept(*, conversation: Conversation, agent) -> Conversation:
    """Take a waiting chat; when two agents accept at once, exactly one wins."""
    if not is_agent(agent):
        raise ChatError(ChatErrorCode.NOT_STAFF)
    won = Conversation.objects.filter(pk=conversation.pk, status=ConversationStatus.WAITING).update(
        status=ConversationStatus.ACTIVE, assignee=agent, accepted_at=timezone.now()
    )
    if not won:
        raise ChatError(ChatErrorCode.ALREADY_TAKEN)
    conversation.refresh_from_db()
    name = agent.first_name or agent.get_full_name() or agent.email
    chat_message_post(conversation=conversation, body=name, by=AuthorKind.SYSTEM, payload={"event": "joined"})
    broadcast.queue_on_commit(conversation)
    return conversation


@transaction.atomic
def chat_transfer(*, conversation: Conversation, to_agent, by) -> Conversation:
    """Hand an active chat to another agent."""
    if not is_agent(by) or not is_agent(to_agent):
        raise ChatError(ChatErrorCode.NOT_STAFF)
    moved = Conversation.objects.filter(pk=conversation.pk, status=ConversationStatus.ACTIVE, assignee=by).update(
        assignee=to_agent
    )
    if not moved:
        raise ChatError(ChatErrorCode.NOT_YOUR_CHAT)
    conversation.refresh_from_db()
    name = to_agent.first_name or to_agent.get_full_name() or to_agent.email
    chat_message_post(conversation=conversation, body=name, by=AuthorKind.SYSTEM, payload={"event": "transferred"})
    broadcast.queue_on_commit(conversation)
    return conversation


@transaction.atomic
def chat_end(*, conversation: Conversation, by=None) -> Conversation:
    """End the chat (visitor or agent); nothing more can be written to it."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.status == ConversationStatus.ENDED:
        return locked
    if by is not None and not isinstance(by, Customer) and locked.assignee_id != by.pk:
        raise ChatError(ChatErrorCode.NOT_YOUR_CHAT)
    chat_message_post(conversation=locked, body="ended", by=AuthorKind.SYSTEM, payload={"event": "ended"})
    locked.refresh_from_db()
    locked.status = ConversationStatus.ENDED
    locked.ended_at = timezone.now()
    fields = ["status", "ended_at"]
    if locked.queued_at is not None and locked.first_agent_reply_at is None:  # asked for a person, never answered
        verdict = unanswered_verdict(chat_clock(), locked.queued_at, locked.ended_at)
        locked.unanswered_business_seconds, locked.first_response_breached = verdict
        fields += ["unanswered_business_seconds", "first_response_breached"]
    locked.save(update_fields=fields)
    broadcast.queue_on_commit(locked)
    return locked


def chat_rating_scale() -> str:
    """The scale chats are rated on: the one the survey settings choose for support ratings."""
    return survey_settings().rating_scale


@transaction.atomic
def chat_rate(*, conversation: Conversation, score: int, comment: str = "") -> Conversation:
    """Record the visitor's rating of an ended chat, once; it counts for the agent who had the chat.

    On the good-or-bad scale only 1 (bad) and 5 (good) exist, as for ticket ratings.
    """
    if not 1 <= score <= RATING_MAX:
        raise ValueError(f"a chat rating is 1 to {RATING_MAX}")
    if chat_rating_scale() == RatingScale.BINARY and score not in (1, RATING_MAX):
        raise ChatError(ChatErrorCode.NOT_ON_SCALE)
    comment = (comment or "").replace("\x00", "").strip()[:MAX_RATING_COMMENT]
    rated = Conversation.objects.filter(
        pk=conversation.pk, status=ConversationStatus.ENDED, rating__isnull=True
    ).update(rating=score, rating_comment=comment, rated_at=timezone.now())
    conversation.refresh_from_db()
    if not rated:
        code = ChatErrorCode.ALREADY_RATED if conversation.rating is not None else ChatErrorCode.NOT_ENDED
        raise ChatError(code)
    return conversation


@transaction.atomic
def agent_presence_beat(*, agent, status: str = PresenceStatus.ONLINE, now: datetime | None = None) -> AgentPresence:
    """Renew an agent's presence for a short while; without beats it lapses, even if the server died."""
    if not is_agent(agent):
        raise ChatError(ChatErrorCode.NOT_STAFF)
    expires = (now or timezone.now()) + PRESENCE_TTL
    try:
        with transaction.atomic():
            presence, _created = AgentPresence.objects.update_or_create(
                user=agent, defaults={"status": status, "expires_at": expires}
            )
    except IntegrityError:  # two tabs beating at once
        presence = AgentPresence.objects.get(user=agent)
    return presence


def agents_online(*, now: datetime | None = None) -> int:
    """How many agents are online now (their last heartbeat has not lapsed)."""
    return AgentPresence.objects.filter(status=PresenceStatus.ONLINE, expires_at__gt=now or timezone.now()).count()


def chat_settings_current() -> ChatSettings:
    """The one settings row, created with the defaults the first time it is asked for."""
    settings_row = ChatSettings.objects.order_by("pk").first()
    if settings_row is None:
        settings_row, _created = ChatSettings.objects.get_or_create(pk=1)
    return settings_row


@transaction.atomic
def chat_settings_save(*, settings_row: ChatSettings) -> ChatSettings:
    """Save what managers changed (history records who and when)."""
    settings_row.save()
    return settings_row


@transaction.atomic
def conversation_bot_state_save(*, conversation: Conversation, state: dict) -> None:
    """Keep the bot's memory of this conversation (what it asked, how often it missed)."""
    Conversation.objects.filter(pk=conversation.pk).update(bot_state=state)
    conversation.bot_state = state


@transaction.atomic
def conversation_identify(*, conversation: Conversation, customer: Customer) -> Conversation:
    """Attach an anonymous conversation to the customer who turned out to be writing (a sign-in, a token)."""
    Conversation.objects.filter(pk=conversation.pk, customer__isnull=True).update(customer=customer)
    conversation.refresh_from_db()
    return conversation


@transaction.atomic
def conversation_email_set(*, conversation: Conversation, email: str) -> Conversation:
    """Keep the address an anonymous visitor typed (unproven: replies to it go through a confirmation link)."""
    Conversation.objects.filter(pk=conversation.pk).update(email=email)
    conversation.email = email
    return conversation


@transaction.atomic
def chat_to_ticket(*, conversation: Conversation, subject: str, body: str):
    """Open a ticket for the conversation's customer on the chat channel and link it to the chat."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.customer_id is None:
        raise ChatError(ChatErrorCode.NOT_IDENTIFIED)
    ticket = ticket_create(
        customer=locked.customer, subject=subject, body=body, channel=Channel.CHAT, locale=locked.locale
    )
    locked.ticket = ticket
    locked.save(update_fields=["ticket"])
    conversation.ticket = ticket
    return ticket
