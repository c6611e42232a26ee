"""Chat: hostile frames get an error frame and the socket lives on; hostile words render inert.

A frame's JSON may carry what no keyboard types: "\\u0000" (PostgreSQL cannot store it) and lone
surrogates such as "\\ud800" (not UTF-8 at all). The protocol refuses both in every text key;
what it accepts, the transcript and the ticket a chat becomes show as text.
"""

import json
from datetime import timedelta
from unittest import mock

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from chat import botflow
from chat.bot import Button
from chat.identity import Identity, _b64encode, _signature, identity_verify
from chat.models import AuthorKind, ChatMessage, Conversation
from chat.protocol import AGENT_SCHEMAS, VISITOR_SCHEMAS, FrameError, parse_frame, validate_frame
from chat.services import chat_end, chat_message_post, chat_rate
from helpdesk.tickets.models import Ticket, TicketRequest
from tests.chat.sockets import TIMEOUT, FakeSearch, connect, hello, visitor
from tests.hostile.conftest import BIDI, LONE_SURROGATE, MARKUP, NUL
from tests.hostile.inert import assert_inert, unisolated_bidi, visible_text

CONVERSATION = "9a1d0c6e-5b0d-4c9e-8f6a-2b7e1c3d4f50"
MESSAGE = {"type": "message", "client_id": "c-1", "body": "Hi"}
TEXT_KEYS = {
    "hello.locale": (VISITOR_SCHEMAS, {"type": "hello", "v": 1}, "locale"),
    "hello.identity": (VISITOR_SCHEMAS, {"type": "hello", "v": 1}, "identity"),
    "hello.origin": (VISITOR_SCHEMAS, {"type": "hello", "v": 1}, "origin"),
    "message.body": (VISITOR_SCHEMAS, MESSAGE, "body"),
    "message.client_id": (VISITOR_SCHEMAS, MESSAGE, "client_id"),
    "button.client_id": (VISITOR_SCHEMAS, {"type": "button", "button": "human"}, "client_id"),
    "rate.comment": (VISITOR_SCHEMAS, {"type": "rate", "score": 4}, "comment"),
    "agent-message.body": (AGENT_SCHEMAS, MESSAGE | {"conversation": CONVERSATION}, "body"),
    "agent-message.client_id": (AGENT_SCHEMAS, MESSAGE | {"conversation": CONVERSATION}, "client_id"),
}


@pytest.mark.parametrize("character", [NUL, LONE_SURROGATE], ids=["nul", "lone-surrogate"])
@pytest.mark.parametrize(("schemas", "frame", "key"), TEXT_KEYS.values(), ids=TEXT_KEYS.keys())
def test_unstorable_text_in_any_key_of_a_frame_is_refused_by_name(schemas, frame, key, character):
    assert validate_frame(frame | {key: "fa"}, schemas)  # the same frame is fine without it
    raw = json.dumps(frame | {key: f"fa{character}"})  # as JSON escapes: \u0000, \ud800

    with pytest.raises(FrameError) as refused:
        validate_frame(parse_frame(raw), schemas)

    assert (refused.value.code, refused.value.field) == ("invalid_frame", key)


@pytest.mark.django_db(transaction=True)
async def test_a_socket_sent_unstorable_text_answers_with_errors_and_carries_on():
    socket, _welcome, _greeting = await visitor()

    await socket.send_to(text_data='{"type":"message","client_id":"c-1","body":"Hi \\ud800"}')
    await socket.send_to(text_data='{"type":"message","client_id":"c-\\u0000","body":"Hi"}')
    await socket.send_to(text_data='{"type":"rate","score":5,"comment":"\\udfff"}')
    errors = [await socket.receive_json_from(timeout=TIMEOUT) for _ in range(3)]
    await socket.send_json_to({"type": "message", "client_id": "c-2", "body": "Still there?"})
    ack = await socket.receive_json_from(timeout=TIMEOUT)

    assert [(e["type"], e["code"], e["field"]) for e in errors] == [
        ("error", "invalid_frame", "body"),
        ("error", "invalid_frame", "client_id"),
        ("error", "invalid_frame", "comment"),
    ]
    assert (ack["type"], ack["client_id"]) == ("ack", "c-2")
    assert await database_sync_to_async(list)(
        ChatMessage.objects.filter(author_kind=AuthorKind.VISITOR).values_list("body", flat=True)
    ) == ["Still there?"]
    await socket.disconnect()

    second = await connect("/ws/chat/")
    await second.send_to(text_data=json.dumps(hello(origin="https://shop.example/\ud800")))
    refused = await second.receive_json_from(timeout=TIMEOUT)
    assert (refused["code"], refused["field"]) == ("invalid_frame", "origin")
    assert await database_sync_to_async(Conversation.objects.count)() == 1
    await second.disconnect()


