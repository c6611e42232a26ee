"""The chat widget's pages: the framed chat window, the launcher's words, the bundle sizes, and the KB pages' loader."""

import gzip
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kb.exchange import import_bytes
from tests.kb.kb_pages import article, faq_page, import_articles, page

pytestmark = pytest.mark.django_db

WIDGET = Path(settings.BASE_DIR) / "static" / "widget"
LOADER_BUDGET = 10 * 1024
CHAT_BUDGET = 50 * 1024
DEMO_FAQ = Path(settings.BASE_DIR) / "kb" / "demo" / "faq.json"
LOADER_TAG = re.compile(r'<script src="/static/widget/loader\.js" async data-locale="(?P<locale>\w+)"[^>]*></script>')


def gzipped_size(*names: str) -> int:
    return sum(len(gzip.compress((WIDGET / name).read_bytes(), compresslevel=9)) for name in names)


def chat_config(html: str) -> dict:
    found = re.search(r'<script id="helpdesk-chat-config" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page carries no chat config"
    return json.loads(found.group(1))


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("fa", "rtl"), ("ar", "rtl")])
def test_the_chat_window_speaks_the_visitors_language_and_direction(client, language, direction):
    response = client.get(f"/{language}/chat/widget/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in html
    with translation.override(language):
        words = translation.gettext
        assert f'<h1 class="hc-title">{words("Help")}</h1>' in html
        assert f">{words('Chat')}</button>" in html
        assert f'<label for="hc-q">{words("Search the help centre")}</label>' in html
        assert f'class="visually-hidden">{words("Your message")}</label>' in html
        assert f"<legend>{words('How did we do in this chat?')}</legend>" in html
    config = chat_config(html)
    assert config["locale"] == language and config["v"] == 1
    assert config["socket"] == "/ws/chat/"
    assert config["search"] == reverse("api:kb_search")
    with translation.override(language):
        assert config["strings"]["seen"] == translation.gettext("Seen")
    assert ("Vazirmatn-Regular.woff2" in html) is (direction == "rtl")
    assert '<script src="/static/widget/chat.js" defer></script>' in html
    assert '<link rel="stylesheet" href="/static/widget/chat.css">' in html


def test_the_chat_window_may_be_framed_by_any_site_and_other_pages_may_not(client):
    widget = client.get("/en/chat/widget/")
    home = client.get("/en/")
    help_centre = client.get("/en/help/search/")

    assert widget.status_code == 200 and "X-Frame-Options" not in widget.headers
    assert home.headers["X-Frame-Options"] == "DENY"
    assert help_centre.headers["X-Frame-Options"] == "DENY"
    assert client.get("/en/chat/widget/launcher.json").headers["X-Frame-Options"] == "DENY"


def test_the_chat_window_only_answers_get(client):
    response = client.post("/en/chat/widget/")

    assert response.status_code == 405


def test_without_scripts_the_chat_window_still_offers_search_and_a_ticket(client):
    html = client.get("/en/chat/widget/").content.decode()

    noscript = html.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert "The chat needs JavaScript." in noscript
    assert f'<a href="{reverse("tickets:new")}" target="_top">Open a ticket</a>' in noscript
    assert f'<form role="search" id="hc-search-form" action="{reverse("kb_search:results")}" method="get">' in html
    search_panel = html.split('id="hc-search"', 1)[1].split(">", 1)[0]
    assert "hidden" not in search_panel


@pytest.mark.parametrize("language", ["en", "ar", "fa"])
def test_the_launchers_words_come_in_each_language_for_any_origin(client, language):
    response = client.get(f"/{language}/chat/widget/launcher.json", HTTP_ORIGIN="https://shop.example")

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=3600" in response.headers["Cache-Control"]
    with translation.override(language):
        assert response.json() == {
            "launcher": translation.gettext("Chat with us"),
            "frame": translation.gettext("Help chat"),
            "unread": translation.gettext("New messages"),
            "exit_frame": translation.gettext("A quick question"),
            "exit_intent": False,  # the surveys' exit-intent question is off by default
        }


def test_the_loader_stays_under_10_kb_gzipped():
    size = gzipped_size("loader.js")

    assert 0 < size <= LOADER_BUDGET, f"loader.js is {size} bytes gzipped"


def test_the_chat_window_script_and_styles_stay_under_50_kb_gzipped():
    size = gzipped_size("chat.js", "chat.css")

    assert 0 < size <= CHAT_BUDGET, f"chat.js + chat.css are {size} bytes gzipped"


def test_the_widget_scripts_never_write_html_or_carry_words():
    """Bodies go in as text, and every word a person reads comes from the helpdesk's translations."""
    for name in ("loader.js", "chat.js"):
        source = (WIDGET / name).read_text()
        assert "innerHTML" not in source and "insertAdjacentHTML" not in source and "outerHTML" not in source
        assert 'postMessage(message, "*")' not in source and "'*'" not in source
    # The only quoted words in chat.js are frame types, codes, tags and CSS names, never sentences.
    sentences = re.findall(r'"([A-Z][a-z]+ [a-z]+[^"]*)"', (WIDGET / "chat.js").read_text())
    assert sentences == []


def test_the_widget_styles_use_logical_properties_only():
    for name in ("chat.css",):
        css = (WIDGET / name).read_text()
        assert not re.search(r"(?<![-\w])(left|right)\s*:", css)
        assert not re.search(r"(margin|padding|border)-(left|right)", css)
    loader = (WIDGET / "loader.js").read_text()
    assert not re.search(r"(?<![-\w])(left|right)\s*:", loader)


def _loader_locale(html: str) -> str:
    found = LOADER_TAG.search(html)
    assert found, "the page does not load the chat widget"
    return found.group("locale")


def test_every_help_centre_page_loads_the_widget_in_its_language(client):
    import_articles(
        article("gift-wrap.en", title="Gift wrapping"),
        article("gift-wrap.fa", "fa", title="کادوپیچی"),
    )
    import_bytes(DEMO_FAQ.read_bytes())
    persian = page("gift-wrap.fa")
    pages = {
        "/en/help/": "en",
        "/fa/help/": "fa",
        page("gift-wrap.en").url: "en",
        persian.url: "fa",
        persian.get_parent().url: "fa",
        faq_page("faq.fa").url: "fa",
        "/fa/help/search/?q=کادو": "fa",
        "/en/help/search/": "en",
    }

    for url, language in pages.items():
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert _loader_locale(html) == language, url
        with translation.override(language):
            assert f'data-label-launcher="{translation.gettext("Chat with us")}"' in html, url
        assert html.count("/static/widget/loader.js") == 1, url


def test_chat_with_us_opens_the_widget_and_without_scripts_goes_to_the_chat_window(client):
    import_articles(article("gift-wrap.fa", "fa", title="کادوپیچی"))

    html = client.get(page("gift-wrap.fa").url).content.decode()

    with translation.override("fa"):
        link = f'<a class="button" href="{reverse("chat:widget")}" data-helpdesk-chat-open>'
        assert link == '<a class="button" href="/fa/chat/widget/" data-helpdesk-chat-open>'
        assert link + translation.gettext("Chat with us") + "</a>" in html
