"""Chat write path: numbered messages, no duplicates on resend, one winner per accept."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from chat.errors import ChatError, ChatErrorCode
from chat.models import AuthorKind, ChatMessage, Conversation, ConversationStatus
from chat.services import (
    agent_presence_beat,
    agents_online,
    chat_accept,
    chat_end,
    chat_handoff,
    chat_message_post,
    chat_read,
    chat_transfer,
    conversation_start,
    messages_after,
    visitor_key_new,
)
from tests.conftest import requires_postgres


@pytest.fixture
def conversation(db):
    return conversation_start(visitor_key=visitor_key_new(), locale="fa")


@pytest.mark.django_db
def test_messages_are_numbered_in_order_and_a_resend_is_stored_once(conversation, django_capture_on_commit_callbacks):
    first = chat_message_post(conversation=conversation, body="سلام", client_id="c-1")
    bot = chat_message_post(conversation=conversation, body="Hello!", by=AuthorKind.BOT)
    again = chat_message_post(conversation=conversation, body="سلام", client_id="c-1")

    assert (first.message.seq, bot.message.seq) == (1, 2)
    assert again.created is False and again.message.pk == first.message.pk
    assert list(ChatMessage.objects.values_list("seq", "author_kind")) == [(1, "visitor"), (2, "bot")]
    assert [m.seq for m in messages_after(conversation, 1)] == [2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "code"), [("  ", ChatErrorCode.EMPTY_MESSAGE), ("x" * 4001, ChatErrorCode.MESSAGE_TOO_LONG)]
)
def test_bad_messages_are_refused_and_nothing_is_numbered(conversation, body, code):
    with pytest.raises(ChatError) as refused:
        chat_message_post(conversation=conversation, body=body)
    assert refused.value.code == code
    conversation.refresh_from_db()
    assert conversation.last_seq == 0 and not ChatMessage.objects.exists()


@pytest.mark.django_db
def test_handoff_accept_and_only_the_assignee_may_write(conversation, agent_sara, agent_omar):
    chat_handoff(conversation=conversation)
    chat_accept(conversation=conversation, agent=agent_sara)
    with pytest.raises(ChatError) as taken:
        chat_accept(conversation=conversation, agent=agent_omar)
    assert taken.value.code == ChatErrorCode.ALREADY_TAKEN

    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ACTIVE and conversation.assignee == agent_sara
    assert conversation.wait_seconds is not None
    chat_message_post(conversation=conversation, body="Hi, Sara here", by=agent_sara)
    with pytest.raises(ChatError) as refused:
        chat_message_post(conversation=conversation, body="Me too", by=agent_omar)
    assert refused.value.code == ChatErrorCode.NOT_YOUR_CHAT
    conversation.refresh_from_db()
    assert conversation.first_agent_reply_at is not None


@pytest.mark.django_db
def test_transfer_then_end_closes_the_conversation(conversation, agent_sara, agent_omar):
    chat_handoff(conversation=conversation)
    chat_accept(conversation=conversation, agent=agent_sara)
    chat_transfer(conversation=conversation, to_agent=agent_omar, by=agent_sara)
    chat_end(conversation=conversation, by=agent_omar)

    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ENDED and conversation.ended_at is not None
    events = [m.payload.get("event") for m in conversation.messages.filter(author_kind="system")]
    assert events == ["joined", "transferred", "ended"]
    with pytest.raises(ChatError) as refused:
        chat_message_post(conversation=conversation, body="hello?")
    assert refused.value.code == ChatErrorCode.CONVERSATION_ENDED


@pytest.mark.django_db
def test_read_receipts_only_move_forward(conversation):
    for text in ("one", "two", "three"):
        chat_message_post(conversation=conversation, body=text)
    chat_read(conversation=conversation, seq=2, by_agent=True)
    chat_read(conversation=conversation, seq=1, by_agent=True)
    chat_read(conversation=conversation, seq=99, by_agent=True)  # beyond the last message: ignored
    conversation.refresh_from_db()
    assert conversation.agent_read_seq == 2


@pytest.mark.django_db
def test_presence_lapses_without_heartbeats(agent_sara, customer_emma):
    now = timezone.now()
    agent_presence_beat(agent=agent_sara, now=now)
    assert agents_online(now=now + timedelta(seconds=30)) == 1
    assert agents_online(now=now + timedelta(seconds=60)) == 0
    with pytest.raises(ChatError):
        agent_presence_beat(agent=customer_emma)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_accepting_at_once_make_exactly_one_winner(agent_sara, agent_omar):
    conversation = conversation_start(visitor_key=visitor_key_new(), locale="en")
    chat_handoff(conversation=conversation)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(agent):
        try:
            barrier.wait()
            chat_accept(conversation=Conversation.objects.get(pk=conversation.pk), agent=agent)
            outcomes.append("won")
        except ChatError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(agent,)) for agent in (agent_sara, agent_omar)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted(["won", ChatErrorCode.ALREADY_TAKEN])
    assert ChatMessage.objects.filter(conversation=conversation, payload__event="joined").count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_get_distinct_consecutive_numbers():
    conversation = conversation_start(visitor_key=visitor_key_new(), locale="en")
    barrier = threading.Barrier(4)

    def post(index):
        try:
            barrier.wait()
            for n in range(5):
                chat_message_post(conversation=conversation, body=f"{index}-{n}", client_id=f"{index}-{n}")
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(ChatMessage.objects.filter(conversation=conversation).values_list("seq", flat=True)) == list(
        range(1, 21)
    )