def _token(claims: dict) -> str:
    """A shop's token, signed as docs/chat-protocol.md shows, with JSON's own escapes kept."""
    payload = _b64encode(json.dumps(claims).encode())
    return f"{payload}.{_signature(b'shop secret', payload)}"


@pytest.mark.parametrize("name", [f"Eve{NUL}", f"Eve{LONE_SURROGATE}"], ids=["nul", "lone-surrogate"])
def test_a_signed_identity_naming_unstorable_text_is_refused_like_a_forged_one(settings, name):
    settings.HELPDESK_CHAT_IDENTITY_SECRET = "shop secret"
    expires = int((timezone.now() + timedelta(hours=1)).timestamp())
    good = {"external_id": "c-eve", "email": "eve@example.com", "exp": expires}

    assert identity_verify(_token(good)) == Identity(external_id="c-eve", email="eve@example.com")
    assert identity_verify(_token(good | {"name": name})) is None
    assert identity_verify(_token(good | {"external_id": f"c-{NUL}"})) is None


@pytest.fixture
def quiet_bot():
    with (
        mock.patch("chat.botflow.kb_search_links", FakeSearch()),
        mock.patch("chat.botflow.humans_available", return_value=False),
    ):
        yield


def _chat(customer=None) -> Conversation:
    return botflow.conversation_open(visitor_key="k" * 30, locale="en", customer=customer)


def _leave_message(conversation: Conversation, text: str, *, email: str = "") -> None:
    botflow.bot_on_button(conversation=conversation, button=Button.LEAVE_MESSAGE, client_id="b-1")
    if email:
        chat_message_post(conversation=conversation, body=email, client_id="e-1")
        botflow.bot_on_message(conversation=conversation, text=email)
    chat_message_post(conversation=conversation, body=text, client_id="m-1")
    botflow.bot_on_message(conversation=conversation, text=text)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", MARKUP.values(), ids=MARKUP.keys())
def test_markup_in_a_chat_is_inert_in_the_transcript_and_the_ticket_it_becomes(
    sara, customer_emma, agent_sara, quiet_bot, payload
):
    chat = _chat(customer_emma)
    chat_message_post(conversation=chat, body=f"Where {payload}", client_id="c-1")
    _leave_message(chat, f"Call me {payload}")
    chat_end(conversation=chat)
    chat_rate(conversation=chat, score=2, comment=f"Slow {payload}")

    ticket = Ticket.objects.get()
    transcript = sara.get(f"/en/staff/chat/transcripts/{chat.public_id}/")
    ticket_page = sara.get(f"/en/staff/tickets/{ticket.pk}/")
    for where, page in {"transcript": transcript, "ticket page": ticket_page}.items():
        assert page.status_code == 200
        assert_inert(page.content, payload, where=where)
    assert f"Slow {payload}" in visible_text(transcript.content)  # shown as the visitor typed it


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [MARKUP["script"], MARKUP["img-onerror"], f"{BIDI['rlo']}{BIDI['rli']}"])
@pytest.mark.parametrize("known", [True, False], ids=["customer", "visitor"])
def test_a_message_left_with_the_bot_that_is_only_markup_still_reaches_the_team(
    customer_emma, quiet_bot, known, payload
):
    chat = _chat(customer_emma if known else None)

    _leave_message(chat, payload, email="" if known else "eve@example.com")

    opened = Ticket.objects.get() if known else TicketRequest.objects.get()
    assert opened.subject == "Message from the chat" or BIDI["rlo"] in opened.subject
    assert payload in opened.messages.get().body if known else payload in opened.body


@pytest.mark.django_db
@pytest.mark.parametrize("control", [BIDI["rlo"], BIDI["rli"]], ids=["rlo", "rli"])
def test_bidi_controls_in_a_chat_stay_inside_the_line_that_holds_them(sara, customer_emma, control):
    chat = _chat(customer_emma)
    chat_message_post(conversation=chat, body=f"{control}gpj.exe order 42", client_id="c-1")
    chat_end(conversation=chat)
    chat_rate(conversation=chat, score=3, comment=f"{control}slow")

    assert unisolated_bidi(sara.get(f"/en/staff/chat/transcripts/{chat.public_id}/").content) == []
