"""The bot's searches count in the help centre's search report, as the reader's own would."""

from unittest import mock

import pytest

from chat import botflow
from chat.bot import ArticleLink
from chat.services import visitor_key_new
from kb.models import SearchQuery
from tests.chat.sockets import FakeSearch

pytestmark = pytest.mark.django_db

RETURNS = ArticleLink(title="Returns", snippet="Send it back within 30 days.", url="https://help.test/en/help/returns/")


@pytest.mark.parametrize(("links", "expected_count"), [([RETURNS], 1), ([], 0)])
def test_a_bot_search_is_recorded_with_its_result_count(links, expected_count):
    conversation = botflow.conversation_open(visitor_key=visitor_key_new(), locale="en")

    with (
        mock.patch("chat.botflow.kb_search_links", FakeSearch(links)),
        mock.patch("chat.botflow.humans_available", return_value=False),
    ):
        botflow.bot_on_message(conversation=conversation, text="how do I return a rug?")

    recorded = SearchQuery.objects.get()
    assert (recorded.query, recorded.locale, recorded.result_count, recorded.source) == (
        "how do I return a rug?",
        "en",
        expected_count,
        "bot",
    )
