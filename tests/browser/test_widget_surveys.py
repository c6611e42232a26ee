"""The widget's surveys in English and Persian: the exit-intent question on a shop's page; chats rated good or bad."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from chat.bot import CONNECTING, GREETING
from chat.models import Conversation
from chat.services import agent_presence_beat
from surveys.models import ExitIntentAnswer, ExitReason, RatingScale, SurveySettings

from .chat_helpers import chat_window, launcher, transcript
from .i18n import translated
from .ticket_helpers import beside_the_browser, normal_sla_around_the_clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("en", "ltr"), ("fa", "rtl")]
ARMING_MS = 3200  # the loader asks nobody in their first 3 seconds on a page (ARM_AFTER_MS in loader.js)
COMMENTS = {"en": "Delivery costs more than the tea.", "fa": "هزینه ارسال از خود چای بیشتر است."}

# A shop's product page on its own site, embedding the loader the way docs/widget.md tells shops to: without
# labels on the tag, so the loader reads launcher.json (and with it whether to ask the exit-intent question).
# The help centre's own pages carry the labels on the tag and never read launcher.json.
SHOP = "http://shop.localhost"
SHOP_PAGE = """<!doctype html>
<html lang="{language}" dir="{direction}">
<head><meta charset="utf-8"><title>Saffron tea</title></head>
<body>
<h1>Saffron tea</h1>
<p>{language}: 250 g</p>
<script src="{helpdesk}/static/widget/loader.js" data-locale="{language}" async></script>
</body>
</html>
"""

# Recorded in the shop's page: each time the pointer leaves the document through its top edge.
WATCH_LEAVING = """() => {
  window.leftThroughTop = 0;
  document.addEventListener("mouseout", (event) => {
    if (!event.relatedTarget && event.clientY <= 0) window.leftThroughTop += 1;
  });
}"""


def said(language: str, text) -> str:
    """What the bot says in this language (its sentences are lazy translations)."""
    with translation.override(language):
        return str(text)


@pytest.fixture
def exit_intent_on(exit_reasons):
    """The question switched on, with the default exit reasons."""
    SurveySettings.objects.update_or_create(pk=1, defaults={"exit_intent_enabled": True})
    return exit_reasons


def open_shop_page(page, helpdesk: str, language: str, direction: str, path: str = "/products/saffron-tea"):
    """Serve the shop's page from the shop's own origin and open it; wait for the loader's launcher."""
    html = SHOP_PAGE.format(language=language, direction=direction, helpdesk=helpdesk)
    page.route(f"{SHOP}/**", lambda route: route.fulfill(content_type="text/html; charset=utf-8", body=html))
    # The shop's page reaches the helpdesk on this machine's loopback: Chromium asks the visitor first.
    page.context.grant_permissions(["local-network-access"], origin=SHOP)
    page.goto(SHOP + path + "?utm_source=newsletter")
    expect(launcher(page, language)).to_be_visible()
    page.evaluate(WATCH_LEAVING)


def leave_through_the_top(page) -> None:
    """Move the pointer up out of the viewport, as a visitor heading for the tabs or the address bar does."""
    left = page.evaluate("window.leftThroughTop")
    page.mouse.move(400, 5)
    page.mouse.move(400, -10)
    page.wait_for_function("(left) => window.leftThroughTop > left", arg=left)


def exit_frame(page, language: str):
    return page.locator(f'iframe[title="{translated(language, "A quick question")}"]')


def exit_question(page, language: str):
    return page.frame_locator(f'iframe[title="{translated(language, "A quick question")}"]')


