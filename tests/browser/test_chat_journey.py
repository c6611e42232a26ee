"""Issue 5's journey, in English and Persian: a customer asks the widget's bot, then talks with an agent at the console.

Two browser contexts, both on the real screens: the customer, signed in to the portal, chats in
the widget on a help-centre article; Sara works in the agent console, then reads the chat on the
customer's record.
"""

import re
from dataclasses import dataclass

import pytest
from django.utils import translation
from playwright.sync_api import expect

from chat.bot import CONNECTING, FOUND, GREETING
from chat.models import Conversation, ConversationStatus
from helpdesk.customers.services import CustomerData
from kb.models import ArticlePage
from tests.conftest import EMMA, REZA, make_order

from .chat_helpers import QUESTIONS, chat_window, help_centre_with_gift_wrapping, launcher, message_box, transcript
from .conftest import TIMEOUT_MS, _save, call_failed_key, chromium_key
from .console_helpers import open_console
from .i18n import translated
from .ticket_helpers import normal_sla_around_the_clock, sign_in_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIGITS = "[0-9۰-۹]"


@dataclass(frozen=True)
class Journey:
    direction: str
    customer: CustomerData
    order: str
    handoff_phrase: str  # typed to ask for a person; empty: press the bot's "Talk to a person" button
    reply: str
    answer: str


JOURNEYS = {
    "en": Journey(
        direction="ltr",
        customer=EMMA,
        order="ORD-EMMA-7",
        handoff_phrase="",
        reply="Hi Emma, I'm Sara. I can add gift wrapping to ORD-EMMA-7 for you.",
        answer="Yes please, that would be lovely.",
    ),
    "fa": Journey(
        direction="rtl",
        customer=REZA,
        order="ORD-REZA-7",
        handoff_phrase="می‌خواهم با کارشناس صحبت کنم",
        reply="سلام رضا، سارا هستم. کادوپیچی را به سفارش ORD-REZA-7 اضافه می‌کنم.",
        answer="بله لطفاً، خیلی ممنون.",
    ),
}


def said(language: str, text) -> str:
    """What the bot says in this language (its sentences are lazy translations)."""
    with translation.override(language):
        return str(text)


def waiting_text(language: str) -> re.Pattern:
    """The queue's "Waiting 0:07", in either digit system."""
    template = translated(language, "Waiting %(time)s")
    return re.compile(re.escape(template).replace(re.escape("%(time)s"), f"{DIGITS}+:{DIGITS}{{2}}"))


def said_in_order(entries: list[str], wanted: list[str]) -> bool:
    """Whether each wanted text is in an entry after the one holding the text before it."""
    rest = iter(entries)
    return all(any(words in entry for entry in rest) for words in wanted)


