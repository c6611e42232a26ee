"""Chat figures for the reports, timed in business hours when the first reply is written (or from the stored
timestamps when it was not)."""

import importlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps as django_apps

from chat.metrics import Handling, chat_clock, chat_metrics, chat_metrics_many, chats_started_between, untimed
from chat.models import Conversation, ConversationStatus
from chat.report_rows import chat_sla_figures
from chat.services import (
    chat_accept,
    chat_end,
    chat_handoff,
    chat_message_post,
    conversation_start,
    visitor_key_new,
)
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


def _answered_through_the_write_path(agent, *, queued: datetime, replied: datetime) -> Conversation:
    with time_machine.travel(queued, tick=False):
        chat = conversation_start(visitor_key=visitor_key_new(), locale="fa")
        chat_handoff(conversation=chat)
        chat_accept(conversation=chat, agent=agent)
    with time_machine.travel(replied, tick=False):
        chat_message_post(conversation=chat, body="Hello, Sara here", by=agent)
        chat_message_post(conversation=chat, body="How can I help?", by=agent)
    chat.refresh_from_db()
    return chat


def test_the_first_reply_is_timed_when_it_is_written(chat_policy, agent_sara):
    friday_1659 = datetime(2026, 11, 20, 16, 59, tzinfo=UTC)

    on_time = _answered_through_the_write_path(agent_sara, queued=_at(1), replied=_at(2.5))
    over_the_weekend = _answered_through_the_write_path(
        agent_sara, queued=friday_1659, replied=datetime(2026, 11, 23, 9, 2, tzinfo=UTC)
    )

    assert (on_time.first_response_business_seconds, on_time.first_response_breached) == (90, False)
    # One minute on Friday and two on Monday morning: over the two-minute target.
    assert (over_the_weekend.first_response_business_seconds, over_the_weekend.first_response_breached) == (180, True)


def test_a_stored_verdict_stands_when_the_policy_changes_later(chat_policy, agent_sara):
    chat = _answered_through_the_write_path(agent_sara, queued=_at(1), replied=_at(4))
    chat_policy.first_response_minutes = 10
    chat_policy.save()

    figures = chat_metrics(chat, clock=chat_clock())
    report = chat_sla_figures(_at(-1), _at(60))

    # Judged against the two-minute target that applied when the agent answered, as a ticket is.
    assert (figures.first_response_business_seconds, figures.first_response_breached) == (180, True)
    assert (report.answered, report.breached, report.judged, report.first_response_median) == (1, 1, 1, 180)


def test_the_report_counts_stored_and_unstored_chats_alike(chat_policy, agent_sara):
    _answered_through_the_write_path(agent_sara, queued=_at(1), replied=_at(4))  # stored: 180 s, late
    _chat(queued_at=_at(1), accepted_at=_at(1), first_agent_reply_at=_at(2), ended_at=_at(9))  # not stored: 60 s
    _chat(queued_at=_at(1), ended_at=_at(9))  # missed, eight minutes unanswered: late
    _chat(ended_at=_at(3))  # the bot's

    figures = chat_sla_figures(_at(-1), _at(60))

    assert (figures.chats, figures.human, figures.missed, figures.answered) == (4, 2, 1, 2)
    assert (figures.first_response_median, figures.first_response_p90) == (60, 180)
    assert (figures.breached, figures.judged) == (2, 3)


def test_the_migration_times_chats_answered_before_the_figures_were_stored(chat_policy):
    answered = _chat(queued_at=_at(1), accepted_at=_at(1), first_agent_reply_at=_at(4), ended_at=_at(9))
    missed = _chat(queued_at=_at(1), ended_at=_at(9))
    migration = importlib.import_module("chat.migrations.0003_conversation_first_response")

    migration.time_answered_chats(django_apps, None)

    answered.refresh_from_db()
    missed.refresh_from_db()
    assert (answered.first_response_business_seconds, answered.first_response_breached) == (180, True)
    assert (missed.first_response_business_seconds, missed.first_response_breached) == (None, None)


