"""/ws/chat/: who the visitor is, which conversation they may join, and messages that are never lost or doubled."""

import hashlib
import json
from datetime import timedelta
from unittest import mock

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from django.utils import timezone

from chat.botflow import bot_on_message
from chat.identity import identity_sign
from chat.models import AuthorKind, ChatMessage, Conversation
from chat.services import chat_accept, chat_handoff, chat_message_post
from helpdesk.asgi import application
from tests.chat.sockets import (
    ORIGIN,
    TIMEOUT,
    FakeSearch,
    customer_cookie,
    hello,
    messages,
    statements,
    verbs,
    visitor,
)

pytestmark = [pytest.mark.django_db(transaction=True)]

SECRET = "shop and helpdesk share this"


@pytest.fixture(autouse=True)
def quiet_help_centre():
    """The bot finds nothing and nobody is online, unless a test says otherwise."""
    with (
        mock.patch("chat.botflow.kb_search_links", FakeSearch()),
        mock.patch("chat.botflow.humans_available", return_value=False),
    ):
        yield


@database_sync_to_async
def conversation(public_id) -> Conversation:
    return Conversation.objects.select_related("customer").get(public_id=public_id)


@database_sync_to_async
def bot_says(public_id, *bodies) -> None:
    for body in bodies:
        chat_message_post(conversation=Conversation.objects.get(public_id=public_id), body=body, by=AuthorKind.BOT)


@database_sync_to_async
def stored(public_id) -> list[tuple[int, str, str]]:
    return list(ChatMessage.objects.filter(conversation__public_id=public_id).values_list("seq", "author_kind", "body"))


async def test_a_first_hello_opens_a_conversation_that_starts_with_the_bots_greeting():
    socket, welcome, greeting = await visitor(locale="fa-IR", origin="https://shop.example/cart")

    assert welcome | {"conversation": "", "visitor_key": ""} == {
        "type": "welcome",
        "v": 1,
        "conversation": "",
        "visitor_key": "",
        "status": "bot",
        "last_seq": 1,
        "agent_read_seq": 0,
        "locale": "fa",
        "rating": None,
        "rating_scale": "five",
    }
    assert [(m["seq"], m["author"]) for m in greeting] == [(1, "bot")]
    assert greeting[0]["payload"]["buttons"] == [{"id": "human", "label": "صحبت با کارشناس"}]  # in Persian
    chat = await conversation(welcome["conversation"])
    assert chat.visitor_key_hash == hashlib.sha256(welcome["visitor_key"].encode()).hexdigest()
    assert (chat.locale, chat.origin, chat.customer) == ("fa", "https://shop.example/cart", None)
    assert await socket.receive_nothing(timeout=0.1)
    await socket.disconnect()


async def test_coming_back_with_the_key_and_last_seq_gets_exactly_the_missed_messages():
    first, welcome, _ = await visitor()
    await first.disconnect()
    await bot_says(welcome["conversation"], "two", "three", "four")

    again, resumed, missed = await visitor(
        visitor_key=welcome["visitor_key"], conversation=welcome["conversation"], last_seq=2
    )

    assert (resumed["conversation"], resumed["last_seq"]) == (welcome["conversation"], 4)
    assert [(m["seq"], m["body"]) for m in missed] == [(3, "three"), (4, "four")]
    assert await again.receive_nothing(timeout=0.1)
    await again.disconnect()


async def test_someone_elses_conversation_id_with_a_wrong_key_gets_a_new_conversation_and_nothing_of_theirs():
    owner, theirs, _ = await visitor()
    await owner.send_json_to({"type": "message", "client_id": "c-1", "body": "my address is 12 Secret St"})
    intruder, welcome, shown = await visitor(
        visitor_key="guessed-key-guessed-key-guessed", conversation=theirs["conversation"], last_seq=0
    )

    await bot_says(theirs["conversation"], "your parcel left")

    assert welcome["conversation"] != theirs["conversation"]
    assert [m["seq"] for m in shown] == [1]
    assert "Secret" not in json.dumps(shown)
    assert await intruder.receive_nothing(timeout=0.2)
    await intruder.disconnect()
    await owner.disconnect()


