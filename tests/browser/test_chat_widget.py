"""The chat widget on a help-centre page, in English and Persian: ask the bot, get an article, ask for a person."""

import re
import time

import pytest
from django.utils import translation
from playwright.sync_api import expect

from chat.bot import ASK_EMAIL, ASK_MESSAGE, CONNECTING, FOUND, GREETING, OFFLINE
from chat.models import ChatMessage, Conversation
from helpdesk.tickets.models import TicketRequest
from kb.models import ArticlePage

from .chat_helpers import (
    QUESTIONS,
    SOCKET_SPY,
    AgentSocket,
    chat_frame,
    chat_window,
    help_centre_with_gift_wrapping,
    launcher,
    message_box,
    transcript,
)
from .conftest import TIMEOUT_MS, chromium_key
from .i18n import translated
from .ticket_helpers import normal_sla_around_the_clock, sign_in_staff_directly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def said(language: str, text) -> str:
    """What the bot says in this language (its sentences are lazy translations)."""
    with translation.override(language):
        return str(text)


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("fa", "rtl")])
def test_a_visitor_asks_the_widget_gets_an_article_asks_for_a_person_and_finds_the_chat_after_a_reload(
    page, screenshot, live_daphne, language, direction
):
    wanted = help_centre_with_gift_wrapping()[language]
    article_path = ArticlePage.objects.get(external_id=wanted["id"]).url

    # Given a visitor reading a help-centre article, which embeds the widget's loader
    page.goto(article_path + "?utm_source=newsletter#price")
    expect(page.locator("html")).to_have_attribute("dir", direction)
    button = launcher(page, language)
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(chat_frame(page, language)).to_have_count(0)  # the chat itself loads on the first open
    # The launcher sits at the end of the line: the right in English, the left in Persian
    box, width = button.bounding_box(), page.viewport_size["width"]
    assert (box["x"] > width / 2) is (direction == "ltr")

    # When they open it with the keyboard
    button.focus()
    page.keyboard.press("Enter")

    # Then the chat opens in their language and direction, greets them, and the message box has focus
    expect(button).to_have_attribute("aria-expanded", "true")
    window = chat_window(page, language)
    expect(window.locator("html")).to_have_attribute("dir", direction)
    expect(window.locator("html")).to_have_attribute("lang", language)
    log = transcript(window, language)
    expect(log).to_contain_text(said(language, GREETING))
    expect(message_box(window, language)).to_be_focused()

    # When they type a question the help centre answers and press Enter
    page.keyboard.type(QUESTIONS[language])
    page.keyboard.press("Enter")

    # Then the bot answers with the article, as a link that opens in a new tab
    expect(log).to_contain_text(said(language, FOUND))
    link = log.get_by_role("link", name=wanted["title"])
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", re.compile(re.escape(article_path) + "$"))
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener")
    expect(message_box(window, language)).to_have_value("")
    screenshot(f"chat-widget-answer-{language}")

    # When they press "Talk to a person" while nobody is online
    log.get_by_role("button", name=translated(language, "Talk to a person")).last.click()

    # Then the bot says so and offers to leave a message
    expect(log).to_contain_text(said(language, OFFLINE))
    expect(log.get_by_role("button", name=translated(language, "Leave a message"))).to_be_enabled()
    screenshot(f"chat-widget-offline-{language}")

    # When they reload the page and open the chat again
    page.reload()
    launcher(page, language).click()

    # Then the same conversation is back, every message exactly once
    window = chat_window(page, language)
    log = transcript(window, language)
    expect(log).to_contain_text(said(language, OFFLINE))
    expect(log.locator("li.hc-msg")).to_have_count(5)  # greeting, question, answer, "Talk to a person", offline
    expect(log.locator("li.hc-msg", has_text=QUESTIONS[language])).to_have_count(1)
    expect(log.get_by_role("link", name=wanted["title"])).to_have_count(1)
    assert ChatMessage.objects.count() == 5
    # The chat keeps the page it started on, without the query or fragment
    assert Conversation.objects.get().origin == live_daphne.url + article_path

    # And Escape closes it and gives the focus back to the launcher
    expect(message_box(window, language)).to_be_focused()
    page.keyboard.press("Escape")
    expect(chat_frame(page, language)).to_be_hidden()
    expect(launcher(page, language)).to_have_attribute("aria-expanded", "false")
    expect(launcher(page, language)).to_be_focused()


