"""Chat figures for the reports, derived from the stored timestamps and timed in business hours."""

from datetime import UTC, datetime, timedelta

import pytest

from chat.metrics import Handling, chat_clock, chat_metrics, chat_metrics_many, chats_started_between
from chat.models import Conversation, ConversationStatus
from helpdesk.sla.models import SlaPolicy

pytestmark = pytest.mark.django_db

# A Monday: the default calendar ("Standard hours") is open 09:00–17:00 UTC, Monday to Friday.
MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)


def _chat(**stamps) -> Conversation:
    status = stamps.pop("status", ConversationStatus.ENDED)
    return Conversation.objects.create(
        visitor_key_hash="h", locale="fa", status=status, created_at=stamps.pop("created_at", MONDAY_10), **stamps
    )


@pytest.fixture
def chat_policy():
    """Chats must get a person's first reply within 2 business minutes."""
    return SlaPolicy.objects.create(name="Chats", priority="normal", channel="chat", first_response_minutes=2)


def _at(minutes: float) -> datetime:
    return MONDAY_10 + timedelta(minutes=minutes)


def test_a_chat_answered_in_time_by_a_person(chat_policy):
    chat = _chat(queued_at=_at(1), accepted_at=_at(1.5), first_agent_reply_at=_at(2.5), ended_at=_at(10))

    figures = chat_metrics(chat, clock=chat_clock())

    assert figures.handled == Handling.HUMAN
    assert (figures.wait_seconds, figures.first_response_seconds, figures.duration_seconds) == (30, 90, 600)
    assert (figures.first_response_business_seconds, figures.first_response_target) == (90, 120)
    assert figures.first_response_breached is False


def test_a_slow_first_reply_breaches_the_chat_target(chat_policy):
    chat = _chat(queued_at=_at(1), accepted_at=_at(2), first_agent_reply_at=_at(4), ended_at=_at(5))

    figures = chat_metrics(chat, clock=chat_clock())

    assert (figures.first_response_business_seconds, figures.first_response_breached) == (180, True)


def test_waiting_overnight_counts_business_time_only(chat_policy):
    friday_1659 = datetime(2026, 11, 20, 16, 59, tzinfo=UTC)
    monday_0900_30 = datetime(2026, 11, 23, 9, 0, 30, tzinfo=UTC)
    chat = _chat(
        created_at=friday_1659,
        queued_at=friday_1659,
        accepted_at=monday_0900_30,
        first_agent_reply_at=monday_0900_30,
        ended_at=monday_0900_30 + timedelta(minutes=1),
    )

    figures = chat_metrics(chat, clock=chat_clock())

    assert figures.first_response_seconds == int((monday_0900_30 - friday_1659).total_seconds())
    assert (figures.first_response_business_seconds, figures.first_response_breached) == (90, False)


def test_bot_only_missed_and_still_waiting_chats(chat_policy):
    bot_only = _chat(ended_at=_at(3))
    missed = _chat(queued_at=_at(1), ended_at=_at(6))
    waiting = _chat(queued_at=_at(1), status=ConversationStatus.WAITING)

    figures = {f.conversation_id: f for f in chat_metrics_many([bot_only, missed, waiting], now=_at(2))}

    assert figures[bot_only.pk].handled == Handling.BOT
    assert (figures[bot_only.pk].wait_seconds, figures[bot_only.pk].first_response_breached) == (None, None)
    assert figures[bot_only.pk].duration_seconds == 180
    assert (figures[missed.pk].handled, figures[missed.pk].wait_seconds) == (Handling.MISSED, 300)
    assert figures[missed.pk].first_response_breached is True  # five minutes unanswered, over two
    assert (figures[waiting.pk].handled, figures[waiting.pk].wait_seconds) == (Handling.WAITING, 60)
    assert figures[waiting.pk].first_response_breached is None  # one minute in: not late yet


def test_without_a_chat_policy_the_any_channel_policy_times_chats():
    chat = _chat(queued_at=_at(1), accepted_at=_at(2), first_agent_reply_at=_at(4), ended_at=_at(5))

    figures = chat_metrics(chat, clock=chat_clock())

    assert figures.first_response_target == 480 * 60  # the migration's "Normal" policy
    assert figures.first_response_breached is False


def test_chats_started_in_a_period():
    inside = _chat(created_at=_at(0))
    _chat(created_at=_at(-60 * 24))

    assert list(chats_started_between(_at(-1), _at(60))) == [inside]