async def test_a_customer_signed_in_to_the_portal_is_recognised_and_can_resume_from_another_browser(customer_reza):
    reza = await database_sync_to_async(customer_cookie)(customer_reza)
    laptop, welcome, _ = await visitor(reza)
    await laptop.disconnect()

    phone, resumed, history = await visitor(reza, conversation=welcome["conversation"], last_seq=0)

    chat = await conversation(welcome["conversation"])
    assert (chat.customer, chat.email) == (customer_reza, "reza@example.com")
    assert resumed["conversation"] == welcome["conversation"]
    assert resumed["visitor_key"] != welcome["visitor_key"]
    assert [m["seq"] for m in history] == [1]
    await phone.disconnect()


async def test_an_anonymous_chat_resumed_after_signing_in_becomes_the_customers(customer_reza):
    socket, welcome, _ = await visitor()
    await socket.disconnect()
    assert (await conversation(welcome["conversation"])).customer is None

    reza = await database_sync_to_async(customer_cookie)(customer_reza)
    again, resumed, _ = await visitor(
        reza, conversation=welcome["conversation"], visitor_key=welcome["visitor_key"], last_seq=welcome["last_seq"]
    )

    assert resumed["conversation"] == welcome["conversation"]
    assert (await conversation(welcome["conversation"])).customer == customer_reza
    await again.disconnect()


@override_settings(HELPDESK_CHAT_IDENTITY_SECRET=SECRET)
async def test_a_valid_identity_token_attaches_the_shops_customer(customer_reza):
    token = identity_sign(
        external_id="c-reza", email="reza@example.com", expires_at=timezone.now() + timedelta(minutes=15)
    )

    socket, welcome, _ = await visitor(identity=token)

    assert (await conversation(welcome["conversation"])).customer == customer_reza
    await socket.disconnect()


@override_settings(HELPDESK_CHAT_IDENTITY_SECRET=SECRET)
async def test_an_identity_token_for_a_new_customer_creates_them():
    token = identity_sign(
        external_id="c-new", email="new@example.com", name="Nora", expires_at=timezone.now() + timedelta(minutes=5)
    )

    socket, welcome, _ = await visitor(identity=token, locale="ar")

    customer = (await conversation(welcome["conversation"])).customer
    assert (customer.external_id, customer.email, customer.name, customer.locale) == (
        "c-new",
        "new@example.com",
        "Nora",
        "ar",
    )
    await socket.disconnect()


@override_settings(HELPDESK_CHAT_IDENTITY_SECRET=SECRET)
@pytest.mark.parametrize("expired", [True, False])
async def test_an_expired_or_forged_token_is_refused_and_the_chat_stays_anonymous(customer_reza, expired):
    expires = timezone.now() + (timedelta(minutes=-1) if expired else timedelta(minutes=5))
    token = identity_sign(external_id="c-reza", email="reza@example.com", expires_at=expires, secret="x" * 20)
    socket = await _open_socket()

    await socket.send_json_to(hello(identity=token))

    error = await socket.receive_json_from(timeout=TIMEOUT)
    welcome = await socket.receive_json_from(timeout=TIMEOUT)
    assert (error["code"], error["field"]) == ("invalid_identity", "identity")
    assert (await conversation(welcome["conversation"])).customer is None
    await socket.disconnect()


async def _open_socket(*headers) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, "/ws/chat/", headers=[ORIGIN, *headers])
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected
    return socket


async def test_a_resent_message_is_stored_once_and_acknowledged_with_the_same_seq():
    socket, welcome, _ = await visitor()
    frame = {"type": "message", "client_id": "c-42", "body": "where is my order?"}

    await socket.send_json_to(frame)
    first = await socket.receive_json_from(timeout=TIMEOUT)
    mine, bot = await messages(socket, 2)
    await socket.send_json_to(frame)
    again = await socket.receive_json_from(timeout=TIMEOUT)

    assert first == again == {"type": "ack", "client_id": "c-42", "seq": 2}
    assert (mine["seq"], mine["author"], mine["client_id"], bot["seq"], bot["author"]) == (
        2,
        "visitor",
        "c-42",
        3,
        "bot",
    )
    assert [row[:2] for row in await stored(welcome["conversation"])] == [(1, "bot"), (2, "visitor"), (3, "bot")]
    assert await socket.receive_nothing(timeout=0.1)
    await socket.disconnect()


