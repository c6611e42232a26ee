"""A reader searches the help centre, opens an article and says it did not help, in English and Persian."""

import re
import time

import pytest
from playwright.sync_api import expect

from kb import search
from kb.indexing import searchable_documents
from kb.models import ArticleEvent, ArticlePage, ArticleVote, VoteReason
from kb.setup import HOME_TITLES
from tests.kb.kb_pages import article, import_articles

from .i18n import translated
from .ticket_helpers import sign_in_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RETURNS = {
    "en": article(
        "journey-returns.en",
        title="Returns and refunds",
        category="Returns",
        summary="Send most items back within 30 days of delivery and get a full refund.",
        body="## How to return an item\n\n1. Open **My orders**.\n2. Choose **Return items**.\n\n"
        "## Your refund\n\nWe refund your original payment method within 5 business days.",
        tags=["refund", "money back"],
    ),
    "fa": article(
        "journey-returns.fa",
        "fa",
        title="مرجوع کردن کالا و بازگشت وجه",
        category="مرجوعی",
        summary="تا ۷ روز پس از تحویل می‌توانید کالا را مرجوع کنید.",
        body="## شرایط مرجوعی\n\nکالای مرجوعی باید در بسته‌بندی اصلی باشد.\n\n"
        "## بازگشت وجه\n\nمبلغ ظرف ۳ روز کاری به کیف پول شما برمی‌گردد.",
        tags=["مرجوعی", "بازگشت وجه"],
    ),
}
OTHERS = [article("journey-gift-wrap.en"), article("journey-gift-wrap.fa", "fa")]

JOURNEYS = [
    # In Persian the reader types Arabic kaf and yeh (كالاي مرجوعي); the article spells them the Persian way.
    pytest.param("en", "ltr", "refund", ["refund"], "zebra crossing", id="en"),
    pytest.param("fa", "rtl", "كالاي مرجوعي", ["کالا", "مرجوع"], "هواپیمای بادبانی", id="fa"),
]


@pytest.fixture
def help_centre():
    """The returns article and a distractor in both languages, published by the importer and searchable."""
    import_articles(*RETURNS.values(), *OTHERS)
    # The live server reads the index in the shared data dir, which outlives the rows earlier tests
    # flushed: rebuild it (as `kb_reindex` does) so it holds exactly these pages.
    search.rebuild(searchable_documents())
    return RETURNS


