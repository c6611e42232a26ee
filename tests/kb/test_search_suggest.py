"""static/js/kb-suggest.js in Chromium: a debounced, keyboard-driven combobox over the search API.

The page, the script and the API are served by Playwright's router, so no server is needed.
"""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/lib/chromium/chromium")
ORIGIN = "http://kb.test"
PAGE = """<!doctype html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8">
<link rel="stylesheet" href="/static/css/app.css"><link rel="stylesheet" href="/static/css/kb-search.css"></head>
<body>
<form role="search" action="/fa/help/search/" method="get">
  <label for="kb-q">جستجو در مرکز راهنما</label>
  <input type="search" id="kb-q" name="q" autocomplete="off" dir="auto">
  <button type="submit">جستجو</button>
</form>
<script src="/static/js/kb-suggest.js" defer data-input="kb-q" data-api="/api/v1/kb/search" data-locale="fa"
        data-found="پیشنهادها زیر جعبهٔ جستجو هستند." data-none="پیشنهادی نیست."></script>
</body></html>"""
RESULTS = [
    {"id": f"{slug}.fa", "title": title, "url": f"{ORIGIN}/fa/help/{slug}/", "locale": "fa", "snippet": ""}
    for slug, title in (("tracking", "سفارشم کجاست؟"), ("refunds", "بازگشت وجه"))
]


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        page.set_default_timeout(10_000)
        yield page
        browser.close()


@pytest.fixture
def api_calls(page):
    calls = []
    static = Path(settings.BASE_DIR) / "static"

    def api(route):
        query = parse_qs(urlparse(route.request.url).query)
        calls.append(query)
        results = RESULTS if "نه" not in query["q"][0] else []
        route.fulfill(content_type="application/json", body=json.dumps({"query": query["q"][0], "results": results}))

    page.route(f"{ORIGIN}/api/v1/kb/search*", api)
    page.route(f"{ORIGIN}/static/**", lambda route: route.fulfill(path=static / urlparse(route.request.url).path[8:]))
    article = "<!doctype html><title>مقاله</title>"
    page.route(f"{ORIGIN}/fa/help/**", lambda route: route.fulfill(content_type="text/html", body=article))
    page.route(f"{ORIGIN}/", lambda route: route.fulfill(content_type="text/html", body=PAGE))
    page.goto(f"{ORIGIN}/")
    return calls


def test_typing_shows_suggestions_once_the_typist_pauses(page, api_calls):
    box = page.get_by_role("combobox")
    # The page's clock stands still while the letters are typed, so a slow machine cannot make a
    # pause between two of them; then it moves on past the typing pause.
    page.clock.install()
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)

    box.press_sequentially("مرسوله", delay=30)
    assert api_calls == []  # no request while typing
    page.clock.run_for(500)
    options = page.get_by_role("option")
    options.first.wait_for()

    assert box.get_attribute("aria-expanded") == "true"
    assert options.all_inner_texts()[0].startswith("سفارشم کجاست؟")
    assert len(api_calls) == 1  # one request after the pause, not one per letter
    assert api_calls[0] == {"suggest": ["true"], "limit": ["6"], "q": ["مرسوله"], "locale": ["fa"]}
    assert page.get_by_role("status").inner_text() == "پیشنهادها زیر جعبهٔ جستجو هستند."


def test_the_keyboard_moves_through_the_suggestions_and_escape_closes_them(page, api_calls):
    box = page.get_by_role("combobox")
    box.press_sequentially("مرسوله", delay=30)
    page.get_by_role("option").first.wait_for()

    box.press("ArrowDown")
    first = box.get_attribute("aria-activedescendant")
    box.press("ArrowDown")
    second = box.get_attribute("aria-activedescendant")
    box.press("ArrowDown")  # past the last one: back to the text box
    back = box.get_attribute("aria-activedescendant")
    box.press("Escape")

    assert (first, second, back) == ("kb-q-suggestions-0", "kb-q-suggestions-1", None)
    assert page.locator("#kb-q-suggestions-1").get_attribute("aria-selected") == "false"
    assert box.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("listbox", include_hidden=True).is_hidden()


def test_enter_on_a_suggestion_opens_its_article(page, api_calls):
    box = page.get_by_role("combobox")
    box.press_sequentially("مرسوله", delay=30)
    page.get_by_role("option").first.wait_for()

    box.press("ArrowDown")
    box.press("ArrowDown")
    with page.expect_navigation():
        box.press("Enter")

    assert page.url == f"{ORIGIN}/fa/help/refunds/"


def test_no_suggestions_keeps_the_list_closed_and_says_so(page, api_calls):
    box = page.get_by_role("combobox")

    box.press_sequentially("نهنگ", delay=30)
    page.wait_for_function("document.querySelector('[role=status]').textContent !== ''")

    assert box.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("status").inner_text() == "پیشنهادی نیست."


def test_enter_without_a_highlighted_suggestion_submits_the_form(page, api_calls):
    box = page.get_by_role("combobox")
    box.press_sequentially("مرسوله", delay=30)
    page.get_by_role("option").first.wait_for()

    with page.expect_navigation():
        box.press("Enter")

    assert page.url.startswith(f"{ORIGIN}/fa/help/search/?q=")