async def test_sync_sends_again_everything_after_the_seq_the_client_has():
    socket, welcome, _ = await visitor()
    await bot_says(welcome["conversation"], "two", "three")
    await messages(socket, 2)

    await socket.send_json_to({"type": "sync", "last_seq": 1})

    assert [m["body"] for m in await messages(socket, 2)] == ["two", "three"]
    await socket.disconnect()


async def test_a_lost_nudge_is_made_good_from_the_database():
    socket, welcome, _ = await visitor()
    with mock.patch("chat.broadcast._send"):
        await bot_says(welcome["conversation"], "lost on the way")

    await bot_says(welcome["conversation"], "arrived")

    assert [(m["seq"], m["body"]) for m in await messages(socket, 2)] == [(2, "lost on the way"), (3, "arrived")]
    assert await socket.receive_nothing(timeout=0.1)
    await socket.disconnect()


async def test_nothing_but_hello_is_accepted_first():
    socket = await _open_socket()

    await socket.send_json_to({"type": "message", "client_id": "c", "body": "hi"})

    assert (await socket.receive_json_from(timeout=TIMEOUT))["code"] == "hello_required"
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}
    await socket.disconnect()


@pytest.mark.parametrize(
    ("frame", "code", "field"),
    [
        ("not json", "invalid_frame", None),
        ("[1, 2]", "invalid_frame", None),
        ('{"type": "message", "client_id": "c", "body": 7}', "invalid_frame", "body"),
        ('{"type": "message", "client_id": "c", "body": "' + "x" * 4001 + '"}', "message_too_long", "body"),
        ('{"type": "message", "client_id": "c", "body": "   "}', "empty_message", None),
        ('{"type": "read", "seq": "4"}', "invalid_frame", "seq"),
        ('{"type": "launch_rockets"}', "unknown_type", None),
    ],
)
async def test_an_invalid_frame_gets_an_error_and_the_socket_stays_open(frame, code, field):
    socket, _, _ = await visitor()

    await socket.send_to(text_data=frame)
    error = await socket.receive_json_from(timeout=TIMEOUT)
    await socket.send_json_to({"type": "ping"})

    assert (error["type"], error["code"], error.get("field")) == ("error", code, field)
    assert error["message"]
    assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}
    await socket.disconnect()


async def test_an_error_names_the_message_that_failed():
    socket, _, _ = await visitor()

    await socket.send_json_to({"type": "message", "client_id": "c-9", "body": ""})

    error = await socket.receive_json_from(timeout=TIMEOUT)
    assert (error["code"], error["client_id"]) == ("empty_message", "c-9")
    await socket.disconnect()


async def test_an_oversized_frame_closes_the_socket_with_1009():
    socket, welcome, _ = await visitor()

    await socket.send_to(text_data=json.dumps({"type": "message", "client_id": "c", "body": "x" * 20_000}))

    assert (await socket.receive_json_from(timeout=TIMEOUT))["code"] == "frame_too_large"
    assert await socket.receive_output(timeout=TIMEOUT) == {"type": "websocket.close", "code": 1009}
    assert [row[0] for row in await stored(welcome["conversation"])] == [1]


async def test_a_flood_is_rate_limited_then_closed_with_4408():
    with mock.patch("chat.protocol.monotonic", return_value=500.0):
        socket, _, _ = await visitor()  # the hello was frame 1 of 20
        for _ in range(19):
            await socket.send_json_to({"type": "ping"})
            assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}
        for _ in range(9):
            await socket.send_json_to({"type": "ping"})
            assert (await socket.receive_json_from(timeout=TIMEOUT))["code"] == "rate_limited"

        await socket.send_json_to({"type": "ping"})

        assert (await socket.receive_json_from(timeout=TIMEOUT))["code"] == "rate_limited"
        assert await socket.receive_output(timeout=TIMEOUT) == {"type": "websocket.close", "code": 4408}


@pytest.mark.parametrize("origin", [[(b"origin", b"https://evil.example")], []])
async def test_a_foreign_or_missing_origin_is_refused(origin):
    socket = WebsocketCommunicator(application, "/ws/chat/", headers=origin)

    connected, _ = await socket.connect(timeout=TIMEOUT)

    assert not connected


async def test_an_unknown_protocol_version_is_refused_with_4400():
    socket = await _open_socket()

    await socket.send_json_to(hello(v=2))

    assert (await socket.receive_json_from(timeout=TIMEOUT))["code"] == "unsupported_version"
    assert await socket.receive_output(timeout=TIMEOUT) == {"type": "websocket.close", "code": 4400}