def _missed_through_the_write_path(*, queued: datetime, ended: datetime, accepted_by=None) -> Conversation:
    with time_machine.travel(queued, tick=False):
        chat = conversation_start(visitor_key=visitor_key_new(), locale="fa")
        chat_handoff(conversation=chat)
        if accepted_by is not None:
            chat_accept(conversation=chat, agent=accepted_by)
    with time_machine.travel(ended, tick=False):
        chat_end(conversation=chat)
    chat.refresh_from_db()
    return chat


def test_a_chat_ending_unanswered_is_judged_when_it_ends(chat_policy, agent_sara):
    late = _missed_through_the_write_path(queued=_at(1), ended=_at(9))
    quick = _missed_through_the_write_path(queued=_at(1), ended=_at(2))
    taken_but_silent = _missed_through_the_write_path(queued=_at(1), ended=_at(5), accepted_by=agent_sara)
    with time_machine.travel(_at(1), tick=False):
        bot_only = conversation_start(visitor_key=visitor_key_new(), locale="fa")
    with time_machine.travel(_at(9), tick=False):
        chat_end(conversation=bot_only)
    bot_only.refresh_from_db()

    assert (late.unanswered_business_seconds, late.first_response_breached) == (480, True)
    assert (quick.unanswered_business_seconds, quick.first_response_breached) == (
        60,
        None,
    )  # not late: nothing to judge
    assert (taken_but_silent.unanswered_business_seconds, taken_but_silent.first_response_breached) == (240, True)
    assert (bot_only.unanswered_business_seconds, bot_only.first_response_breached) == (None, None)
    assert late.first_response_business_seconds is None  # no reply to time
    assert list(untimed(Conversation.objects.all())) == []


def test_a_stored_missed_verdict_stands_when_the_policy_changes_later(chat_policy):
    stored = _missed_through_the_write_path(queued=_at(1), ended=_at(9))
    unstored = _chat(queued_at=_at(1), ended_at=_at(9))
    chat_policy.first_response_minutes = 10
    chat_policy.save()

    figures = {f.conversation_id: f for f in chat_metrics_many([stored, unstored])}
    report = chat_sla_figures(_at(-1), _at(60))

    assert figures[stored.pk].first_response_breached is True  # judged against two minutes, when it ended
    assert figures[unstored.pk].first_response_breached is None  # timed now, against ten
    assert figures[stored.pk].handled == Handling.MISSED
    assert (report.missed, report.answered, report.breached, report.judged) == (2, 0, 1, 1)
    assert list(untimed(Conversation.objects.all())) == [unstored]


def test_the_report_counts_missed_chats_stored_or_not_alike(chat_policy):
    _missed_through_the_write_path(queued=_at(1), ended=_at(9))  # stored: late
    _missed_through_the_write_path(queued=_at(1), ended=_at(2))  # stored: in time, not judged
    _chat(queued_at=_at(1), ended_at=_at(9))  # not stored: late
    _chat(queued_at=_at(1), ended_at=_at(2))  # not stored: in time

    figures = chat_sla_figures(_at(-1), _at(60))

    assert (figures.chats, figures.missed, figures.answered) == (4, 4, 0)
    assert (figures.breached, figures.judged) == (2, 2)


def test_the_migration_judges_chats_missed_before_the_verdict_was_stored(chat_policy, agent_sara):
    missed = _chat(queued_at=_at(1), ended_at=_at(9))
    in_time = _chat(queued_at=_at(1), ended_at=_at(2))
    answered = _answered_through_the_write_path(agent_sara, queued=_at(1), replied=_at(2.5))
    waiting = _chat(queued_at=_at(1), status=ConversationStatus.WAITING)
    migration = importlib.import_module("chat.migrations.0004_conversation_unanswered")

    migration.time_missed_chats(django_apps, None)

    for chat in (missed, in_time, answered, waiting):
        chat.refresh_from_db()
    assert (missed.unanswered_business_seconds, missed.first_response_breached) == (480, True)
    assert (in_time.unanswered_business_seconds, in_time.first_response_breached) == (60, None)
    assert (answered.unanswered_business_seconds, answered.first_response_breached) == (None, False)
    assert waiting.unanswered_business_seconds is None  # still in the queue: timed when asked
    assert list(untimed(Conversation.objects.all())) == [waiting]
