"""Result links on the search page count the click, then take the reader to the page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kb.models import ArticlePage, FAQPage, SearchQuery
from kb.search_views import CLICK_RATE_PER_IP, result_token

from .search_support import exchange_record, import_articles, search_index  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index")]

BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
RESULT_LINK = re.compile(r'<h2><a href="([^"]+)" rel="nofollow">([^<]+)</a></h2>')


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    faq = {
        "locale": "en",
        "title": "Questions",
        "items": [{"question": "Do you ship parcels to Norway?", "answer": "Yes, with a customs form."}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        import_articles(
            exchange_record("tracking.en", "Where is my parcel?", "The courier scans the parcel at every depot."),
            exchange_record("tracking.fa", "مرسوله‌ام کجاست؟", "پیک مرسوله را در هر انبار اسکن می‌کند.", key="tracking"),
            faq=[faq],
        )
    return ArticlePage.objects.get(external_id="tracking.en")


def _links(client, query, locale_path="en"):
    html = client.get(f"/{locale_path}/help/search/", {"q": query}, HTTP_USER_AGENT=BROWSER).content.decode()
    return {title: href for href, title in RESULT_LINK.findall(html)}


def test_results_link_through_the_counting_redirect(client, published):
    links = _links(client, "parcel")

    assert set(links) == {"Where is my parcel?", "Do you ship parcels to Norway?"}
    assert all(href.startswith("/en/help/search/go/") for href in links.values())


def test_following_a_result_counts_one_click_and_redirects_to_the_article(client, published):
    href = _links(client, "parcel")["Where is my parcel?"]

    response = client.get(href, HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 302
    assert response["Location"] == published.url
    assert SearchQuery.objects.get().clicks == 1
    assert "no-cache" in response["Cache-Control"]


def test_a_faq_result_leads_to_its_question(client, published):
    href = _links(client, "Norway")["Do you ship parcels to Norway?"]

    response = client.get(href, HTTP_USER_AGENT=BROWSER)

    faq = FAQPage.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(f"{faq.url}#")
    assert response["Location"].split("#")[1] == faq.faq_items()[0]["anchor"]


def test_a_persian_result_redirects_to_the_persian_article(client, published):
    href = _links(client, "مرسوله", "fa")["مرسوله‌ام کجاست؟"]

    response = client.get(href, HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 302
    assert response["Location"] == ArticlePage.objects.get(external_id="tracking.fa").url
    assert href.startswith("/fa/help/search/go/")


def test_a_tampered_token_is_not_found_and_counts_nothing(client, published):
    href = _links(client, "parcel")["Where is my parcel?"]
    token = href.removeprefix("/en/help/search/go/").removesuffix("/")
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    other_page = result_token(search_id=SearchQuery.objects.get().pk, page_id=FAQPage.objects.get().pk)
    swapped = other_page.split(":", 1)[0] + ":" + token.split(":", 1)[1]  # another page, this link's signature

    responses = [
        client.get(reverse("kb_search:go", args=[bad]), HTTP_USER_AGENT=BROWSER) for bad in (forged, swapped, "x:y:z")
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert SearchQuery.objects.get().clicks == 0


def test_a_link_older_than_a_day_is_not_found(client, published):
    href = _links(client, "parcel")["Where is my parcel?"]

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        response = client.get(href, HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 404
    assert SearchQuery.objects.get().clicks == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"HTTP_USER_AGENT": ""},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_DNT": "1"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_SEC_GPC": "1"},
    ],
    ids=["bot", "no-user-agent", "dnt", "gpc"],
)
def test_bots_and_readers_who_opted_out_are_redirected_without_a_count(client, published, headers):
    href = _links(client, "parcel")["Where is my parcel?"]

    response = client.get(href, **headers)

    assert response.status_code == 302 and response["Location"] == published.url
    assert SearchQuery.objects.get().clicks == 0


def test_a_result_whose_article_was_unpublished_is_not_found(client, published):
    href = _links(client, "parcel")["Where is my parcel?"]
    published.unpublish()

    response = client.get(href, HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 404
    assert SearchQuery.objects.get().clicks == 0


def test_two_clicks_on_one_search_count_twice_and_other_searches_are_untouched(client, published):
    first = _links(client, "parcel")["Where is my parcel?"]
    _links(client, "courier")

    client.get(first, HTTP_USER_AGENT=BROWSER)
    client.get(first, HTTP_USER_AGENT=BROWSER)

    assert list(SearchQuery.objects.order_by("created_at").values_list("query", "clicks")) == [
        ("parcel", 2),
        ("courier", 0),
    ]


def test_the_redirect_only_answers_get(client, published):
    href = _links(client, "parcel")["Where is my parcel?"]

    assert client.post(href, HTTP_USER_AGENT=BROWSER).status_code == 405
    assert SearchQuery.objects.get().clicks == 0


@pytest.mark.usefixtures("rate_window")
def test_past_the_rate_limit_links_still_work_but_stop_counting(client, published):
    allowed = int(CLICK_RATE_PER_IP.split("/")[0])
    href = _links(client, "parcel")["Where is my parcel?"]

    statuses = {client.get(href, HTTP_USER_AGENT=BROWSER).status_code for _ in range(allowed + 5)}

    assert statuses == {302}
    assert SearchQuery.objects.get().clicks == allowed