def test_a_persian_visitor_on_a_phone_searches_in_the_widget_then_leaves_a_message_with_their_email(page, screenshot):
    language = "fa"
    wanted = help_centre_with_gift_wrapping()[language]
    page.set_viewport_size({"width": 375, "height": 740})

    # Given a visitor on the Persian help centre whose page hands the widget an identity token it cannot vouch for
    page.goto(f"/{language}/help/")
    page.wait_for_function("() => window.HelpdeskChat && window.HelpdeskChat.loaded")
    assert page.evaluate("(token) => window.HelpdeskChat.identify(token)", "eyJmb3JnZWQiOnRydWV9." + "0" * 64)

    # When they follow the help centre's "Chat with us" link
    help_aside = page.get_by_role("complementary")
    help_aside.get_by_role("link", name=translated(language, "Chat with us"), exact=True).click()

    # Then the widget opens on the same page, over the whole phone screen
    expect(page).to_have_url(re.compile(rf"/{language}/help/$"))
    window = chat_window(page, language)
    expect(window.locator("html")).to_have_attribute("dir", "rtl")
    expect(transcript(window, language)).to_contain_text(said(language, GREETING))
    assert chat_frame(page, language).bounding_box() == {"x": 0, "y": 0, "width": 375, "height": 740}
    # And the chat goes on anonymously, saying so, since the token was refused
    refused = translated(language, "We couldn't confirm who you are, so this chat is anonymous.")
    expect(window.get_by_role("alert")).to_have_text(refused)
    screenshot("chat-widget-phone-fa")

    # When they search the help centre from the widget
    window.get_by_role("tab", name=translated(language, "Search help")).click()
    search_box = window.get_by_label(translated(language, "Search the help centre"), exact=True)
    search_box.fill("کادوپیچی")
    search_box.press("Enter")

    # Then the article is listed as a link that opens in a new tab
    results = window.locator("#hc-results")
    result = results.get_by_role("link", name=wanted["title"])
    expect(result).to_be_visible()
    expect(result).to_have_attribute("target", "_blank")

    # When they go back to the chat from there, the message box is ready
    window.get_by_role("button", name=translated(language, "Chat with us"), exact=True).click()
    expect(window.get_by_role("tab", name=translated(language, "Chat"), exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    expect(message_box(window, language)).to_be_focused()

    # When they ask for a person and choose to leave a message, nobody being online
    log = transcript(window, language)
    log.get_by_role("button", name=translated(language, "Talk to a person")).click()
    log.get_by_role("button", name=translated(language, "Leave a message")).click()

    # Then the bot asks for their email address, in a field made for one
    expect(log).to_contain_text(said(language, ASK_EMAIL))
    email = window.get_by_role("textbox", name=translated(language, "Your email address"))
    expect(email).to_be_focused()
    expect(email).to_have_attribute("type", "email")
    expect(email).to_have_attribute("dir", "ltr")
    expect(message_box(window, language)).to_be_hidden()
    screenshot("chat-widget-email-fa")

    # When they give it, then write their message
    email.fill("reza@example.com")
    email.press("Enter")
    expect(log).to_contain_text(said(language, ASK_MESSAGE))
    box = message_box(window, language)
    expect(box).to_be_visible()
    box.fill("لطفاً سفارشم را کادوپیچی کنید.")
    box.press("Enter")

    # Then they are told to confirm their address, and the request waits for that confirmation
    expect(log).to_contain_text("reza@example.com")
    thanks = log.locator("li.hc-bot").last
    expect(thanks).to_contain_text("reza@example.com")
    request = TicketRequest.objects.get()
    assert (request.email, request.locale) == ("reza@example.com", language)
    assert "لطفاً سفارشم را کادوپیچی کنید." in request.body


@pytest.fixture
def agent_page(request, live_daphne):
    """A second browser context for the agent, so the visitor and the agent keep their own sessions."""
    context = request.config.stash[chromium_key].browser.new_context(base_url=live_daphne.url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_a_visitor_chats_with_an_agent_sees_typing_and_seen_then_rates_the_chat_and_starts_anew(
    page, agent_page, live_daphne, agent_sara
):
    language = "en"
    help_centre_with_gift_wrapping()
    normal_sla_around_the_clock()  # the chat's opening hours never close
    sign_in_staff_directly(agent_page, user=agent_sara, base_url=live_daphne.url)
    agent = AgentSocket(agent_page, live_daphne.url)  # Sara is online

    # Given a visitor who asks the widget for a person
    page.goto("/en/help/")
    launcher(page, language).click()
    window = chat_window(page, language)
    log = transcript(window, language)
    log.get_by_role("button", name=translated(language, "Talk to a person")).click()
    expect(log).to_contain_text(said(language, CONNECTING))
    expect(window.locator("#hc-status")).to_have_text(
        translated(language, "Waiting for a person to join. They'll see everything you've written.")
    )

    # When Sara accepts the chat
    waiting = agent.wait_for(type="queue.changed", status="waiting")
    conversation = waiting["conversation"]
    agent.send(type="accept", conversation=conversation)

    # Then the visitor is told who has joined
    with translation.override(language):
        joined = translation.gettext("%(name)s joined the chat.") % {"name": "Sara"}
        chatting = translation.gettext("You're chatting with %(name)s.") % {"name": "Sara"}
    expect(log).to_contain_text(joined)
    expect(window.locator("#hc-status")).to_have_text(chatting)

    # When the visitor writes, Sara sees them typing and then their message
    box = message_box(window, language)
    box.press_sequentially("Is my parcel on its way?")
    agent.wait_for(type="typing", by="visitor", on=True)
    box.press("Enter")
    asked = agent.wait_for(type="message", author="visitor", body="Is my parcel on its way?")

    # When Sara types and answers, the visitor sees her typing, then her answer
    agent.send(type="typing", conversation=conversation, on=True)
    typing = window.locator("#hc-typing")
    with translation.override(language):
        expect(typing).to_have_text(translation.gettext("%(name)s is typing…") % {"name": "Sara"})

    # When the visitor closes the widget and Sara answers meanwhile, the launcher says there is news
    page.keyboard.press("Escape")
    agent.send(type="message", conversation=conversation, client_id="a-1", body="Yes, it left our warehouse today.")
    button = launcher(page, language)
    with translation.override(language):
        expect(button).to_have_accessible_name(
            translation.gettext("Chat with us") + " (" + translation.gettext("New messages") + ")"
        )

    # When they open it again, the answer is there and Sara learns it has been read
    button.click()
    answer = log.locator("li.hc-agent", has_text="Yes, it left our warehouse today.")
    expect(answer).to_contain_text("Sara")
    expect(typing).to_be_hidden()
    expect(button).to_have_accessible_name(translated(language, "Chat with us"))
    agent.wait_for(type="read", by="visitor", seq=asked["seq"] + 1)

    # When Sara has read the visitor's message, the visitor sees "Seen" under it
    agent.send(type="read", conversation=conversation, seq=asked["seq"])
    mine = log.locator("li.hc-visitor", has_text="Is my parcel on its way?")
    expect(mine.locator(".hc-meta")).to_contain_text(translated(language, "Seen"))

    # When Sara ends the chat, the visitor is asked for a rating, and gives one with the keyboard
    agent.send(type="end", conversation=conversation)
    expect(window.locator("#hc-status")).to_have_text(translated(language, "This chat has ended."))
    expect(message_box(window, language)).to_be_hidden()
    rating = window.get_by_role("group", name=translated(language, "How did we do in this chat?"))
    radios = rating.get_by_role("radio")
    expect(radios).to_have_count(5)
    radios.first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(radios.nth(3)).to_be_checked()
    window.get_by_label(translated(language, "Anything you'd like to add? (optional)")).fill("Quick and kind.")
    window.get_by_role("button", name=translated(language, "Send rating")).press("Enter")

    # Then they are thanked, and the rating is kept with the chat
    expect(
        window.get_by_text(translated(language, "Thank you for rating this chat. It helps us get better."))
    ).to_be_visible()
    expect(rating).to_be_hidden()
    rated = Conversation.objects.get(public_id=conversation)
    assert (rated.rating, rated.rating_comment) == (4, "Quick and kind.")

    # When they start a new chat, the bot greets them in a fresh conversation
    window.get_by_role("button", name=translated(language, "Start a new chat")).click()
    expect(log.locator("li.hc-msg")).to_have_count(1)
    expect(log).to_contain_text(said(language, GREETING))
    expect(message_box(window, language)).to_be_visible()
    assert Conversation.objects.count() == 2


def _stored(body: str, *, at_least: int = 1) -> int:
    """Wait until the server has stored a message with this body; return how many it holds."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        count = ChatMessage.objects.filter(body=body).count()
        if count >= at_least:
            return count
        time.sleep(0.1)
    raise AssertionError(f"the server never stored {body!r}")


def test_messages_survive_a_dropped_connection_and_arrive_exactly_once(page):
    language = "en"
    page.add_init_script(SOCKET_SPY)

    # Given a visitor on the chat window's own page (where the help centre's links lead without scripts)
    page.goto("/en/chat/widget/")
    window = page
    log = transcript(window, language)
    expect(log).to_contain_text(said(language, GREETING))
    box = message_box(window, language)

    # When a message is lost on the way out and the connection then drops
    page.evaluate("window.loseSent = true")
    box.fill("Where is my parcel?")
    box.press("Enter")
    pending = log.locator("li.hc-pending", has_text="Where is my parcel?")
    expect(pending).to_contain_text(translated(language, "Sending…"))
    page.evaluate("window.loseSent = false; window.spySockets.at(-1).close()")

    # Then the widget reconnects and sends it again, and it is shown once
    expect(log.locator("li.hc-visitor", has_text="Where is my parcel?")).to_have_count(1)
    expect(log.locator("li.hc-pending")).to_have_count(0)
    assert _stored("Where is my parcel?") == 1

    # When the server stores the next message but its answer is lost, and the connection drops
    page.evaluate("window.loseReceived = true")
    box.fill("It was due on Monday.")
    box.press("Enter")
    _stored("It was due on Monday.")
    page.evaluate("window.loseReceived = false; window.spySockets.at(-1).close()")

    # Then the resent message is recognised: shown once, stored once
    expect(log.locator("li.hc-visitor", has_text="It was due on Monday.")).to_have_count(1)
    expect(log.locator("li.hc-pending")).to_have_count(0)
    assert ChatMessage.objects.filter(body="It was due on Monday.").count() == 1
    assert page.evaluate("window.spySockets.length") == 3

    # And after a reload the whole conversation is there, each message once
    page.reload()
    log = transcript(page, language)
    expect(log.locator("li.hc-msg")).to_have_count(ChatMessage.objects.count())
    expect(log.locator("li.hc-visitor")).to_have_count(2)
