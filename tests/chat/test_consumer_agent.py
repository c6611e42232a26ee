"""/ws/chat/agent/: the agent console's queue, accepting, several chats at once, typing, receipts, transfer, end."""

import asyncio
import threading
from datetime import timedelta
from unittest import mock

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from chat.consumers import AgentConsumer
from chat.models import AgentPresence, AuthorKind, Conversation
from chat.selectors import chat_queue
from chat.services import chat_accept, chat_handoff, chat_message_post, conversation_start, visitor_key_new
from helpdesk.asgi import application
from helpdesk.realtime import chat_group
from tests.chat.sockets import (
    ORIGIN,
    TIMEOUT,
    FakeSearch,
    agent,
    messages,
    staff_cookie,
    statements,
    until,
    verbs,
    visitor,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def quiet_bot():
    with (
        mock.patch("chat.botflow.kb_search_links", FakeSearch()),
        mock.patch("chat.botflow.humans_available", return_value=False),
    ):
        yield


@database_sync_to_async
def hand_off(public_id) -> None:
    chat_handoff(conversation=Conversation.objects.get(public_id=public_id))


async def waiting_visitor(*headers, say: str = ""):
    """A visitor whose chat waits in the queue; returns their socket and conversation id."""
    socket, welcome, _ = await visitor(*headers)
    if say:
        await socket.send_json_to({"type": "message", "client_id": "c-0", "body": say})
        await socket.receive_json_from(timeout=TIMEOUT)
        await messages(socket, 2)
    await hand_off(welcome["conversation"])
    return socket, welcome["conversation"]


async def accepted(console, public_id) -> list[dict]:
    """Accept a chat on a console; return the summary and history frames it was sent."""
    await console.send_json_to({"type": "accept", "conversation": public_id})
    summary = await console.receive_json_from(timeout=TIMEOUT)
    assert summary["type"] == "conversation", summary
    history = await messages(console, summary["last_seq"])
    await until(console, "queue.changed", conversation=public_id)
    return [summary, *history]


async def test_anonymous_visitors_are_closed_with_4401():
    socket = WebsocketCommunicator(application, "/ws/chat/agent/", headers=[ORIGIN])

    assert await socket.connect(timeout=TIMEOUT) == (False, 4401)


async def test_a_signed_in_account_without_an_agent_role_is_closed_with_4401(django_user_model):
    shopper = await database_sync_to_async(django_user_model.objects.create_user)(
        "staff-no-role@example.com", "a long password 123", is_staff=True
    )
    cookie = await database_sync_to_async(staff_cookie)(shopper)
    socket = WebsocketCommunicator(application, "/ws/chat/agent/", headers=[ORIGIN, cookie])

    assert await socket.connect(timeout=TIMEOUT) == (False, 4401)


async def test_a_foreign_origin_is_refused_even_for_an_agent(agent_sara):
    cookie = await database_sync_to_async(staff_cookie)(agent_sara)
    socket = WebsocketCommunicator(
        application, "/ws/chat/agent/", headers=[(b"origin", b"https://evil.example"), cookie]
    )

    connected, _ = await socket.connect(timeout=TIMEOUT)

    assert not connected


async def test_connecting_marks_the_agent_online_and_closing_marks_them_away(agent_sara):
    console, queue = await agent(agent_sara)
    presence = await database_sync_to_async(AgentPresence.objects.get)(user=agent_sara)
    assert (queue, presence.status) == ([], "online")

    await console.send_json_to({"type": "heartbeat", "status": "away"})
    assert await console.receive_json_from(timeout=TIMEOUT) == {"type": "presence", "status": "away"}
    await console.send_json_to({"type": "heartbeat", "status": "online"})
    await console.receive_json_from(timeout=TIMEOUT)
    await console.disconnect()

    presence = await database_sync_to_async(AgentPresence.objects.get)(user=agent_sara)
    assert presence.status == "away"


async def test_the_queue_lists_waiting_chats_oldest_first_and_the_agents_own(agent_sara, agent_omar, customer_reza):
    first, older = await waiting_visitor(say="سفارشم کجاست؟")
    second, newer = await waiting_visitor()
    third, omars = await waiting_visitor()
    omar = await database_sync_to_async(lambda: type(agent_omar).objects.get(pk=agent_omar.pk))()
    await database_sync_to_async(chat_accept)(conversation=await _chat(omars), agent=omar)

    console, queue = await agent(agent_sara)

    assert [(item["conversation"], item["status"]) for item in queue] == [(older, "waiting"), (newer, "waiting")]
    assert queue[0]["preview"] == "سفارشم کجاست؟" and queue[1]["preview"] == ""
    assert queue[0]["waiting_seconds"] >= 0 and queue[0]["customer"] == ""
    for socket in (first, second, third, console):
        await socket.disconnect()


@database_sync_to_async
def _chat(public_id) -> Conversation:
    return Conversation.objects.get(public_id=public_id)


@pytest.mark.django_db
def test_the_queue_is_read_in_one_query(agent_sara, customer_reza, django_assert_num_queries):
    now = timezone.now()
    for minutes in (3, 9, 1):
        chat = conversation_start(visitor_key=visitor_key_new(), locale="fa", customer=customer_reza)
        chat_message_post(conversation=chat, body=f"waited {minutes}", client_id=f"c{minutes}")
        chat_handoff(conversation=chat)
        Conversation.objects.filter(pk=chat.pk).update(queued_at=now - timedelta(minutes=minutes))
    mine = conversation_start(visitor_key=visitor_key_new(), locale="en")
    chat_handoff(conversation=mine)
    chat_accept(conversation=mine, agent=agent_sara)

    with django_assert_num_queries(1):
        queue = chat_queue(agent=agent_sara, now=now)

    assert [(item["preview"], item["waiting_seconds"]) for item in queue[:3]] == [
        ("waited 9", 540),
        ("waited 3", 180),
        ("waited 1", 60),
    ]
    assert queue[0]["customer"] == "رضا محمدی"
    assert (queue[3]["status"], queue[3]["assignee"], queue[3]["waiting_seconds"]) == ("active", agent_sara.pk, None)


async def test_when_two_agents_accept_at_once_exactly_one_wins(agent_sara, agent_omar):
    visitor_socket, public_id = await waiting_visitor()
    sara, _ = await agent(agent_sara)
    omar, _ = await agent(agent_omar)

    await sara.send_json_to({"type": "accept", "conversation": public_id})
    await omar.send_json_to({"type": "accept", "conversation": public_id})

    firsts = {"sara": await _first_answer(sara), "omar": await _first_answer(omar)}

    kinds = sorted(frame["type"] for frame in firsts.values())
    assert kinds == ["conversation", "error"]
    winner = next(name for name, frame in firsts.items() if frame["type"] == "conversation")
    refused = next(frame for frame in firsts.values() if frame["type"] == "error")
    winning_agent = {"sara": agent_sara, "omar": agent_omar}[winner]
    assert (firsts[winner]["status"], firsts[winner]["assignee"]) == ("active", winning_agent.pk)
    assert (refused["code"], refused["conversation"]) == ("already_taken", public_id)
    assert refused["message"] == "Another agent took this chat first."
    chat = await _chat(public_id)
    assert chat.assignee_id == winning_agent.pk
    [joined] = await messages(visitor_socket, 1)
    assert (joined["author"], joined["body"], joined["payload"]) == ("system", winner.title(), {"event": "joined"})
    for socket in (visitor_socket, sara, omar):
        await socket.disconnect()


async def _first_answer(console) -> dict:
    """The console's answer to an accept: the chat's summary or an error (queue changes may come first)."""
    for _ in range(10):
        frame = await console.receive_json_from(timeout=TIMEOUT)
        if frame["type"] in ("conversation", "error"):
            return frame
    raise AssertionError("no answer to accept")


async def test_accepting_gets_the_history_and_messages_flow_both_ways(agent_sara):
    visitor_socket, public_id = await waiting_visitor(say="my parcel is late")
    sara, _ = await agent(agent_sara)

    _, *history = await accepted(sara, public_id)
    await messages(visitor_socket, 1)  # Sara joined
    await sara.send_json_to({"type": "message", "conversation": public_id, "client_id": "s-1", "body": "Hi, Sara here"})
    ack = await sara.receive_json_from(timeout=TIMEOUT)
    [from_sara] = await messages(visitor_socket, 1)
    await visitor_socket.send_json_to({"type": "message", "client_id": "v-1", "body": "thanks!"})
    [echo, from_visitor] = await messages(sara, 2)

    assert [m["author"] for m in history] == ["bot", "visitor", "bot", "system"]
    assert all(m["conversation"] == public_id for m in history)
    assert ack == {"type": "ack", "conversation": public_id, "client_id": "s-1", "seq": 5}
    assert (from_sara["author"], from_sara["name"], from_sara["body"]) == ("agent", "Sara", "Hi, Sara here")
    assert from_sara["conversation"] == public_id
    assert (echo["seq"], from_visitor["seq"], from_visitor["body"]) == (5, 6, "thanks!")
    assert from_visitor["conversation"] == public_id
    for socket in (visitor_socket, sara):
        await socket.disconnect()


async def test_one_console_carries_several_chats_each_frame_naming_its_chat(agent_sara):
    first, one = await waiting_visitor()
    second, two = await waiting_visitor()
    sara, _ = await agent(agent_sara)
    await accepted(sara, one)
    await accepted(sara, two)

    await second.send_json_to({"type": "message", "client_id": "v-2", "body": "second chat here"})
    await first.send_json_to({"type": "message", "client_id": "v-1", "body": "first chat here"})

    got = {frame["body"]: frame["conversation"] for frame in await messages(sara, 2)}
    assert got == {"second chat here": two, "first chat here": one}
    for socket in (first, second, sara):
        await socket.disconnect()


async def test_typing_indicators_reach_the_other_side_only(agent_sara):
    visitor_socket, public_id = await waiting_visitor()
    sara, _ = await agent(agent_sara)
    await accepted(sara, public_id)
    await messages(visitor_socket, 1)

    await visitor_socket.send_json_to({"type": "typing", "on": True})
    assert await sara.receive_json_from(timeout=TIMEOUT) == {
        "type": "typing",
        "by": "visitor",
        "on": True,
        "conversation": public_id,
    }
    await sara.send_json_to({"type": "typing", "conversation": public_id, "on": True})
    assert await visitor_socket.receive_json_from(timeout=TIMEOUT) == {
        "type": "typing",
        "by": "agent",
        "name": "Sara",
        "on": True,
    }

    assert await sara.receive_nothing(timeout=0.2)
    assert await visitor_socket.receive_nothing(timeout=0.1)
    for socket in (visitor_socket, sara):
        await socket.disconnect()


async def test_read_receipts_go_both_ways(agent_sara):
    visitor_socket, public_id = await waiting_visitor(say="hello")
    sara, _ = await agent(agent_sara)
    summary, *_ = await accepted(sara, public_id)
    await messages(visitor_socket, 1)

    await sara.send_json_to({"type": "read", "conversation": public_id, "seq": summary["last_seq"]})
    seen_by_agent = await until(visitor_socket, "read")
    await visitor_socket.send_json_to({"type": "read", "seq": summary["last_seq"]})
    seen_by_visitor = await until(sara, "read", by="visitor")

    assert seen_by_agent == {"type": "read", "conversation": public_id, "seq": 4, "by": "agent"}
    assert seen_by_visitor == {"type": "read", "conversation": public_id, "seq": 4, "by": "visitor"}
    chat = await _chat(public_id)
    assert (chat.agent_read_seq, chat.visitor_read_seq) == (4, 4)
    for socket in (visitor_socket, sara):
        await socket.disconnect()


async def test_a_transfer_hands_the_chat_to_a_colleague_who_takes_it_from_there(agent_sara, agent_omar):
    visitor_socket, public_id = await waiting_visitor()
    sara, _ = await agent(agent_sara)
    omar, _ = await agent(agent_omar)
    await accepted(sara, public_id)
    await until(omar, "queue.changed", status="active")

    await sara.send_json_to({"type": "transfer", "conversation": public_id, "to": agent_omar.pk})
    handover = await until(sara, "message")
    changed = await until(omar, "queue.changed", assignee=agent_omar.pk)
    await omar.send_json_to({"type": "join", "conversation": public_id, "last_seq": 0})
    summary = await omar.receive_json_from(timeout=TIMEOUT)
    history = await messages(omar, summary["last_seq"])
    await omar.send_json_to({"type": "message", "conversation": public_id, "client_id": "o-1", "body": "Omar here"})

    assert (handover["body"], handover["payload"]) == ("Omar", {"event": "transferred"})
    assert changed["conversation"] == public_id
    assert (summary["assignee"], [m["payload"].get("event") for m in history][-1]) == (agent_omar.pk, "transferred")
    assert (await until(visitor_socket, "message", body="Omar here"))["name"] == "Omar"
    await sara.send_json_to({"type": "message", "conversation": public_id, "client_id": "s-9", "body": "still me"})
    assert (await until(sara, "error"))["code"] == "not_joined"
    for socket in (visitor_socket, sara, omar):
        await socket.disconnect()


async def test_the_agent_ends_the_chat_and_the_visitor_is_told(agent_sara):
    visitor_socket, public_id = await waiting_visitor()
    sara, _ = await agent(agent_sara)
    await accepted(sara, public_id)
    await messages(visitor_socket, 1)

    await sara.send_json_to({"type": "end", "conversation": public_id})

    [ended] = await messages(visitor_socket, 1)
    assert ended["payload"] == {"event": "ended"}
    assert (await until(sara, "queue.changed"))["status"] == "ended"
    assert (await _chat(public_id)).status == "ended"
    await visitor_socket.send_json_to({"type": "message", "client_id": "v-9", "body": "wait"})
    assert (await until(visitor_socket, "error"))["code"] == "conversation_ended"
    for socket in (visitor_socket, sara):
        await socket.disconnect()


async def test_an_agent_cannot_join_or_act_on_someone_elses_chat(agent_sara, agent_omar):
    visitor_socket, public_id = await waiting_visitor()
    sara, _ = await agent(agent_sara)
    omar, _ = await agent(agent_omar)
    await accepted(sara, public_id)

    await omar.send_json_to({"type": "join", "conversation": public_id, "last_seq": 0})
    refused = await until(omar, "error")
    for frame in (
        {"type": "message", "conversation": public_id, "client_id": "o-1", "body": "let me in"},
        {"type": "typing", "conversation": public_id, "on": True},
        {"type": "end", "conversation": public_id},
    ):
        await omar.send_json_to(frame)
        assert (await until(omar, "error"))["code"] == "not_joined"

    assert (refused["code"], refused["conversation"]) == ("not_your_chat", public_id)
    assert [m["author"] for m in await messages(visitor_socket, 1)] == ["system"]
    assert await visitor_socket.receive_nothing(timeout=0.2)
    assert (await _chat(public_id)).status == "active"
    for socket in (visitor_socket, sara, omar):
        await socket.disconnect()


async def test_accepting_an_unknown_chat_says_so(agent_sara):
    sara, _ = await agent(agent_sara)

    await sara.send_json_to({"type": "accept", "conversation": "7f9c2b1e-4a4d-4b8e-9a63-2d4c1f0e8a11"})

    error = await sara.receive_json_from(timeout=TIMEOUT)
    assert (error["code"], error["field"]) == ("not_found", "conversation")
    await sara.disconnect()


async def test_a_console_that_reconnects_gets_exactly_what_it_missed(agent_sara):
    visitor_socket, public_id = await waiting_visitor()
    sara, _ = await agent(agent_sara)
    summary, *_ = await accepted(sara, public_id)
    await sara.disconnect()
    await visitor_socket.send_json_to({"type": "message", "client_id": "v-1", "body": "are you there?"})

    sara, _ = await agent(agent_sara)
    await sara.send_json_to({"type": "join", "conversation": public_id, "last_seq": summary["last_seq"]})

    again = await sara.receive_json_from(timeout=TIMEOUT)
    missed = await messages(sara, again["last_seq"] - summary["last_seq"])
    assert [m["body"] for m in missed] == ["are you there?"]
    assert await sara.receive_nothing(timeout=0.2)
    for socket in (visitor_socket, sara):
        await socket.disconnect()


async def test_a_message_nudge_without_a_conversation_is_made_good_from_the_database(agent_sara):
    visitor_socket, public_id = await waiting_visitor()
    sara, _ = await agent(agent_sara)
    await accepted(sara, public_id)

    def post_quietly():
        with mock.patch("chat.broadcast._send"):
            chat_message_post(conversation=Conversation.objects.get(public_id=public_id), body="a", by=AuthorKind.BOT)

    await database_sync_to_async(post_quietly)()
    await database_sync_to_async(chat_message_post)(conversation=await _chat(public_id), body="b", by=AuthorKind.BOT)

    assert [(m["body"], m["conversation"]) for m in await messages(sara, 2)] == [("a", public_id), ("b", public_id)]
    assert await sara.receive_nothing(timeout=0.2)
    for socket in (visitor_socket, sara):
        await socket.disconnect()


async def test_an_agents_message_costs_four_statements(agent_sara):
    visitor_socket, public_id = await waiting_visitor()
    sara, _ = await agent(agent_sara)
    summary, *_ = await accepted(sara, public_id)

    with statements() as first:
        await sara.send_json_to({"type": "message", "conversation": public_id, "client_id": "s-1", "body": "Hello!"})
        await until(sara, "ack")
        await until(sara, "message", client_id="s-1")
    with statements() as seen:
        await sara.send_json_to({"type": "message", "conversation": public_id, "client_id": "s-2", "body": "Sara."})
        ack = await until(sara, "ack")
        echo = await until(sara, "message", client_id="s-2")

    # The conversation locked (which proves it is still hers), the client id looked up, the seq taken, the message.
    assert verbs(seen) == ["SELECT", "SELECT", "UPDATE", "INSERT"]
    assert ack["seq"] == echo["seq"] == summary["last_seq"] + 2
    # Once per chat, the first reply also reads the chat policy (and its calendar, unless this process has it),
    # to time the first response.
    sla_reads = [sql for sql in first if 'FROM "sla_' in sql]
    assert 'FROM "sla_slapolicy"' in sla_reads[0] and verbs(sla_reads) == ["SELECT"] * len(sla_reads)
    assert verbs([sql for sql in first if sql not in sla_reads]) == ["SELECT", "SELECT", "UPDATE", "INSERT"]
    for socket in (visitor_socket, sara):
        await socket.disconnect()


def slow_post(started: threading.Event, released: threading.Event):
    """chat_message_post that waits in the database thread until the test releases it."""

    def post(**kwargs):
        started.set()
        released.wait(timeout=TIMEOUT)
        return chat_message_post(**kwargs)

    return post


def next_message(public_id: str, seq: int, body: str) -> dict:
    return {
        "type": "message",
        "conversation": public_id,
        "seq": seq,
        "author": "visitor",
        "name": "",
        "body": body,
        "payload": {},
        "client_id": f"v-{seq}",
        "created_at": timezone.now().isoformat(),
    }


async def test_a_post_in_one_chat_does_not_hold_up_the_messages_of_another(agent_sara):
    first_visitor, first = await waiting_visitor()
    second_visitor, second = await waiting_visitor()
    sara, _ = await agent(agent_sara)
    await accepted(sara, first)
    summary, *_ = await accepted(sara, second)
    started, released = threading.Event(), threading.Event()

    with mock.patch("chat.consumers.agent.chat_message_post", side_effect=slow_post(started, released)):
        await sara.send_json_to({"type": "message", "conversation": first, "client_id": "s-1", "body": "Checking…"})
        assert await asyncio.to_thread(started.wait, TIMEOUT)
        nudge = next_message(second, summary["last_seq"] + 1, "Still there?")
        await get_channel_layer().group_send(chat_group(second), {"type": "chat.frame", "frame": nudge})
        relayed = await asyncio.wait_for(until(sara, "message", conversation=second), timeout=1)
        released.set()
        ack = await until(sara, "ack", conversation=first)

    assert relayed["body"] == "Still there?"
    assert ack["client_id"] == "s-1"
    for socket in (first_visitor, second_visitor, sara):
        await socket.disconnect()


async def test_one_chats_frames_keep_their_order_while_its_post_is_slow(agent_sara):
    visitor_socket, public_id = await waiting_visitor()
    sara, _ = await agent(agent_sara)
    summary, *_ = await accepted(sara, public_id)
    started, released = threading.Event(), threading.Event()

    with mock.patch("chat.consumers.agent.chat_message_post", side_effect=slow_post(started, released)):
        await sara.send_json_to({"type": "message", "conversation": public_id, "client_id": "s-1", "body": "One"})
        assert await asyncio.to_thread(started.wait, TIMEOUT)
        await sara.send_json_to({"type": "message", "conversation": public_id, "client_id": "s-2", "body": "Two"})
        assert await sara.receive_nothing(timeout=0.2)
        released.set()
        frames = [await sara.receive_json_from(timeout=TIMEOUT) for _ in range(4)]

    first, second = summary["last_seq"] + 1, summary["last_seq"] + 2
    # Both frames came before either echo, as they would through a consumer that did one thing at a time.
    assert [(f["type"], f["client_id"], f["seq"]) for f in frames] == [
        ("ack", "s-1", first),
        ("ack", "s-2", second),
        ("message", "s-1", first),
        ("message", "s-2", second),
    ]
    for socket in (visitor_socket, sara):
        await socket.disconnect()


async def test_a_console_closed_mid_post_is_cleaned_up_and_the_visitor_still_gets_the_message(agent_sara):
    visitor_socket, public_id = await waiting_visitor()
    sara, _ = await agent(agent_sara)
    await accepted(sara, public_id)
    await messages(visitor_socket, 1)
    started, released = threading.Event(), threading.Event()

    with (
        mock.patch("chat.consumers.agent.chat_message_post", side_effect=slow_post(started, released)),
        mock.patch.object(AgentConsumer, "drain_seconds", 0.1),
    ):
        await sara.send_json_to({"type": "message", "conversation": public_id, "client_id": "s-1", "body": "Bye"})
        assert await asyncio.to_thread(started.wait, TIMEOUT)
        closing = asyncio.create_task(sara.disconnect(timeout=TIMEOUT))
        await asyncio.sleep(0.3)
        released.set()
        await closing
        [said] = await messages(visitor_socket, 1)

    assert (said["client_id"], said["body"]) == ("s-1", "Bye")
    presence = await database_sync_to_async(AgentPresence.objects.get)(user=agent_sara)
    assert presence.status == "away"
    await visitor_socket.disconnect()
