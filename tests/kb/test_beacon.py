"""The article beacon: a small script, a strict and limited endpoint, anonymous rows, short retention."""

import gzip
import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from helpdesk.core.schedule import JOBS
from kb.beacon import MAX_BODY_BYTES, MAX_EVENTS
from kb.models import ArticleEvent
from kb.views import BEACON_RATE_PER_IP
from tests.kb.kb_pages import article, import_articles, page

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "kb-beacon.js"
SESSION = "k3Jd9_aZ-0qLm2Xv8TnR4w"
BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
URL = "/kb/beacon"


@pytest.fixture
def gift_wrap():
    import_articles(article("gift-wrap.en"), article("gift-wrap.fa", "fa"))
    return page("gift-wrap.fa")


def _post(client, payload, *, content_type="text/plain;charset=UTF-8", user_agent=BROWSER, **headers):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(URL, body, content_type=content_type, HTTP_USER_AGENT=user_agent, **headers)


def _batch(*events, session=SESSION):
    return {"session": session, "events": list(events)}


def _reading(target):
    base = {"article": target.pk, "locale": "fa"}
    return [
        {"kind": "view", **base},
        {"kind": "engaged", "value": 42, **base},
        {"kind": "scroll", "value": 80, **base},
        {"kind": "vote", "value": 1, **base},
        {"kind": "next", "next": "ticket", **base},
    ]


def test_the_script_stays_under_two_kilobytes_gzipped():
    assert len(gzip.compress(SCRIPT.read_bytes(), compresslevel=9)) <= 2048


def _beacon_tag(target, *, preview=False):
    request = RequestFactory().get(target.url)
    request.is_preview = preview
    context = {"page": target, "breadcrumbs": list(target.get_ancestors().filter(depth__gt=1)), "request": request}
    return render_to_string("kb/_beacon.html", context, request=request)


def test_the_beacon_tag_is_deferred_and_names_the_endpoint_article_and_language(gift_wrap):
    tag = _beacon_tag(gift_wrap)

    assert 'src="/static/js/kb-beacon.js" defer ' in tag
    assert f'data-endpoint="{reverse("kb_beacon")}"' in tag and f'data-article="{gift_wrap.pk}"' in tag
    assert 'data-locale="fa"' in tag and 'data-help="/fa/help/"' in tag
    assert _beacon_tag(gift_wrap, preview=True).strip() == ""


def test_the_article_page_marks_votes_and_next_actions_for_the_beacon(client, gift_wrap):
    html = client.get(gift_wrap.url).content.decode()

    assert 'data-kb-vote="1"' in html and 'data-kb-vote="0"' in html and 'data-kb-next="ticket"' in html


def test_the_home_page_does_not_load_the_script(client, gift_wrap):
    assert "kb-beacon.js" not in client.get("/en/help/").content.decode()