@pytest.fixture
def visitor_page(request, live_daphne):
    """The customer's browser, a context of its own beside the agent's."""
    context = request.config.stash[chromium_key].browser.new_context(base_url=live_daphne.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    if request.node.stash.get(call_failed_key, False):
        _save(page, "FAILED-visitor-" + request.node.name)
    context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_customer_asks_the_bot_talks_with_an_agent_rates_the_chat_and_it_lands_on_their_record(
    page, visitor_page, live_daphne, screenshot, agent_sara, language
):
    trip = JOURNEYS[language]
    question = QUESTIONS[language]
    article = help_centre_with_gift_wrapping()[language]
    article_path = ArticlePage.objects.get(external_id=article["id"]).url
    normal_sla_around_the_clock()  # the chat's opening hours never close
    customer = make_order(trip.order, trip.customer).customer

    # Given Sara's console, open and online, in her language and its direction
    open_console(page, language=language, agent=agent_sara, base_url=live_daphne.url)
    expect(page.locator("html")).to_have_attribute("dir", trip.direction)
    queue = page.get_by_role("list", name=translated(language, "Waiting"), exact=True)

    # And the customer, signed in to the portal, reading a help-centre article
    sign_in_customer(visitor_page, language=language, customer=customer)
    visitor_page.goto(article_path)
    expect(visitor_page.locator("html")).to_have_attribute("dir", trip.direction)

    # When they open the widget and ask a question the help centre answers
    launcher(visitor_page, language).click()
    window = chat_window(visitor_page, language)
    expect(window.locator("html")).to_have_attribute("dir", trip.direction)
    log = transcript(window, language)
    expect(log).to_contain_text(said(language, GREETING))
    box = message_box(window, language)
    box.fill(question)
    box.press("Enter")

    # Then the bot answers with the article, linked
    expect(log).to_contain_text(said(language, FOUND))
    link = log.get_by_role("link", name=article["title"])  # its name also says it opens in a new tab
    expect(link).to_have_attribute("href", re.compile(re.escape(article_path) + "$"))

    # When they ask for a person (in English with the bot's button, in Persian in their own words)
    if trip.handoff_phrase:
        box.fill(trip.handoff_phrase)
        box.press("Enter")
    else:
        log.get_by_role("button", name=translated(language, "Talk to a person"), exact=True).last.click()

    # Then they are told a person is coming, and the chat waits in Sara's queue under their name, with its wait
    expect(log).to_contain_text(said(language, CONNECTING))
    item = queue.get_by_role("listitem").filter(has_text=customer.name)
    expect(item.locator(".item-wait")).to_have_text(waiting_text(language))

    # When Sara accepts it
    item.get_by_role("button", name=translated(language, "Accept"), exact=True).click()

    # Then she sees the conversation so far, and the customer is told she joined
    console_log = page.get_by_role("log")
    expect(console_log).to_contain_text(question)
    joined = translated(language, "%(name)s joined the chat.") % {"name": "Sara"}
    expect(log).to_contain_text(joined)

    # When she replies, the customer sees her reply, signed with her name
    reply_box = page.get_by_label(translated(language, "Your reply"), exact=True)
    reply_box.fill(trip.reply)
    reply_box.press("Enter")
    expect(log.locator("li.hc-agent", has_text=trip.reply)).to_contain_text("Sara")

    # When the customer answers, Sara sees it
    box.fill(trip.answer)
    box.press("Enter")
    expect(console_log).to_contain_text(trip.answer)
    _save(visitor_page, f"chat-journey-widget-{language}")

    # When Sara ends the chat, confirming it
    page.locator(".chat-actions").get_by_role("button", name=translated(language, "End chat"), exact=True).click()
    dialog = page.get_by_role("dialog", name=translated(language, "End this chat?"), exact=True)
    dialog.get_by_role("button", name=translated(language, "End chat"), exact=True).click()

    # Then the customer is asked for a rating, and gives five with the keyboard
    expect(window.locator("#hc-status")).to_have_text(translated(language, "This chat has ended."))
    rating = window.get_by_role("group", name=translated(language, "How did we do in this chat?"))
    radios = rating.get_by_role("radio")
    expect(radios).to_have_count(5)
    radios.first.focus()
    for _ in range(4):
        visitor_page.keyboard.press("ArrowDown")
    expect(radios.nth(4)).to_be_checked()
    send = window.get_by_role("button", name=translated(language, "Send rating"), exact=True)
    visitor_page.keyboard.press("Tab")  # to the optional comment
    visitor_page.keyboard.press("Tab")
    expect(send).to_be_focused()
    visitor_page.keyboard.press("Enter")
    expect(
        window.get_by_text(translated(language, "Thank you for rating this chat. It helps us get better."))
    ).to_be_visible()
    chat = Conversation.objects.get()
    assert (chat.customer, chat.assignee, chat.status, chat.rating) == (
        customer,
        agent_sara,
        ConversationStatus.ENDED,
        5,
    )

    # When Sara opens the customer's record from the console's customer panel
    panel = page.get_by_role("complementary", name=translated(language, "Customer"), exact=True)
    panel.get_by_role("link", name=customer.name, exact=True).click()

    # Then the record lists the chat, hers, rated five of five
    expect(page.get_by_role("heading", level=1)).to_have_text(customer.name)
    expect(page.locator("html")).to_have_attribute("dir", trip.direction)
    chats = page.get_by_role("table", name=translated(language, "Chats"), exact=True)
    rows = chats.locator("tbody").get_by_role("row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(agent_sara.get_full_name())
    expect(rows).to_contain_text(translated(language, "%(score)s of 5") % {"score": 5})

    # When she reads its transcript
    rows.get_by_role("link", name=translated(language, "Read the transcript"), exact=True).click()

    # Then the page shows the question, the bot's article, her reply and the customer's answer, each exactly once
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(language, "Chat transcript"))
    expect(page).to_have_url(re.compile(rf"/{language}/staff/chat/transcripts/{chat.public_id}/$"))
    for written in (question, trip.reply, trip.answer):
        expect(page.get_by_text(written)).to_have_count(1)
    expect(page.get_by_role("link", name=article["title"], exact=True)).to_have_count(1)
    # in the transcript, in the order they were said, the reply under Sara's name
    entries = page.locator("ol.transcript > li")
    expect(entries.filter(has_text=trip.reply)).to_contain_text(agent_sara.get_full_name())
    assert said_in_order(entries.all_text_contents(), [question, article["title"], trip.reply, trip.answer])
    screenshot(f"chat-journey-transcript-{language}")