@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
def test_a_visitor_leaving_a_shops_page_answers_the_exit_question_once_and_is_not_asked_again(
    page, screenshot, live_daphne, exit_intent_on, language, direction
):
    price = exit_intent_on["price"]

    # Given a visitor who has been on a shop's page with the widget for a few seconds
    open_shop_page(page, live_daphne.url, language, direction)
    expect(exit_frame(page, language)).to_have_count(0)
    page.wait_for_timeout(ARMING_MS)

    # When their pointer leaves the page through its top edge
    leave_through_the_top(page)

    # Then the question opens over the page, in their language and direction, centred
    frame = exit_frame(page, language)
    expect(frame).to_be_visible()
    question = exit_question(page, language)
    expect(question.locator("html")).to_have_attribute("lang", language)
    expect(question.locator("html")).to_have_attribute("dir", direction)
    reasons = question.get_by_role("group", name=translated(language, "Before you go: what stopped you today?"))
    expect(reasons.get_by_role("radio")).to_have_count(ExitReason.objects.filter(active=True).count())
    box, width = frame.bounding_box(), page.viewport_size["width"]
    assert abs(box["x"] + box["width"] / 2 - width / 2) <= 1
    screenshot(f"exit-intent-question-{language}")

    # When they pick a reason, add a comment and send it
    reasons.get_by_role("radio", name=price.label(language), exact=True).check()
    question.get_by_label(translated(language, "Anything else? (optional)")).fill(COMMENTS[language])
    question.get_by_role("button", name=translated(language, "Send"), exact=True).click()

    # Then they are thanked, and their answer is kept with the page's path (not its query) and no visitor id
    expect(question.get_by_role("heading", name=translated(language, "Thank you!"))).to_be_visible()
    answer = ExitIntentAnswer.objects.get()
    assert (answer.reason, answer.comment, answer.locale, answer.page) == (
        price,
        COMMENTS[language],
        language,
        "/products/saffron-tea",
    )
    visitor = page.evaluate("localStorage.getItem('helpdesk-visitor')")
    assert len(visitor) == 32 and answer.visitor_hash != visitor

    # When they press "Close", the frame goes
    question.get_by_role("button", name=translated(language, "Close"), exact=True).click()
    expect(frame).to_have_count(0)

    # When they come back to the page later and leave it the same way
    page.reload()
    expect(launcher(page, language)).to_be_visible()
    page.evaluate(WATCH_LEAVING)
    page.wait_for_timeout(ARMING_MS)
    leave_through_the_top(page)

    # Then they are not asked again (the loader remembers for 30 days), and nothing more is kept
    expect(exit_frame(page, language)).to_have_count(0)
    assert ExitIntentAnswer.objects.count() == 1


@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
def test_on_the_good_or_bad_scale_a_visitor_ends_a_chat_and_rates_it_bad(
    page, screenshot, agent_sara, language, direction
):
    SurveySettings.objects.update_or_create(pk=1, defaults={"rating_scale": RatingScale.BINARY})
    normal_sla_around_the_clock()  # the chat's opening hours never close

    # Given a visitor on the help centre who asks the widget for a person while Sara is online
    page.goto(f"/{language}/help/")
    launcher(page, language).click()
    window = chat_window(page, language)
    expect(window.locator("html")).to_have_attribute("dir", direction)
    log = transcript(window, language)
    expect(log).to_contain_text(said(language, GREETING))
    beside_the_browser(agent_presence_beat, agent=agent_sara)
    log.get_by_role("button", name=translated(language, "Talk to a person")).click()
    expect(log).to_contain_text(said(language, CONNECTING))

    # When they end the chat themselves
    window.get_by_role("button", name=translated(language, "End chat")).click()

    # Then the rating offers only "Good" and "Bad"
    expect(window.locator("#hc-status")).to_have_text(translated(language, "This chat has ended."))
    rating = window.get_by_role("group", name=translated(language, "How did we do in this chat?"))
    expect(rating.get_by_role("radio")).to_have_count(2)
    good = rating.get_by_role("radio", name=translated(language, "Good"), exact=True)
    bad = rating.get_by_role("radio", name=translated(language, "Bad"), exact=True)
    expect(good).to_be_visible()
    expect(bad).to_be_visible()
    screenshot(f"chat-rating-good-or-bad-{language}")

    # When they choose "Bad" and send it
    bad.check()
    window.get_by_role("button", name=translated(language, "Send rating")).click()

    # Then they are thanked, and the chat is rated 1, the bottom of the scale
    thanks = translated(language, "Thank you for rating this chat. It helps us get better.")
    expect(window.get_by_text(thanks)).to_be_visible()
    expect(rating).to_be_hidden()
    assert Conversation.objects.get().rating == 1
