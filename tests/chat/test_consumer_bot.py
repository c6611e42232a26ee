"""The bot's turns on the visitor's socket: answers from the help centre, handoff, and leaving a message."""

from datetime import UTC, datetime, time
from unittest import mock

import pytest
from channels.db import database_sync_to_async
from django.core import mail

from chat.botflow import bot_config, humans_available
from chat.models import ChatMessage, ChatSettings, Conversation
from chat.services import agent_presence_beat
from helpdesk.sla.models import Calendar
from helpdesk.sla.services import calendar_hours_replace, calendar_save
from helpdesk.tickets.models import Ticket, TicketRequest
from tests.chat.sockets import LINKS, TIMEOUT, FakeSearch, agent, customer_cookie, messages, visitor

MONDAY_MORNING = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SUNDAY_MORNING = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def people(available: bool):
    return mock.patch("chat.botflow.humans_available", return_value=available)


@pytest.fixture
def help_centre():
    with mock.patch("chat.botflow.kb_search_links", FakeSearch(LINKS)):
        yield


@database_sync_to_async
def conversation(public_id) -> Conversation:
    return Conversation.objects.select_related("customer", "ticket").get(public_id=public_id)


async def say(socket, text: str, client_id: str) -> list[dict]:
    """Send a message; return the two messages that follow the ack (the visitor's, then the bot's)."""
    await socket.send_json_to({"type": "message", "client_id": client_id, "body": text})
    assert (await socket.receive_json_from(timeout=TIMEOUT))["type"] == "ack"
    return await messages(socket, 2)


async def press(socket, button: str, client_id: str) -> list[dict]:
    await socket.send_json_to({"type": "button", "button": button, "client_id": client_id})
    assert (await socket.receive_json_from(timeout=TIMEOUT))["type"] == "ack"
    return await messages(socket, 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("help_centre")
async def test_a_question_gets_articles_and_feedback_buttons():
    socket, welcome, _ = await visitor()

    with people(False):
        mine, answer = await say(socket, "where is my order?", "c-1")

    assert (mine["author"], answer["author"]) == ("visitor", "bot")
    assert answer["payload"]["articles"] == [
        {"title": "Where is my order?", "snippet": "Track it from your account.", "url": "http://testserver/en/help/a/"}
    ]
    assert [b["id"] for b in answer["payload"]["buttons"]] == ["helpful", "not_helpful", "human"]
    assert answer["payload"]["action"] == "answer"
    assert (await conversation(welcome["conversation"])).bot_state["awaiting_feedback"] is True
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("help_centre")
async def test_asking_for_a_person_while_one_is_available_puts_the_chat_in_the_queue(agent_sara):
    console, queue = await agent(agent_sara)
    socket, welcome, _ = await visitor()

    with people(True):
        _, reply = await say(socket, "I want to talk to a human", "c-1")

    assert queue == []
    assert reply["payload"]["action"] == "handoff"
    assert (await conversation(welcome["conversation"])).status == "waiting"
    changed = await console.receive_json_from(timeout=TIMEOUT)
    assert (changed["type"], changed["conversation"], changed["status"]) == (
        "queue.changed",
        welcome["conversation"],
        "waiting",
    )
    # With the chat waiting for a person, the bot keeps quiet.
    await socket.send_json_to({"type": "message", "client_id": "c-2", "body": "hello?"})
    assert (await socket.receive_json_from(timeout=TIMEOUT))["type"] == "ack"
    assert len(await messages(socket, 1)) == 1
    assert await socket.receive_nothing(timeout=0.2)
    await socket.disconnect()
    await console.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_an_anonymous_visitor_leaving_a_message_gets_a_confirmation_link_not_a_ticket():
    socket, _, _ = await visitor()

    with people(False):
        _, offline = await press(socket, "human", "b-1")
        _, ask_email = await press(socket, "leave_message", "b-2")
        _, ask_message = await say(socket, "my email is nora@example.com.", "c-1")
        _, thanks = await say(socket, "My parcel arrived broken.", "c-2")

    assert [b["id"] for b in offline["payload"]["buttons"]] == ["leave_message"]
    assert ask_email["payload"]["action"] == "ask_email"
    assert ask_message["payload"]["action"] == "leave_message"
    assert thanks["payload"]["action"] == "open_ticket"
    assert "nora@example.com" in thanks["body"]
    request = await database_sync_to_async(TicketRequest.objects.get)()
    assert (request.email, request.subject) == ("nora@example.com", "My parcel arrived broken.")
    assert "My parcel arrived broken." in request.body and "my email is nora@example.com." in request.body
    assert await database_sync_to_async(Ticket.objects.count)() == 0
    assert [m.to for m in mail.outbox] == [["nora@example.com"]]
    assert "broken" not in mail.outbox[0].body
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_signed_in_customer_leaving_a_message_opens_a_chat_ticket_with_the_transcript(customer_reza):
    reza = await database_sync_to_async(customer_cookie)(customer_reza)
    socket, welcome, _ = await visitor(reza)

    with people(False), mock.patch("chat.botflow.kb_search_links", FakeSearch()):
        await say(socket, "do you ship to Shiraz?", "c-0")
        await press(socket, "human", "b-1")
        _, ask_message = await press(socket, "leave_message", "b-2")
        _, thanks = await say(socket, "Please call me back.", "c-1")

    assert ask_message["payload"]["action"] == "leave_message"
    assert thanks["payload"]["action"] == "open_ticket"
    chat = await conversation(welcome["conversation"])
    ticket = await database_sync_to_async(lambda: Ticket.objects.select_related("customer").get())()
    body = await database_sync_to_async(lambda: ticket.messages.get().body)()
    assert (chat.ticket, ticket.customer, ticket.channel) == (ticket, customer_reza, "chat")
    assert ticket.subject == "Please call me back."
    assert body.startswith("Please call me back.") and "do you ship to Shiraz?" in body
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_button_pressed_twice_is_recorded_once():
    socket, welcome, _ = await visitor()

    with people(False):
        mine, _ = await press(socket, "human", "b-1")
        await socket.send_json_to({"type": "button", "button": "human", "client_id": "b-1"})
        again = await socket.receive_json_from(timeout=TIMEOUT)

    assert (mine["body"], mine["payload"]) == ("Talk to a person", {"button": "human"})
    assert again == {"type": "ack", "client_id": "b-1", "seq": mine["seq"]}
    count = ChatMessage.objects.filter(conversation__public_id=welcome["conversation"]).count
    assert await database_sync_to_async(count)() == 3
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_failing_bot_leaves_the_visitors_message_stored_and_acknowledged():
    socket, _, _ = await visitor()

    with mock.patch("chat.botflow.bot.bot_reply", side_effect=RuntimeError("boom")):
        await socket.send_json_to({"type": "message", "client_id": "c-1", "body": "hello"})
        ack = await socket.receive_json_from(timeout=TIMEOUT)

    assert ack == {"type": "ack", "client_id": "c-1", "seq": 2}
    assert [m["author"] for m in await messages(socket, 1)] == ["visitor"]
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}
    await socket.disconnect()


