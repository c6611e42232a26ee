"""Rating an ended chat: once per chat, 1 to 5 or good/bad as the survey settings say, never before the end."""

from unittest import mock

import pytest
from channels.db import database_sync_to_async

from chat.errors import ChatError
from chat.models import Conversation
from chat.services import chat_end, chat_rate, conversation_start
from surveys.models import RatingScale, SurveySettings
from tests.chat.sockets import TIMEOUT, FakeSearch, messages, visitor

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quiet_help_centre():
    with (
        mock.patch("chat.botflow.kb_search_links", FakeSearch()),
        mock.patch("chat.botflow.humans_available", return_value=False),
    ):
        yield


def _ended() -> Conversation:
    conversation = conversation_start(visitor_key="k" * 30, locale="en")
    return chat_end(conversation=conversation)


def test_a_rating_is_kept_once_with_its_comment():
    conversation = _ended()

    chat_rate(conversation=conversation, score=4, comment="  quick and kind \x00 ")

    stored = Conversation.objects.get(pk=conversation.pk)
    assert (stored.rating, stored.rating_comment) == (4, "quick and kind")
    assert stored.rated_at is not None
    with pytest.raises(ChatError) as refused:
        chat_rate(conversation=conversation, score=1)
    assert refused.value.code == "already_rated"
    assert Conversation.objects.get(pk=conversation.pk).rating == 4


def test_a_chat_still_going_cannot_be_rated():
    conversation = conversation_start(visitor_key="k" * 30, locale="en")

    with pytest.raises(ChatError) as refused:
        chat_rate(conversation=conversation, score=5)

    assert refused.value.code == "not_ended"
    assert Conversation.objects.get(pk=conversation.pk).rating is None


async def test_the_widget_rates_an_ended_chat_and_hears_it_was_kept():
    socket, welcome, _ = await visitor()
    assert (welcome["rating"], welcome["rating_scale"]) == (None, "five")
    await socket.send_json_to({"type": "end"})
    await messages(socket, 1)

    await socket.send_json_to({"type": "rate", "score": 5, "comment": "ممنون، عالی بود"})

    assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "rated", "score": 5}
    stored = await database_sync_to_async(Conversation.objects.get)(public_id=welcome["conversation"])
    assert (stored.rating, stored.rating_comment) == (5, "ممنون، عالی بود")
    await socket.disconnect()

    again, resumed, _ = await visitor(
        visitor_key=welcome["visitor_key"], conversation=welcome["conversation"], last_seq=welcome["last_seq"] + 1
    )
    assert resumed["rating"] == 5
    await again.disconnect()


@pytest.mark.parametrize(
    ("frame", "code", "field"),
    [
        ({"type": "rate", "score": 6}, "invalid_frame", "score"),
        ({"type": "rate", "score": 0}, "invalid_frame", "score"),
        ({"type": "rate", "score": "5"}, "invalid_frame", "score"),
        ({"type": "rate", "score": 3, "comment": "x" * 2001}, "invalid_frame", "comment"),
        ({"type": "rate", "score": 3}, "not_ended", None),
    ],
)
async def test_bad_ratings_are_refused_and_nothing_is_kept(frame, code, field):
    socket, welcome, _ = await visitor()

    await socket.send_json_to(frame)

    error = await socket.receive_json_from(timeout=TIMEOUT)
    assert (error["type"], error["code"], error.get("field")) == ("error", code, field)
    stored = await database_sync_to_async(Conversation.objects.get)(public_id=welcome["conversation"])
    assert stored.rating is None
    await socket.disconnect()


def _binary_scale():
    SurveySettings.objects.update_or_create(pk=1, defaults={"rating_scale": RatingScale.BINARY})


def test_on_the_good_or_bad_scale_only_good_and_bad_are_kept():
    _binary_scale()
    conversation = _ended()

    with pytest.raises(ChatError) as refused:
        chat_rate(conversation=conversation, score=3)
    assert refused.value.code == "not_on_scale"
    assert Conversation.objects.get(pk=conversation.pk).rating is None

    chat_rate(conversation=conversation, score=1)
    assert Conversation.objects.get(pk=conversation.pk).rating == 1


async def test_the_widget_hears_the_good_or_bad_scale_and_a_middle_score_is_refused():
    await database_sync_to_async(_binary_scale)()
    socket, welcome, _ = await visitor()
    assert welcome["rating_scale"] == "binary"
    await socket.send_json_to({"type": "end"})
    await messages(socket, 1)

    await socket.send_json_to({"type": "rate", "score": 4})
    error = await socket.receive_json_from(timeout=TIMEOUT)
    assert (error["type"], error["code"]) == ("error", "not_on_scale")
    await socket.send_json_to({"type": "rate", "score": 5})
    assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "rated", "score": 5}
    await socket.disconnect()


def test_the_chat_window_offers_good_or_bad_when_the_settings_say_so(client):
    page = client.get("/fa/chat/widget/").content.decode()
    assert page.count('name="score"') == 5

    _binary_scale()
    page = client.get("/fa/chat/widget/").content.decode()

    assert page.count('name="score"') == 2
    assert 'value="5" required> خوب</label>' in page and 'value="1"> بد</label>' in page
