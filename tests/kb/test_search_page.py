"""The search results page, /<lang>/help/search/?q=...&locale=..., readable without JavaScript."""

import pytest
import time_machine
from django.urls import reverse

from kb import search
from kb.models import SearchQuery
from kb.search_views import snippet_parts

from .search_support import article, search_index  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index")]


@pytest.fixture
def indexed():
    search.index_articles(
        [
            article(
                "refunds.en",
                "Returns & refunds",
                body="We refund your card within five days. <b>Bold</b> claims are plain text here.",
            ),
            article("tracking.en", "Where is my parcel?", body="The courier scans the parcel at every depot."),
            article("tracking.fa", "مرسوله‌ام کجاست؟", body="پیک مرسوله را در هر انبار اسکن می‌کند."),
        ]
    )


def test_the_page_lists_matching_articles_with_highlighted_escaped_snippets(client, indexed):
    response = client.get("/en/help/search/", {"q": "refund bold"})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/en/help/refunds.en/">Returns &amp; refunds</a>' in html
    assert "<mark>refund</mark> your card" in html
    assert "&lt;b&gt;<mark>Bold</mark>&lt;/b&gt;" in html
    assert "<b>Bold</b>" not in html


def test_the_url_is_named_for_other_pages():
    assert reverse("kb_search:results") == "/en/help/search/"


def test_the_page_searches_its_own_language_unless_told_otherwise(client, indexed):
    persian_page = client.get("/fa/help/search/", {"q": "مرسوله"}).content.decode()
    english_page = client.get("/en/help/search/", {"q": "مرسوله"}).content.decode()
    all_languages = client.get("/en/help/search/", {"q": "مرسوله", "locale": "all"}).content.decode()

    assert "مرسوله‌ام کجاست؟" in persian_page
    assert "مرسوله‌ام کجاست؟" not in english_page
    assert '<li lang="fa" dir="rtl">' in all_languages


def test_the_language_filter_keeps_the_choice(client, indexed):
    html = client.get("/en/help/search/", {"q": "parcel", "locale": "fa"}).content.decode()

    assert '<option value="fa" lang="fa" selected>' in html
    assert "Where is my parcel?" not in html


def test_no_results_offers_chat_a_ticket_and_all_languages(client, indexed):
    response = client.get("/en/help/search/", {"q": "teleportation"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "No articles match <bdi>“teleportation”</bdi>" in html
    assert '<a class="button" href="/en/chat/widget/" data-helpdesk-chat-open>Chat with us</a>' in html
    assert f'href="{reverse("tickets:new")}">Open a ticket</a>' in html
    assert "/en/help/search/?q=teleportation&amp;locale=all" in html


def test_results_and_failed_searches_are_recorded_for_the_report(client, indexed):
    client.get("/fa/help/search/", {"q": "مرسوله"})
    client.get("/en/help/search/", {"q": "teleportation"})
    client.get("/en/help/search/", {"q": "parcel", "locale": "all"})
    client.get("/en/help/search/")

    recorded = list(SearchQuery.objects.order_by("created_at").values_list("query", "locale", "result_count", "source"))
    assert recorded == [("مرسوله", "fa", 1, "web"), ("teleportation", "en", 0, "web"), ("parcel", "en", 1, "web")]


def test_an_empty_search_shows_the_form_and_a_hint(client, indexed):
    html = client.get("/en/help/search/").content.decode()

    assert 'name="q"' in html
    assert "for example “track my order”" in html
    assert "No articles match" not in html


def test_the_persian_page_is_right_to_left_and_keeps_the_query(client, indexed):
    html = client.get("/fa/help/search/", {"q": "مرسوله"}).content.decode()

    assert '<html lang="fa" dir="rtl">' in html
    assert 'value="مرسوله"' in html


def test_snippet_parts_cut_the_snippet_at_its_highlights():
    hit = search.SearchHit("a.en", "en", "T", "/a/", "We refund cards.", 1.0, ((3, 9), (10, 15)))

    assert snippet_parts(hit) == [("We ", False), ("refund", True), (" ", False), ("cards", True), (".", False)]


def test_snippet_parts_ignore_overlapping_or_out_of_range_highlights():
    hit = search.SearchHit("a.en", "en", "T", "/a/", "abcdef", 1.0, ((0, 3), (2, 4), (5, 99)))

    assert snippet_parts(hit) == [("abc", True), ("def", False)]


# Rate limits count in fixed one-minute windows: stand still mid-window so the 61 searches share one.
@time_machine.travel("2026-11-23 10:00:20Z", tick=False)
def test_too_many_searches_from_one_address_are_slowed_down(client, indexed):
    statuses = [client.get("/en/help/search/", {"q": "parcel"}).status_code for _ in range(61)]

    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429


def test_a_query_is_shown_and_recorded_without_its_control_characters(client, indexed):
    response = client.get("/en/help/search/", {"q": "par\x00cel\x1b"})

    assert response.status_code == 200
    assert SearchQuery.objects.get().query == "par cel"