async def test_ending_the_chat_tells_the_visitor_and_closes_it_for_writing():
    socket, _, _ = await visitor()

    await socket.send_json_to({"type": "end"})
    [ended] = await messages(socket, 1)
    await socket.send_json_to({"type": "message", "client_id": "c-late", "body": "one more thing"})

    assert (ended["author"], ended["payload"]) == ("system", {"event": "ended"})
    error = await socket.receive_json_from(timeout=TIMEOUT)
    assert (error["code"], error["client_id"]) == ("conversation_ended", "c-late")
    await socket.disconnect()


async def test_a_second_hello_switches_to_a_new_conversation():
    socket, first, _ = await visitor()

    await socket.send_json_to(hello(visitor_key=first["visitor_key"]))
    second = await socket.receive_json_from(timeout=TIMEOUT)
    await messages(socket, 1)
    await bot_says(first["conversation"], "for the old chat")

    assert second["conversation"] != first["conversation"]
    assert second["visitor_key"] == first["visitor_key"]
    assert await socket.receive_nothing(timeout=0.2)
    await socket.disconnect()


async def test_the_visitors_own_typing_is_not_echoed_back():
    socket, _, _ = await visitor()

    await socket.send_json_to({"type": "typing", "on": True})

    assert await socket.receive_nothing(timeout=0.2)
    await socket.disconnect()


async def test_one_address_cannot_open_conversations_without_end(monkeypatch):
    monkeypatch.setattr("chat.ratelimits.NEW_CONVERSATIONS_PER_ADDRESS", 2)

    async def hello_from(address):
        communicator = WebsocketCommunicator(application, "/ws/chat/", headers=[ORIGIN])
        communicator.scope["client"] = (address, 50000)
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected
        await communicator.send_json_to(hello())
        return communicator, await communicator.receive_json_from(timeout=TIMEOUT)

    opened = [await hello_from("203.0.113.7") for _ in range(2)]
    refused_socket, refused = await hello_from("203.0.113.7")
    other_socket, other = await hello_from("198.51.100.1")

    assert [frame["type"] for _, frame in opened] == ["welcome", "welcome"]
    assert (refused["type"], refused["code"]) == ("error", "rate_limited")
    assert (await refused_socket.receive_output(timeout=TIMEOUT))["code"] == 4408
    assert other["type"] == "welcome"
    assert await database_sync_to_async(Conversation.objects.count)() == 3
    for socket, _ in [*opened, (other_socket, other)]:
        await socket.disconnect()


@database_sync_to_async
def taken_by(public_id, agent) -> None:
    chat = Conversation.objects.get(public_id=public_id)
    chat_handoff(conversation=chat)
    chat_accept(conversation=chat, agent=agent)


async def test_a_message_to_a_person_costs_four_statements_and_no_turn_for_the_bot(agent_sara):
    socket, welcome, _ = await visitor()
    await taken_by(welcome["conversation"], agent_sara)
    [joined] = await messages(socket, 1)

    with statements() as seen, mock.patch("chat.botflow.bot_on_message") as bot:
        await socket.send_json_to({"type": "message", "client_id": "v-1", "body": "Is anyone there?"})
        ack = await socket.receive_json_from(timeout=TIMEOUT)
        [echo] = await messages(socket, 1)

    # The conversation locked, the client id looked up, the next seq taken, the message stored.
    assert verbs(seen) == ["SELECT", "SELECT", "UPDATE", "INSERT"]
    assert (ack["seq"], echo["seq"], echo["body"]) == (joined["seq"] + 1, joined["seq"] + 1, "Is anyone there?")
    assert not bot.called
    await socket.disconnect()


async def test_a_message_to_the_bot_is_acknowledged_before_the_bot_answers():
    socket, _welcome, _ = await visitor()

    with mock.patch("chat.consumers.visitor.botflow.bot_on_message", wraps=bot_on_message) as bot:
        await socket.send_json_to({"type": "message", "client_id": "v-1", "body": "where is my order"})
        ack = await socket.receive_json_from(timeout=TIMEOUT)
        said, answer = await messages(socket, 2)

    assert (ack["type"], ack["seq"], said["seq"], answer["author"]) == ("ack", 2, 2, "bot")
    assert bot.call_count == 1
    await socket.disconnect()
