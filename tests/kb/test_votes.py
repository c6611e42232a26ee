""" "Was this helpful?": stored per article and language, works without JavaScript, resists abuse."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from kb.models import ArticleVote
from kb.views import VOTE_RATE_PER_IP
from tests.kb.kb_pages import article, import_articles, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    import_articles(article("gift-wrap.en"), article("gift-wrap.fa", "fa"))
    return page("gift-wrap.en"), page("gift-wrap.fa")


def _vote_url(target, language="en"):
    from django.utils import translation

    with translation.override(language):
        return reverse("kb:vote", args=[target.pk])


def test_a_yes_vote_is_stored_for_the_article_in_its_language(client, articles):
    _english, persian = articles

    response = client.post(_vote_url(persian, "fa"), {"helpful": "yes"})

    assert response.status_code == 302
    assert response["Location"] == persian.url + "#feedback"
    vote = ArticleVote.objects.get()
    assert (vote.article_id, vote.locale, vote.helpful, vote.reason, vote.comment) == (persian.pk, "fa", True, "", "")


def test_a_no_vote_keeps_the_reason_and_a_plain_text_comment(client, articles):
    english, _persian = articles

    client.post(
        _vote_url(english),
        {"helpful": "no", "reason": "outdated", "comment": "  Price is <b>wrong</b><script>x()</script>  "},
    )

    vote = ArticleVote.objects.get()
    assert (vote.helpful, vote.reason, vote.comment, vote.locale) == (False, "outdated", "Price is wrong", "en")


def test_the_no_javascript_form_on_the_page_works_and_thanks_the_reader(articles):
    english, _persian = articles
    browser = Client(enforce_csrf_checks=True)
    html = browser.get(english.url).content.decode()
    form = html.split('<section id="feedback"', 1)[1]
    action = re.search(r'<form method="post" action="([^"]+)"', form).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    response = browser.post(action, {"csrfmiddlewaretoken": token, "helpful": "no", "reason": "unclear"}, follow=True)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Thank you for your feedback." in text
    assert "Thanks for your feedback" in text and "Was this article helpful?" not in text
    assert ArticleVote.objects.filter(article=english, helpful=False, reason="unclear").count() == 1


def test_voting_twice_from_one_browser_counts_once(client, articles):
    english, _persian = articles

    client.post(_vote_url(english), {"helpful": "yes"})
    client.post(_vote_url(english), {"helpful": "no"})

    assert ArticleVote.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Please choose Yes or No."),
        ({"helpful": "maybe"}, "Please choose Yes or No."),
        ({"helpful": "no", "reason": "because"}, "Please pick one of the reasons listed."),
        ({"helpful": "no", "comment": "x" * 1001}, "Please keep your comment under 1000 characters."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(client, articles, data, message):
    english, _persian = articles

    response = client.post(_vote_url(english), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and english.url + "#feedback" in html
    assert not ArticleVote.objects.exists()


def test_votes_must_be_posted(client, articles):
    english, _persian = articles

    assert client.get(_vote_url(english)).status_code == 405


def test_votes_need_the_csrf_token(articles):
    english, _persian = articles

    response = Client(enforce_csrf_checks=True).post(_vote_url(english), {"helpful": "yes"})

    assert response.status_code == 403
    assert not ArticleVote.objects.exists()


def test_only_live_articles_take_votes(client, articles):
    english, _persian = articles
    english.unpublish()

    assert client.post(_vote_url(english), {"helpful": "yes"}).status_code == 404
    assert client.post(reverse("kb:vote", args=[999_999]), {"helpful": "yes"}).status_code == 404
    assert not ArticleVote.objects.exists()


@pytest.mark.usefixtures("rate_window")
def test_voting_is_rate_limited_per_address(articles):
    english, _persian = articles
    allowed = int(VOTE_RATE_PER_IP.split("/")[0])
    for _ in range(allowed):
        assert Client().post(_vote_url(english), {"helpful": "yes"}).status_code == 302

    response = Client().post(_vote_url(english), {"helpful": "yes"})

    assert response.status_code == 429
    assert ArticleVote.objects.count() == allowed
