"""Figures per chat for the reports: how long the visitor waited, how soon a person answered, who handled it.

Everything is derived from the timestamps the write path stores (`queued_at`, `accepted_at`,
`first_agent_reply_at`, `ended_at`), so the figures can be recomputed at any time. A chat's first
response is timed like a ticket's, in business time against the SLA policy for the chat channel
(normal priority), so the SLA report can put chats and tickets side by side. Like a ticket's, it is
timed once, when the first reply is written (`first_response_verdict`, stored on the chat), so the
reports count it in the database; a chat that ends unanswered is judged once when it ends
(`unanswered_verdict`). A chat without stored figures (still waiting, or from before they were
stored) is timed here instead.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils import timezone

from helpdesk.sla.choices import Channel, Priority
from helpdesk.sla.clock import BusinessCalendar, business_seconds
from helpdesk.sla.selectors import business_calendar, policy_for, targets_for

from .models import Conversation, ConversationStatus


class Handling(StrEnum):
    BOT = "bot"  # the visitor never asked for a person: the bot (or the visitor) ended it
    HUMAN = "human"  # an agent took it
    MISSED = "missed"  # the visitor asked for a person and nobody took the chat
    WAITING = "waiting"  # asked for a person, still in the queue


@dataclass(frozen=True)
class ChatMetrics:
    conversation_id: int
    handled: Handling
    wait_seconds: int | None  # asked for a person → taken (→ now or the end while nobody took it)
    first_response_seconds: int | None  # asked for a person → first agent message, wall-clock
    first_response_business_seconds: int | None
    first_response_target: int | None  # business seconds allowed by the chat policy; None: no target
    first_response_breached: bool | None  # None when there is no target or nothing to judge yet
    duration_seconds: int | None  # opened → ended


@dataclass(frozen=True)
class ChatClock:
    calendar: BusinessCalendar
    target: int | None


def chat_clock() -> ChatClock:
    """The calendar and first-response target chats are timed against (the SLA policy for chats)."""
    policy = policy_for(priority=Priority.NORMAL, channel=Channel.CHAT)
    if policy is None:
        return ChatClock(calendar=business_calendar(None), target=None)
    return ChatClock(calendar=business_calendar(policy.calendar), target=targets_for(policy).first_response)


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(int((end - start).total_seconds()), 0)


def _handling(conversation: Conversation) -> Handling:
    if conversation.accepted_at is not None:
        return Handling.HUMAN
    if conversation.queued_at is None:
        return Handling.BOT
    return Handling.MISSED if conversation.status == ConversationStatus.ENDED else Handling.WAITING


def first_response_verdict(clock: ChatClock, queued: datetime, replied: datetime) -> tuple[int, bool | None]:
    """Return a first reply's business seconds since the chat asked for a person, and whether it was late.

    None for the verdict when the chat policy sets no first-response target.
    """
    business = business_seconds(clock.calendar, queued, replied)
    return business, None if clock.target is None else business > clock.target


def unanswered_verdict(clock: ChatClock, queued: datetime, until: datetime) -> tuple[int, bool | None]:
    """Return an unanswered chat's business seconds in the queue until `until`, and whether it breached.

    It breaches as soon as its wait alone is over the target (True); until then there is nothing
    to judge (None), as there is without a target.
    """
    waited = business_seconds(clock.calendar, queued, until)
    return waited, (True if clock.target is not None and waited > clock.target else None)


def _first_response(conversation: Conversation, clock: ChatClock, now: datetime) -> tuple[int | None, bool | None]:
    queued, replied = conversation.queued_at, conversation.first_agent_reply_at
    if queued is None:
        return None, None
    if replied is not None:
        if conversation.first_response_business_seconds is not None:
            return conversation.first_response_business_seconds, conversation.first_response_breached
        return first_response_verdict(clock, queued, replied)
    if conversation.unanswered_business_seconds is not None:  # judged when it ended
        return None, conversation.first_response_breached
    if clock.target is None:
        return None, None
    return None, unanswered_verdict(clock, queued, conversation.ended_at or now)[1]


def chat_metrics(conversation: Conversation, *, clock: ChatClock, now: datetime | None = None) -> ChatMetrics:
    """Return one chat's figures (pass `chat_clock()` once for many chats)."""
    now = now or timezone.now()
    queued, replied = conversation.queued_at, conversation.first_agent_reply_at
    waited_until = conversation.accepted_at or conversation.ended_at or now
    business, breached = _first_response(conversation, clock, now)
    return ChatMetrics(
        conversation_id=conversation.pk,
        handled=_handling(conversation),
        wait_seconds=_seconds(queued, waited_until),
        first_response_seconds=_seconds(queued, replied),
        first_response_business_seconds=business,
        first_response_target=clock.target,
        first_response_breached=breached,
        duration_seconds=_seconds(conversation.created_at, conversation.ended_at),
    )


def chats_started_between(start: datetime, end: datetime) -> QuerySet[Conversation]:
    """The chats opened in [start, end), with only the fields the figures need."""
    fields = ["pk", "status", "locale", "assignee_id", "customer_id", "created_at", "queued_at", "accepted_at"]
    fields += ["first_agent_reply_at", "first_response_business_seconds", "first_response_breached"]
    fields += ["unanswered_business_seconds"]
    fields += ["ended_at", "rating"]
    return Conversation.objects.filter(created_at__gte=start, created_at__lt=end).only(*fields).order_by("created_at")


# The chats that asked for a person and have no stored first-response figures: still waiting for a
# first reply, or answered or ended before the figures were stored.
UNTIMED = Q(
    queued_at__isnull=False, first_response_business_seconds__isnull=True, unanswered_business_seconds__isnull=True
)


def untimed(chats: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """The chats whose first-response figures are not stored (`UNTIMED`), to be timed one by one."""
    return chats.filter(UNTIMED)


def chat_metrics_many(conversations: Iterable[Conversation], *, now: datetime | None = None) -> list[ChatMetrics]:
    """Return the figures for many chats, timed against one calendar and target."""
    clock, now = chat_clock(), now or timezone.now()
    return [chat_metrics(conversation, clock=clock, now=now) for conversation in conversations]
