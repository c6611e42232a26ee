"""The chat across Daphne processes on Redis: a visitor on one process, the agent on another, and crashes.

Real sockets over TCP to real Daphne processes serving the test database; the only path
between them is the Redis channel layer (and the database). Every message is checked on both
sides by its sequence number, its author and its words, and against the rows stored.
"""

import asyncio

import pytest

from chat.models import ChatMessage, Conversation
from helpdesk.sla.models import Calendar
from tests.conftest import requires_redis

from .daphne_cluster import DaphneCluster, open_agent, open_visitor, staff_session_cookie

pytestmark = [requires_redis, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

QUIET_SECONDS = 12


@pytest.fixture
def open_around_the_clock(db):
    """People answer chats at any hour here (opening hours have tests of their own), whenever the suite runs."""
    Calendar.objects.filter(is_default=True).update(is_default=False)


@pytest.fixture
def sara_cookie(agent_sara, open_around_the_clock):
    return staff_session_cookie(agent_sara)


async def chat_with_a_person(visitor, agent) -> str:
    """The visitor asks the bot for a person; the agent sees the chat queued and accepts it. Return its id."""
    welcome = await visitor.hello()
    conversation = welcome["conversation"]
    assert welcome["status"] == "bot"
    await visitor.wait_for("message", seq=1, author="bot")

    await visitor.send({"type": "button", "button": "human", "client_id": "asks-for-a-person"})

    assert (await visitor.wait_for("ack", client_id="asks-for-a-person"))["seq"] == 2
    handoff = await visitor.wait_for("message", seq=3, author="bot")
    assert handoff["payload"]["action"] == "handoff"
    await agent.wait_for("queue.changed", conversation=conversation, status="waiting")
    summary = await agent.accept(conversation)
    assert (summary["status"], summary["assignee"]) == ("active", agent.user)
    assert (await visitor.wait_for("message", seq=4, author="system"))["payload"] == {"event": "joined"}
    return conversation


async def visitor_says(visitor, agent, body: str) -> int:
    """The visitor writes; both sides are sent it with the seq the visitor's ack names. Return that seq."""
    client_id, _sent = await visitor.say(body)
    seq = (await visitor.wait_for("ack", client_id=client_id))["seq"]
    for side in (agent, visitor):
        seen = await side.wait_for("message", client_id=client_id)
        assert (seen["seq"], seen["author"], seen["body"]) == (seq, "visitor", body)
    return seq


async def agent_says(agent, visitor, conversation: str, body: str) -> int:
    client_id, _sent = await agent.say(conversation, body)
    seq = (await agent.wait_for("ack", client_id=client_id, conversation=conversation))["seq"]
    for side in (visitor, agent):
        seen = await side.wait_for("message", client_id=client_id)
        assert (seen["seq"], seen["author"], seen["name"], seen["body"]) == (seq, "agent", "Sara", body)
    return seq


def stream(*sockets) -> list[tuple[int, str, str]]:
    """Every message frame these sockets (one side's connections, in turn) received: (seq, author, body)."""
    return [(frame["seq"], frame["author"], frame["body"]) for socket in sockets for frame in socket.received()]


def stored(conversation: str) -> list[tuple[int, str, str]]:
    rows = ChatMessage.objects.filter(conversation__public_id=conversation).order_by("seq")
    return [(row.seq, row.author_kind, row.body) for row in rows]


def unacked(socket, client_ids: list[str]) -> list[str]:
    acked = {frame["client_id"] for frame in socket.received("ack")}
    return [client_id for client_id in client_ids if client_id not in acked]


def test_a_visitor_on_one_process_and_an_agent_on_another_talk_through_redis(sara_cookie):
    async def scenario(visitor_url: str, agent_url: str) -> str:
        agent, queue = await open_agent(agent_url, sara_cookie)
        visitor = await open_visitor(visitor_url)
        assert queue == []
        conversation = await chat_with_a_person(visitor, agent)

        seqs = [
            await visitor_says(visitor, agent, "Hi, my tea order never arrived."),
            await agent_says(agent, visitor, conversation, "Sorry to hear that! Let me check."),
            await visitor_says(visitor, agent, "Order ORD-1042, placed on Monday."),
            await agent_says(agent, visitor, conversation, "Found it: it leaves the warehouse today."),
        ]
        assert seqs == [5, 6, 7, 8]

        await visitor.send({"type": "typing", "on": True})
        typing = await agent.wait_for("typing", by="visitor")
        assert (typing["conversation"], typing["on"]) == (conversation, True)
        await agent.send({"type": "typing", "conversation": conversation, "on": False})
        assert (await visitor.wait_for("typing", by="agent"))["name"] == "Sara"
        await visitor.send({"type": "read", "seq": 8})
        assert (await agent.wait_for("read", by="visitor", conversation=conversation))["seq"] == 8
        await agent.send({"type": "read", "conversation": conversation, "seq": 7})
        assert (await visitor.wait_for("read", by="agent", conversation=conversation))["seq"] == 7

        assert stream(visitor) == stream(agent)
        assert [seq for seq, _author, _body in stream(agent)] == list(range(1, 9))
        assert [f["by"] for f in visitor.received("typing")] == ["agent"]
        assert [f["by"] for f in agent.received("typing")] == ["visitor"]
        await visitor.close()
        await agent.close()
        return conversation

    with DaphneCluster(2, name="relay") as cluster:
        conversation = asyncio.run(scenario(*cluster.urls))
        assert cluster.servers[0].process.poll() is None, cluster.logs()

    words = stored(conversation)
    assert [(seq, author) for seq, author, _body in words][4:] == [
        (5, "visitor"),
        (6, "agent"),
        (7, "visitor"),
        (8, "agent"),
    ]
    assert (words[6][2], words[7][2]) == (
        "Order ORD-1042, placed on Monday.",
        "Found it: it leaves the warehouse today.",
    )
    read = Conversation.objects.get(public_id=conversation)
    assert (read.visitor_read_seq, read.agent_read_seq) == (8, 7)


def test_a_quiet_chat_stays_connected_on_both_processes(sara_cookie):
    """Nobody writes for longer than the Redis layer's blocking read (5 s), twice over; no socket is dropped."""

    async def scenario(visitor_url: str, agent_url: str) -> None:
        agent, _queue = await open_agent(agent_url, sara_cookie)
        visitor = await open_visitor(visitor_url)
        conversation = await chat_with_a_person(visitor, agent)

        await asyncio.sleep(QUIET_SECONDS)

        assert (visitor.closed, agent.closed) == (False, False), (visitor.close_code, agent.close_code)
        await visitor_says(visitor, agent, "Sorry, I was away for a moment.")
        await agent_says(agent, visitor, conversation, "No problem, take your time.")
        await visitor.close()
        await agent.close()

    with DaphneCluster(2, name="quiet") as cluster:
        asyncio.run(scenario(*cluster.urls))


def test_killing_the_process_under_either_side_mid_chat_loses_and_doubles_nothing(sara_cookie):
    """A (visitor) and B (agent) are killed in turn; everyone ends on C. Each message is shown once on each side."""

    async def scenario(cluster: DaphneCluster) -> tuple[str, dict[str, list], dict[str, int]]:
        a, b, c = cluster.urls
        agent, _queue = await open_agent(b, sara_cookie)
        visitor = await open_visitor(a)
        conversation = await chat_with_a_person(visitor, agent)
        await visitor_says(visitor, agent, "Is the blue teapot back in stock?")
        await agent_says(agent, visitor, conversation, "Let me look it up for you.")

        # A dies under the visitor. The connection takes with it whatever was still in flight: the
        # visitor stops reading, writes "stored" (which the server stores: the agent is sent it),
        # then "lost", which process A, frozen, never reads before it is killed.
        await visitor.pause()
        stored_id, _ = await visitor.say("It was out of stock last week.")
        stored_seq = (await agent.wait_for("message", client_id=stored_id))["seq"]
        cluster.freeze(0)
        lost_id, _ = await visitor.say("Could you tell me when it comes back?")
        cluster.kill(0)
        await visitor.abandon()
        # The agent keeps writing while the visitor is away.
        for body in ("It comes back on Friday.", "I can reserve one for you.", "Shall I?"):
            await agent.say(conversation, body)
        resend = unacked(visitor, [stored_id, lost_id])
        assert resend == [stored_id, lost_id]

        # The visitor reconnects to C with its key, its conversation and the last seq it has shown,
        # and sends again what was never acknowledged, with the same client ids.
        back = await open_visitor(c)
        welcome = await back.hello(
            visitor_key=visitor.visitor_key, conversation=conversation, last_seq=max(s for s, _, _ in stream(visitor))
        )
        assert (welcome["conversation"], welcome["status"]) == (conversation, "active")
        bodies = {stored_id: "It was out of stock last week.", lost_id: "Could you tell me when it comes back?"}
        acks = {}
        for client_id in resend:
            await back.say(bodies[client_id], client_id=client_id)
            acks[client_id] = (await back.wait_for("ack", client_id=client_id))["seq"]
        assert acks[stored_id] == stored_seq  # stored once, before the crash: acknowledged with its own seq
        assert (await agent.wait_for("message", client_id=lost_id))["seq"] == acks[lost_id]
        await agent.wait_for("message", body="Shall I?")
        await back.wait_for("message", body="Shall I?")
        await visitor_says(back, agent, "Yes please!")

        # B dies under the agent, the same way; the visitor keeps writing meanwhile.
        await agent.pause()
        kept_id, _ = await agent.say(conversation, "Reserved: it's yours.")
        kept_seq = (await back.wait_for("message", client_id=kept_id))["seq"]
        cluster.freeze(1)
        dropped_id, _ = await agent.say(conversation, "It ships on Friday afternoon.")
        cluster.kill(1)
        await agent.abandon()
        for body in ("Thank you!", "Will I get a tracking number?"):
            await back.say(body)
        agent_resend = unacked(agent, [kept_id, dropped_id])
        assert agent_resend == [kept_id, dropped_id]

        # The agent's console reconnects to C and rejoins the chat from the last seq it has shown.
        console, queue = await open_agent(c, sara_cookie)
        assert [(item["conversation"], item["status"]) for item in queue] == [(conversation, "active")]
        summary = await console.join(conversation, max(s for s, _, _ in stream(agent)))
        assert summary["assignee"] == console.user
        agent_bodies = {kept_id: "Reserved: it's yours.", dropped_id: "It ships on Friday afternoon."}
        for client_id in agent_resend:
            await console.say(conversation, agent_bodies[client_id], client_id=client_id)
            acks[client_id] = (await console.wait_for("ack", client_id=client_id))["seq"]
        assert acks[kept_id] == kept_seq
        assert (await back.wait_for("message", client_id=dropped_id))["seq"] == acks[dropped_id]
        await console.wait_for("message", body="Will I get a tracking number?")
        await agent_says(console, back, conversation, "Yes, by email, as soon as it ships.")
        await visitor_says(back, console, "Great, bye!")

        sides = {"visitor": stream(visitor, back), "agent": stream(agent, console)}
        await back.close()
        await console.close()
        return conversation, sides, acks

    with DaphneCluster(3, name="fault") as cluster:
        conversation, sides, acks = asyncio.run(scenario(cluster))
        assert cluster.servers[2].process.poll() is None, cluster.logs()

    rows = stored(conversation)
    last = rows[-1][0]
    assert [seq for seq, _author, _body in rows] == list(range(1, last + 1))
    for side, frames in sides.items():
        seqs = [seq for seq, _author, _body in frames]
        assert len(seqs) == len(set(seqs)), f"{side} was sent a message twice: {seqs}"
        assert sorted(frames) == rows, f"{side} misses messages: {sorted(set(range(1, last + 1)) - set(seqs))}"
    for client_id, seq in acks.items():
        assert list(ChatMessage.objects.filter(conversation__public_id=conversation, client_id=client_id)) == [
            ChatMessage.objects.get(conversation__public_id=conversation, seq=seq)
        ]