@pytest.fixture
def office_hours(db):
    calendar = calendar_save(calendar=Calendar(name="Chat hours", timezone="UTC"))
    calendar_hours_replace(calendar=calendar, hours={day: [(time(9), time(17))] for day in range(5)})
    return ChatSettings.objects.create(calendar=calendar)


@pytest.mark.django_db
def test_a_person_is_available_only_with_an_agent_online_in_opening_hours(office_hours, agent_sara):
    assert humans_available(now=MONDAY_MORNING, row=office_hours) is False

    agent_presence_beat(agent=agent_sara, now=MONDAY_MORNING)

    assert humans_available(now=MONDAY_MORNING, row=office_hours) is True
    assert humans_available(now=SUNDAY_MORNING, row=office_hours) is False


@pytest.mark.django_db
def test_away_or_lapsed_agents_do_not_count(office_hours, agent_sara):
    agent_presence_beat(agent=agent_sara, status="away", now=MONDAY_MORNING)
    assert humans_available(now=MONDAY_MORNING, row=office_hours) is False

    agent_presence_beat(agent=agent_sara, now=MONDAY_MORNING.replace(hour=9))

    assert humans_available(now=MONDAY_MORNING, row=office_hours) is False


def test_the_bot_takes_the_managers_greeting_and_keywords():
    row = ChatSettings(greeting_fa="سلام! چطور کمک کنم؟", handoff_keywords="refund\n\n  چک برگشتی \n")

    config = bot_config(row)

    assert config.greeting["fa"] == "سلام! چطور کمک کنم؟"
    assert config.handoff_keywords == ("refund", "چک برگشتی")
    assert "refund" in bot_config(None).handoff_keywords