def test_a_valid_batch_is_stored_without_ip_user_agent_or_user(client, gift_wrap):
    response = _post(client, _batch(*_reading(gift_wrap)), REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 204
    rows = ArticleEvent.objects.order_by("pk").values_list("session", "article", "locale", "kind", "value", "next_kind")
    assert list(rows) == [
        (SESSION, gift_wrap.pk, "fa", "view", None, ""),
        (SESSION, gift_wrap.pk, "fa", "engaged", 42, ""),
        (SESSION, gift_wrap.pk, "fa", "scroll", 80, ""),
        (SESSION, gift_wrap.pk, "fa", "vote", 1, ""),
        (SESSION, gift_wrap.pk, "fa", "next", None, "ticket"),
    ]
    event = ArticleEvent.objects.first()
    assert event.day == timezone.localdate()
    stored = {field.name for field in ArticleEvent._meta.fields}
    assert stored == {"id", "session", "article", "locale", "kind", "value", "next_kind", "created_at", "day"}
    assert "203.0.113.7" not in json.dumps(list(ArticleEvent.objects.values()), default=str)


def test_application_json_is_accepted_too(client, gift_wrap):
    response = _post(client, _batch(_reading(gift_wrap)[0]), content_type="application/json")

    assert response.status_code == 204 and ArticleEvent.objects.count() == 1


def test_the_article_decides_the_language_and_unknown_articles_are_ignored(client, gift_wrap):
    english = page("gift-wrap.en")
    events = [
        {"kind": "view", "article": english.pk, "locale": "fa"},
        {"kind": "view", "article": 999_999, "locale": "en"},
        {"kind": "contact", "article": None, "locale": "ar", "next": "chat"},
    ]

    assert _post(client, _batch(*events)).status_code == 204

    assert list(ArticleEvent.objects.order_by("pk").values_list("article", "locale", "kind")) == [
        (english.pk, "en", "view"),
        (None, "ar", "contact"),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (json.dumps([]).encode(), '"session" and "events"'),
        (json.dumps({"session": SESSION, "events": [], "ip": "1.2.3.4"}).encode(), '"session" and "events"'),
        (json.dumps(_batch({"kind": "view", "article": 1, "locale": "en"}, session="short")).encode(), '"session"'),
        (
            json.dumps(_batch({"kind": "view", "article": 1, "locale": "en"}, session="a" * 21 + "!")).encode(),
            '"session"',
        ),
        (json.dumps(_batch()).encode(), f"1 to {MAX_EVENTS} events"),
        (json.dumps(_batch(*[{"kind": "view", "article": 1, "locale": "en"}] * (MAX_EVENTS + 1))).encode(), "events"),
        (json.dumps(_batch({"kind": "click", "article": 1, "locale": "en"})).encode(), '"kind"'),
        (json.dumps(_batch({"kind": "view", "article": "1", "locale": "en"})).encode(), '"article"'),
        (json.dumps(_batch({"kind": "view", "article": None, "locale": "en"})).encode(), '"article"'),
        (json.dumps(_batch({"kind": "view", "article": 1, "locale": "de"})).encode(), '"locale"'),
        (json.dumps(_batch({"kind": "view", "article": 1, "locale": "en", "value": 3})).encode(), '"value"'),
        (json.dumps(_batch({"kind": "scroll", "article": 1, "locale": "en", "value": 101})).encode(), '"value"'),
        (json.dumps(_batch({"kind": "engaged", "article": 1, "locale": "en", "value": -1})).encode(), '"value"'),
        (json.dumps(_batch({"kind": "vote", "article": 1, "locale": "en", "value": True})).encode(), '"value"'),
        (json.dumps(_batch({"kind": "next", "article": 1, "locale": "en", "next": "home"})).encode(), '"next"'),
        (json.dumps(_batch({"kind": "contact", "article": 1, "locale": "en", "next": "search"})).encode(), '"next"'),
        (json.dumps(_batch({"kind": "view", "article": 1, "locale": "en", "user": "r@x.io"})).encode(), "only"),
    ],
)
def test_a_malformed_batch_is_refused_with_a_reason_and_nothing_is_stored(client, gift_wrap, body, message):
    response = _post(client, body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert message in response.json()["error"]["message"]
    assert not ArticleEvent.objects.exists()


def test_one_bad_event_refuses_the_whole_batch(client, gift_wrap):
    events = [*_reading(gift_wrap), {"kind": "scroll", "article": gift_wrap.pk, "locale": "fa", "value": 500}]

    response = _post(client, _batch(*events))

    assert response.status_code == 400 and "events[5]" in response.json()["error"]["message"]
    assert not ArticleEvent.objects.exists()


def test_a_body_over_the_cap_is_refused_with_413(client, gift_wrap):
    body = json.dumps(_batch(_reading(gift_wrap)[0])).encode()
    body = body[:-1] + b" " * (MAX_BODY_BYTES + 1 - len(body)) + b"}"

    response = _post(client, body)

    assert response.status_code == 413 and not ArticleEvent.objects.exists()


def test_other_content_types_and_methods_are_refused(client, gift_wrap):
    body = json.dumps(_batch(_reading(gift_wrap)[0])).encode()

    assert _post(client, body, content_type="application/x-www-form-urlencoded").status_code == 415
    assert client.get(URL, HTTP_USER_AGENT=BROWSER).status_code == 405
    assert not ArticleEvent.objects.exists()


def test_the_endpoint_needs_no_csrf_token(gift_wrap):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    assert _post(client, _batch(_reading(gift_wrap)[0])).status_code == 204


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0 Safari/537.36",
        "Slackbot-LinkExpanding 1.0",
        "Mozilla/5.0 (compatible; YandexSpider)",
        "WhatsApp link preview",
        "python-requests/2.32",
    ],
)
def test_bots_are_answered_but_not_counted(client, gift_wrap, user_agent):
    response = _post(client, _batch(*_reading(gift_wrap)), user_agent=user_agent)

    assert response.status_code == 204 and not ArticleEvent.objects.exists()