@pytest.mark.parametrize(("language", "direction", "query", "marked", "nonsense"), JOURNEYS)
def test_reader_searches_opens_an_article_and_says_it_did_not_help(
    page, screenshot, help_centre, language, direction, query, marked, nonsense
):
    wanted = help_centre[language]
    html = page.locator("html")

    # Given a reader on the help centre's home in their language
    page.goto(f"/{language}/help/")
    expect(html).to_have_attribute("dir", direction)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_TITLES[language])

    # When they type into the search box, suggestions list the article as they type
    search_box = page.get_by_role("combobox", name=translated(language, "Search the help centre"))
    search_box.press_sequentially(query)
    suggestions = page.get_by_role("listbox")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("option").first).to_contain_text(wanted["title"])
    screenshot(f"kb-suggestions-{language}")

    # And when they press Enter, the results page lists it with the matched words highlighted
    search_box.press("Enter")
    expect(page).to_have_url(re.compile(rf"/{language}/help/search/\?q="))
    expect(html).to_have_attribute("dir", direction)
    result = page.locator(".kb-results > li").filter(has=page.get_by_role("link", name=wanted["title"], exact=True))
    expect(result).to_have_count(1)
    for word in marked:
        expect(result.locator("mark", has_text=word).first).to_be_visible()

    # When they open it, they see where they are and the article itself
    result.get_by_role("link", name=wanted["title"], exact=True).click()
    expect(html).to_have_attribute("dir", direction)
    breadcrumbs = page.get_by_role("navigation", name=translated(language, "Breadcrumb"))
    expect(breadcrumbs.get_by_role("link", name=HOME_TITLES[language], exact=True)).to_be_visible()
    expect(breadcrumbs.get_by_role("link", name=wanted["category"], exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(wanted["title"])
    screenshot(f"kb-article-{language}")

    # And when they answer "No" with a reason, using the keyboard only
    feedback = page.locator("#feedback")
    feedback.locator("summary").focus()
    page.keyboard.press("Enter")
    reason = feedback.get_by_role("radio", name=translated(language, VoteReason.OUTDATED.label), exact=True)
    reason.focus()
    page.keyboard.press("Space")
    expect(reason).to_be_checked()
    feedback.get_by_role("button", name=translated(language, "Send feedback"), exact=True).focus()
    page.keyboard.press("Enter")

    # Then they are thanked, and their answer is stored for the article in its language
    thanks = translated(language, "Thank you for your feedback. It helps us improve this article.")
    expect(page.get_by_text(thanks, exact=True)).to_be_visible()
    expect(html).to_have_attribute("dir", direction)
    vote = ArticleVote.objects.select_related("article").get()
    assert (vote.article.external_id, vote.locale, vote.helpful, vote.reason) == (
        wanted["id"],
        language,
        False,
        VoteReason.OUTDATED,
    )

    # And a search that finds nothing offers a person to talk to instead
    page.goto(f"/{language}/help/search/")
    search_box = page.get_by_label(translated(language, "What are you looking for?"), exact=True)
    search_box.fill(nonsense)
    search_box.press("Enter")
    offer = page.get_by_role("complementary", name=translated(language, "Ask our team instead"))
    expect(offer.get_by_role("link", name=translated(language, "Chat with us"), exact=True)).to_be_visible()
    expect(offer.get_by_role("link", name=translated(language, "Open a ticket"), exact=True)).to_be_visible()
    expect(page.locator(".kb-results")).to_have_count(0)
    screenshot(f"kb-no-results-{language}")


def _contacts_of(session: str, *, at_least: int) -> list[str]:
    """The contact events of a reading session, waiting for the ones a server still has to write."""
    deadline = time.monotonic() + 10
    while True:
        kinds = list(ArticleEvent.objects.filter(session=session, kind="contact").values_list("next_kind", flat=True))
        if len(kinds) >= at_least or time.monotonic() > deadline:
            return sorted(kinds)
        time.sleep(0.2)


def test_a_reader_who_opens_a_ticket_then_a_chat_counts_two_contacts_for_their_reading_session(
    page, help_centre, customer_emma
):
    wanted = ArticlePage.objects.get(external_id=help_centre["en"]["id"])

    # Given a signed-in customer reading an article
    sign_in_customer(page, language="en", customer=customer_emma)
    page.goto(wanted.url)
    page.wait_for_function("() => sessionStorage.getItem('kb-session')")
    session = page.evaluate("() => sessionStorage.getItem('kb-session')")

    # When they follow "Open a ticket", the new-ticket form carries their reading session
    help_aside = page.get_by_role("complementary", name="Still need help?")
    help_aside.get_by_role("link", name="Open a ticket", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/en/support/new/\?kb_session={session}$"))
    expect(page.locator("input[name=kb_session]")).to_have_value(session)

    # And when they send it, the ticket counts as a contact for that session
    page.get_by_label("Subject", exact=True).fill("My refund has not arrived")
    page.get_by_label("Your message", exact=True).fill("It has been two weeks.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("We've got your message.")).to_be_visible()
    assert _contacts_of(session, at_least=1) == ["ticket"]

    # When they come back to the article in the same tab and start a chat, that counts too
    page.goto(wanted.url)
    page.get_by_role("button", name="Chat with us").click()
    expect(page.frame_locator('iframe[title="Help chat"]').get_by_role("textbox", name="Your message")).to_be_visible()
    assert _contacts_of(session, at_least=2) == ["chat", "ticket"]


OPT_OUT = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"


def test_a_reader_whose_browser_asks_not_to_be_tracked_is_not_followed_to_the_ticket_form(page, help_centre):
    wanted = ArticlePage.objects.get(external_id=help_centre["en"]["id"])
    page.add_init_script(OPT_OUT)

    # Given a reader whose browser sends Global Privacy Control
    page.goto(wanted.url)

    # When they follow "Open a ticket", nothing of their reading goes with them
    help_aside = page.get_by_role("complementary", name="Still need help?")
    help_aside.get_by_role("link", name="Open a ticket", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/support/new/$"))
    expect(page.locator("input[name=kb_session]")).to_have_value("")
    assert page.evaluate("() => sessionStorage.getItem('kb-session')") is None
