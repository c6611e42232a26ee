"""Nudges: sent on commit by views and commands, held for a socket to send from its own event loop."""

import threading
from unittest import mock

import pytest
from channels.layers import get_channel_layer
from django.db import connection

from chat import broadcast
from chat.consumers.database import database_call, pooled
from chat.models import AuthorKind
from chat.services import chat_message_post, conversation_start, visitor_key_new
from helpdesk.realtime import chat_group

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chat():
    return conversation_start(visitor_key=visitor_key_new(), locale="en")


def test_a_post_outside_a_socket_is_nudged_from_its_own_thread_on_commit(chat):
    with mock.patch("chat.broadcast._send") as send:
        chat_message_post(conversation=chat, body="From the web form")

    [(group, frame)] = [call.args for call in send.call_args_list]
    assert (group, frame["body"], frame["seq"]) == (chat_group(chat.public_id), "From the web form", 1)


def test_held_nudges_are_collected_in_commit_order_and_not_sent(chat):
    with mock.patch("chat.broadcast._send") as send, broadcast.held() as nudges:
        chat_message_post(conversation=chat, body="one")
        chat_message_post(conversation=chat, body="two", by=AuthorKind.BOT)

    assert not send.called
    assert [(group, frame["seq"], frame["body"]) for group, frame in nudges] == [
        (chat_group(chat.public_id), 1, "one"),
        (chat_group(chat.public_id), 2, "two"),
    ]


def test_when_a_held_block_fails_what_committed_is_sent_the_usual_way(chat):
    with mock.patch("chat.broadcast._send") as send, pytest.raises(RuntimeError), broadcast.held():
        chat_message_post(conversation=chat, body="stored before the failure")
        raise RuntimeError("the bot broke")

    assert [call.args[1]["body"] for call in send.call_args_list] == ["stored before the failure"]


async def test_a_sockets_database_call_sends_its_nudges_from_the_event_loop(chat):
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(chat_group(chat.public_id), channel)
    post = database_call(lambda: chat_message_post(conversation=chat, body="Hello").message.seq)

    with mock.patch("chat.broadcast._send") as sent_from_the_thread:
        seq = await post()
        nudge = await layer.receive(channel)

    assert not sent_from_the_thread.called
    assert (seq, nudge["type"], nudge["frame"]["body"]) == (1, "chat.frame", "Hello")


async def test_database_calls_run_on_the_chats_own_threads_on_postgresql_and_on_the_one_thread_on_sqlite():
    names = {await database_call(lambda: threading.current_thread().name)() for _ in range(3)}

    on_postgresql = connection.vendor == "postgresql"
    assert pooled() is on_postgresql
    assert {name.startswith("chat-db") for name in names} == {on_postgresql}
