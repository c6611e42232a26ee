"""GET /api/v1/kb/search (kb/FORMAT.md) and GET /api/v1/kb/articles/<id>: public, JSON, rate-limited."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from kb import api, search
from kb.models import ArticlePage, SearchQuery

from .search_support import article, exchange_record, import_articles, search_index  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index")]

SEARCH = "/api/v1/kb/search"


@pytest.fixture
def indexed():
    search.index_articles(
        [
            article("gift-wrap.en", "Can I have my order gift-wrapped?", summary="Gift wrapping for a small fee."),
            article("gift-cards.en", "Gift cards", body="A gift card never expires. Wrap it yourself."),
            article("gift-wrap.fa", "آیا می‌توانم سفارشم را کادوپیچ کنم؟", summary="بیشتر کالاها کادوپیچ می‌شوند."),
            article("refunds.en", "Returns and refunds", body="We refund your card within five days."),
        ]
    )


def test_search_answers_in_the_exchange_format_best_match_first(client, indexed):
    response = client.get(SEARCH, {"q": "gift wrap", "locale": "en"})

    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "gift wrap"
    assert [result["id"] for result in body["results"]] == ["gift-wrap.en", "gift-cards.en"]
    first = body["results"][0]
    assert set(first) == {"id", "title", "url", "locale", "snippet"}
    assert first == {
        "id": "gift-wrap.en",
        "title": "Can I have my order gift-wrapped?",
        "url": "http://testserver/en/help/gift-wrap.en/",
        "locale": "en",
        "snippet": "Gift wrapping for a small fee.",
    }


def test_search_with_a_locale_returns_only_that_language_and_without_one_all(client, indexed):
    persian = client.get(SEARCH, {"q": "کادوپیچ", "locale": "fa"}).json()["results"]
    everywhere = client.get(SEARCH, {"q": "کادوپیچ gift"}).json()["results"]

    assert [result["id"] for result in persian] == ["gift-wrap.fa"]
    assert {result["locale"] for result in everywhere} == {"en", "fa"}


def test_a_regional_locale_means_its_language(client, indexed):
    response = client.get(SEARCH, {"q": "کادوپیچ", "locale": "fa-IR"})

    assert [result["id"] for result in response.json()["results"]] == ["gift-wrap.fa"]


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "NOT NOT "}, {"q": "((((("}])
def test_an_empty_or_unparseable_query_is_a_200_with_no_results(client, indexed, params):
    response = client.get(SEARCH, params)

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_limit_is_clamped_between_1_and_50(client, indexed):
    search.index_articles([article(f"voucher-{n}.en", f"Gift voucher {n}") for n in range(60)])

    assert len(client.get(SEARCH, {"q": "gift"}).json()["results"]) == 10
    assert len(client.get(SEARCH, {"q": "gift", "limit": "0"}).json()["results"]) == 1
    assert len(client.get(SEARCH, {"q": "gift", "limit": "-5"}).json()["results"]) == 1
    assert len(client.get(SEARCH, {"q": "gift", "limit": "1000"}).json()["results"]) == 50


@pytest.mark.parametrize(("params", "field"), [({"limit": "ten"}, "limit"), ({"locale": "de"}, "locale")])
def test_a_limit_that_is_not_a_number_or_an_unknown_locale_is_a_400(client, indexed, params, field):
    response = client.get(SEARCH, {"q": "gift", **params})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]


def test_search_needs_no_key_and_ignores_a_bad_one(client, indexed):
    response = client.get(SEARCH, {"q": "refund"}, headers={"Authorization": "Bearer hd_nope_nope"})

    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == ["refunds.en"]


def test_each_search_is_recorded_for_the_failed_search_report(client, indexed):
    client.get(SEARCH, {"q": "refund", "locale": "en"})
    client.get(SEARCH, {"q": "teleport my parcel", "locale": "fa"})
    client.get(SEARCH, {"q": ""})
    client.get(SEARCH, {"q": "refu", "suggest": "true"})  # still typing: not a search yet

    recorded = list(SearchQuery.objects.order_by("created_at").values_list("query", "locale", "result_count", "source"))
    assert recorded == [("refund", "en", 1, "api"), ("teleport my parcel", "fa", 0, "api")]


@pytest.mark.usefixtures("rate_window")
def test_too_many_searches_from_one_address_are_a_429(client, indexed, monkeypatch):
    monkeypatch.setattr(api, "API_RATE_PER_IP", "2/m")

    statuses = [client.get(SEARCH, {"q": "gift"}).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert client.get(SEARCH, {"q": "gift"}).json()["error"]["code"] == "rate_limited"


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_articles(
            exchange_record(
                "gift-wrap.en",
                "Can I have my order gift-wrapped?",
                "## Gift wrapping\n\nTick **Gift wrap** at checkout.\n\n<script>alert(1)</script>",
                summary="Gift wrapping is available on most items.",
                tags=["gift", "wrapping"],
            ),
            exchange_record("gift-wrap.fa", "کادوپیچ", "هنگام پرداخت **کادوپیچ** را انتخاب کنید.", key="gift-wrap"),
        )
    return ArticlePage.objects.get(external_id="gift-wrap.en")


def test_article_detail_gives_the_article_for_the_widget_and_the_bot(client, published):
    response = client.get(reverse("api:kb_article", args=["gift-wrap.en"]))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == "gift-wrap.en"
    assert (body["locale"], body["title"]) == ("en", "Can I have my order gift-wrapped?")
    assert body["summary"] == "Gift wrapping is available on most items."
    assert body["url"] == "http://testserver" + published.public_path()
    assert body["tags"] == ["gift", "wrapping"]
    assert body["translations"] == {"en": "gift-wrap.en", "fa": "gift-wrap.fa"}
    assert "Tick Gift wrap at checkout." in body["body_text"]
    assert "<strong>Gift wrap</strong>" in body["body_html"]
    assert "<script" not in body["body_html"]


def test_article_detail_of_an_unknown_or_unpublished_article_is_a_404(client, published):
    published.unpublish()

    for article_id in ("gift-wrap.en", "nope.en"):
        response = client.get(reverse("api:kb_article", args=[article_id]))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_the_search_results_lead_to_the_article_detail(client, published):
    found = client.get(SEARCH, {"q": "gift wrap", "locale": "en"}).json()["results"][0]

    detail = client.get(reverse("api:kb_article", args=[found["id"]])).json()

    assert detail["url"] == found["url"]


def test_the_openapi_schema_documents_both_public_endpoints():
    from io import StringIO

    import yaml

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    paths = yaml.safe_load(out.getvalue())["paths"]

    search_get = paths["/api/v1/kb/search"]["get"]
    assert {parameter["name"] for parameter in search_get["parameters"]} == {"q", "locale", "limit", "suggest"}
    assert set(search_get["responses"]) == {"200", "400", "429"}
    assert "security" not in search_get  # public: no key
    assert set(paths["/api/v1/kb/articles/{article_id}"]["get"]["responses"]) == {"200", "404", "429"}