@pytest.mark.parametrize("header", [{"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}])
def test_do_not_track_and_global_privacy_control_are_honoured(client, gift_wrap, header):
    response = _post(client, _batch(*_reading(gift_wrap)), **header)

    assert response.status_code == 204 and not ArticleEvent.objects.exists()


def test_do_not_track_zero_still_counts(client, gift_wrap):
    assert _post(client, _batch(_reading(gift_wrap)[0]), HTTP_DNT="0").status_code == 204
    assert ArticleEvent.objects.count() == 1


@pytest.mark.usefixtures("rate_window")
def test_one_address_is_rate_limited(client, gift_wrap):
    allowed = int(BEACON_RATE_PER_IP.split("/")[0])
    body = _batch(_reading(gift_wrap)[0])
    statuses = [_post(client, body, REMOTE_ADDR="198.51.100.9").status_code for _ in range(allowed)]

    blocked = _post(client, body, REMOTE_ADDR="198.51.100.9")
    elsewhere = _post(client, body, REMOTE_ADDR="198.51.100.10")

    assert set(statuses) == {204} and blocked.status_code == 429 and elsewhere.status_code == 204
    assert ArticleEvent.objects.count() == allowed + 1


@override_settings(HELPDESK_KB_EVENTS_KEEP_DAYS=90)
def test_purge_deletes_only_events_past_the_retention_period(client, gift_wrap):
    _post(client, _batch(*_reading(gift_wrap)[:2]))
    old, recent = ArticleEvent.objects.order_by("pk")
    now = timezone.now()
    ArticleEvent.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=91))
    ArticleEvent.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=89))

    call_command("purge_kb_events", stdout=StringIO())

    assert list(ArticleEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_purge_runs_daily():
    assert any(job.command == "purge_kb_events" and job.every_seconds == 86400 for job in JOBS)


def test_events_for_restricted_or_unpublished_articles_are_dropped_in_two_queries(
    client, gift_wrap, django_assert_num_queries
):
    from wagtail.models import PageViewRestriction

    from kb.beacon import BeaconEvent
    from kb.services import article_events_record

    import_articles(article("returns.fa", "fa"), article("drafts.fa", "fa"), article("members.fa", "fa"))
    returns, drafts, members = page("returns.fa"), page("drafts.fa"), page("members.fa")
    drafts.unpublish()
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    events = [
        BeaconEvent(kind="view", article_id=target.pk, locale="fa") for target in (gift_wrap, returns, drafts, members)
    ]

    with django_assert_num_queries(2):  # the public articles, then one INSERT
        article_events_record(session=SESSION, events=events)
    assert set(ArticleEvent.objects.values_list("article", flat=True)) == {gift_wrap.pk, returns.pk}

    # A restriction higher up hides every article under it.
    PageViewRestriction.objects.create(page=returns.get_parent(), restriction_type=PageViewRestriction.LOGIN)
    ArticleEvent.objects.all().delete()
    article_events_record(session=SESSION, events=events)
    assert not ArticleEvent.objects.exists()
