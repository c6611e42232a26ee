"""A visitor asks for a person; an agent takes the chat from the console and they talk, in English and Persian.

The visitor speaks over the real visitor socket (console_helpers.VisitorSocket); the agent uses
the console page in Chromium. In Persian the visitor is Reza, signed in to the portal, so the
console shows his orders and the chat becomes a ticket on his record.
"""

import json
import re
from dataclasses import dataclass, replace

import pytest
from playwright.sync_api import expect

from chat.models import Conversation, ConversationStatus
from helpdesk.tickets.models import Channel, Ticket
from tests.conftest import REZA, make_order

from .conftest import TIMEOUT_MS, _save, call_failed_key, chromium_key
from .console_helpers import VisitorSocket, customer_session_cookie, open_console, visitor_socket
from .i18n import translated
from .ticket_helpers import normal_sla_around_the_clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIGITS = "[0-9۰-۹]"


@dataclass(frozen=True)
class Words:
    direction: str
    ask: str
    reply: str
    follow_up: str


WORDS = {
    "en": Words(
        direction="ltr",
        ask="Could I talk to someone about my delivery?",
        reply="Hi, I'm Sara. Let me look at your delivery.",
        follow_up="Thanks! It's order ORD-EN-7, it was due on Monday.",
    ),
    "fa": Words(
        direction="rtl",
        ask="لطفاً می‌خواهم با کارشناس صحبت کنم",
        reply="سلام، سارا هستم. سفارشتان را بررسی می‌کنم.",
        follow_up="ممنون! سفارش ORD-REZA-1 است و دوشنبه باید می‌رسید.",
    ),
}


def _waiting_text(language: str) -> re.Pattern:
    template = translated(language, "Waiting %(time)s")
    return re.compile(re.escape(template).replace(re.escape("%(time)s"), f"{DIGITS}+:{DIGITS}{{2}}"))


def _visitor_asks_for_a_person(visitor: VisitorSocket, language: str, words: Words) -> str:
    welcome = visitor.hello(language)
    visitor.message("greeting", author="bot")
    visitor.say(words.ask)
    visitor.until(
        "handoff", lambda f: f["type"] == "message" and f["author"] == "bot" and f["payload"].get("action") == "handoff"
    )
    return welcome["conversation"]


def _accept_by_keyboard(page, language: str, item) -> None:
    page.locator("body").press("j")
    expect(item.get_by_role("button", name=translated(language, "Accept"), exact=True)).to_be_focused()
    page.keyboard.press("Enter")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_agent_takes_a_waiting_chat_and_talks_with_the_visitor(page, live_daphne, screenshot, agent_sara, language):
    words = WORDS[language]
    normal_sla_around_the_clock()  # people answer chats around the clock
    reza = make_order("ORD-REZA-1", REZA).customer if language == "fa" else None
    who = reza.name if reza else translated(language, "Visitor")

    # Given Sara's console, online, with nobody waiting
    open_console(page, language=language, agent=agent_sara, base_url=live_daphne.url)
    expect(page.locator("html")).to_have_attribute("dir", words.direction)
    expect(page.get_by_text(translated(language, "No one is waiting."), exact=True)).to_be_visible()
    queue = page.get_by_role("list", name=translated(language, "Waiting"), exact=True)

    with visitor_socket(live_daphne.url, cookie=customer_session_cookie(reza) if reza else "") as visitor:
        # When a visitor asks the bot for a person
        public_id = _visitor_asks_for_a_person(visitor, language, words)

        # Then the chat waits in Sara's queue, with who, what and a wait that ticks
        item = queue.get_by_role("listitem").filter(has_text=words.ask)
        expect(item).to_contain_text(who)
        wait = item.locator(".item-wait")
        expect(wait).to_have_text(_waiting_text(language))
        expect(wait).not_to_have_text(wait.text_content())
        screenshot(f"chat-console-queue-{language}")

        # When she accepts it from the keyboard
        _accept_by_keyboard(page, language, item)

        # Then the chat opens with its history, and the visitor is told she joined
        reply_box = page.get_by_label(translated(language, "Your reply"), exact=True)
        expect(reply_box).to_be_focused()
        log = page.get_by_role("log")
        expect(log).to_contain_text(words.ask)
        joined = visitor.message("joined", author="system")
        assert (joined["body"], joined["payload"]) == ("Sara", {"event": "joined"})
        expect(log).to_contain_text(translated(language, "%(name)s joined the chat.") % {"name": "Sara"})
        expect(queue.get_by_role("listitem")).to_have_count(0)
        assert Conversation.objects.get(public_id=public_id).assignee == agent_sara

        # When she types a reply and presses Enter
        reply_box.fill(words.reply)
        visitor.until("typing", lambda f: f["type"] == "typing" and f["by"] == "agent" and f["on"])
        reply_box.press("Enter")

        # Then the visitor receives it, and it shows in her chat
        reply = visitor.message("reply", author="agent", body=words.reply)
        assert reply["name"] == "Sara"
        expect(reply_box).to_have_value("")
        expect(log.locator(".msg-agent").filter(has_text=words.reply)).not_to_have_class(re.compile("pending"))

        # When the visitor types and writes back
        visitor.send(type="typing", on=True)
        typing = page.get_by_text(translated(language, "Visitor is typing…"), exact=True)
        expect(typing).to_be_visible()
        seq = visitor.say(words.follow_up)

        # Then Sara sees the message, the indicator goes, and the visitor learns she read it
        expect(log).to_contain_text(words.follow_up)
        expect(typing).to_be_hidden()
        visitor.until("read receipt", lambda f: f["type"] == "read" and f["by"] == "agent" and f["seq"] >= seq)

        # And when the visitor has read her reply, she sees "Seen" under it
        visitor.send(type="read", seq=visitor.last_seq)
        expect(log.locator(".msg-agent").filter(has_text=words.reply)).to_contain_text(translated(language, "Seen"))

        # The customer panel says who this is
        panel = page.get_by_role("complementary", name=translated(language, "Customer"), exact=True)
        if reza:
            expect(panel).to_contain_text("ORD-REZA-1")
            expect(panel).to_contain_text(reza.email)
        else:
            expect(panel).to_contain_text(translated(language, "They have not given an email address."))
        screenshot(f"chat-console-talking-{language}")

        if reza:
            _convert_to_a_ticket(page, language, panel, reza, words)

        # When she ends the chat, confirming it
        page.locator(".chat-actions").get_by_role("button", name=translated(language, "End chat"), exact=True).click()
        dialog = page.get_by_role("dialog", name=translated(language, "End this chat?"), exact=True)
        dialog.get_by_role("button", name=translated(language, "End chat"), exact=True).click()

        # Then the visitor is told, and nothing more can be written
        visitor.until("ended", lambda f: f["type"] == "message" and f["payload"].get("event") == "ended")
        expect(log).to_contain_text(translated(language, "The chat ended."))
        expect(reply_box).to_be_disabled()
        assert Conversation.objects.get(public_id=public_id).status == ConversationStatus.ENDED


def _convert_to_a_ticket(page, language: str, panel, customer, words: Words) -> None:
    subject = panel.get_by_label(translated(language, "Subject"), exact=True)
    expect(subject).to_have_value(words.ask)
    panel.get_by_role("button", name=translated(language, "Convert to a ticket"), exact=True).click()

    ticket = panel.get_by_role("status").get_by_role("link", name=re.compile(r"^#\d+"))
    expect(ticket).to_be_visible()
    created = Ticket.objects.get(customer=customer)
    expect(ticket).to_have_attribute("href", f"/{language}/staff/tickets/{created.pk}/")
    assert (created.channel, created.subject) == (Channel.CHAT, words.ask)
    opening = created.messages.get().body
    assert all(said in opening for said in (words.ask, words.reply, words.follow_up))


def test_the_shortcut_sheet_opens_with_a_question_mark_and_closes_with_escape(page, live_daphne, agent_sara):
    open_console(page, language="en", agent=agent_sara, base_url=live_daphne.url)

    page.locator("body").press("?")

    sheet = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text("Accept the waiting chat, or open yours")
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()


@pytest.fixture
def omar_page(request, live_daphne):
    """Omar's console in a browser context of its own, so the two agents keep their own sessions."""
    context = request.config.stash[chromium_key].browser.new_context(base_url=live_daphne.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    if request.node.stash.get(call_failed_key, False):
        _save(page, "FAILED-omar-" + request.node.name)
    context.close()


def test_two_chats_at_once_and_one_handed_to_a_colleague(page, omar_page, live_daphne, agent_sara, agent_omar):
    normal_sla_around_the_clock()
    open_console(page, language="en", agent=agent_sara, base_url=live_daphne.url)
    open_console(omar_page, language="en", agent=agent_omar, base_url=live_daphne.url)
    sara_queue = page.get_by_role("list", name="Waiting", exact=True)
    omar_queue = omar_page.get_by_role("list", name="Waiting", exact=True)

    with (
        visitor_socket(live_daphne.url) as first,
        visitor_socket(live_daphne.url) as second,
    ):
        # Given two visitors waiting, both in both queues
        _visitor_asks_for_a_person(first, "en", replace(WORDS["en"], ask="Can I talk to someone about a refund?"))
        _visitor_asks_for_a_person(second, "en", replace(WORDS["en"], ask="I need a real person, please"))
        expect(omar_queue.get_by_role("listitem")).to_have_count(2)

        # When Sara accepts both
        sara_queue.get_by_role("listitem").filter(has_text="refund").get_by_role("button", name="Accept").click()
        expect(page.get_by_role("log")).to_contain_text("refund")
        sara_queue.get_by_role("listitem").filter(has_text="real person").get_by_role("button", name="Accept").click()
        expect(page.get_by_role("log")).to_contain_text("real person")

        # Then they leave Omar's queue, and each visitor's words go to their own chat
        expect(omar_queue.get_by_role("listitem")).to_have_count(0)
        first.say("It was order ORD-1001.")
        unread = page.get_by_role("list", name="Your chats", exact=True).get_by_role("button").filter(has_text="New: 1")
        expect(unread).to_contain_text("ORD-1001")
        expect(page.get_by_role("log")).not_to_contain_text("ORD-1001")
        unread.click()
        expect(page.get_by_role("log")).to_contain_text("ORD-1001")
        expect(page.get_by_role("log")).to_contain_text("refund")
        expect(page.get_by_role("list", name="Your chats", exact=True)).not_to_contain_text("New:")

        # When she hands the refund chat to Omar
        page.get_by_label("Hand over to", exact=True).select_option(label="Omar Haddad")
        page.get_by_role("button", name="Transfer", exact=True).click()

        # Then it leaves her console and opens in his, history and all, and he answers the visitor
        expect(page.get_by_role("list", name="Your chats", exact=True).get_by_role("listitem")).to_have_count(1)
        expect(page.get_by_text("The chat with Visitor is now with a colleague.")).to_be_visible()
        omar_page.get_by_role("list", name="Your chats", exact=True).get_by_role("button").click()
        omar_log = omar_page.get_by_role("log")
        expect(omar_log).to_contain_text("ORD-1001")
        expect(omar_log).to_contain_text("The chat was passed to Omar.")
        omar_page.get_by_label("Your reply", exact=True).fill("Omar here, I'll sort out the refund.")
        omar_page.get_by_label("Your reply", exact=True).press("Control+Enter")
        answer = first.message("Omar's reply", author="agent")
        assert (answer["name"], answer["body"]) == ("Omar", "Omar here, I'll sort out the refund.")
        first.message("handover note", author="system", body="Omar")
        assert not any(frame.get("author") == "agent" for frame in second.frames)


def test_a_console_that_loses_its_connection_catches_up_and_sends_what_was_not_acknowledged(
    page, live_daphne, agent_sara
):
    normal_sla_around_the_clock()
    sockets, dropped, dropping = [], [], {"on": False}

    def relay(route):
        # The console's socket passes through here, so the test can lose a frame and cut the line.
        server = route.connect_to_server()

        def from_console(message):
            if dropping["on"] and json.loads(message).get("type") == "message":
                dropped.append(message)
                return
            server.send(message)

        route.on_message(from_console)
        sockets.append((route, server))

    page.route_web_socket(re.compile(r"/ws/chat/agent/$"), relay)
    open_console(page, language="en", agent=agent_sara, base_url=live_daphne.url)

    with visitor_socket(live_daphne.url) as visitor:
        public_id = _visitor_asks_for_a_person(visitor, "en", WORDS["en"])
        page.get_by_role("list", name="Waiting", exact=True).get_by_role("button", name="Accept").click()
        visitor.message("joined", author="system")
        log = page.get_by_role("log")

        # Given a reply that never reached the server
        dropping["on"] = True
        page.get_by_label("Your reply", exact=True).fill("Are you still there?")
        page.get_by_label("Your reply", exact=True).press("Enter")
        expect(log.locator(".pending")).to_contain_text("Sending…")
        assert len(dropped) == 1

        # When the connection drops and the visitor writes meanwhile
        dropping["on"] = False
        route, server = sockets[-1]
        server.close()
        route.close(code=4000)
        expect(page.get_by_text("Connection lost: reconnecting…", exact=True)).to_be_visible()
        visitor.say("Yes! Still here.")

        # Then the console reconnects, gets what it missed, and sends the reply once
        expect(log).to_contain_text("Yes! Still here.")
        reply = visitor.message("the reply", author="agent", body="Are you still there?")
        expect(log.locator(".pending")).to_have_count(0)
        expect(page.get_by_text("Connection lost: reconnecting…", exact=True)).to_be_hidden()
        assert len(sockets) == 2
        assert json.loads(dropped[0])["client_id"] == reply["client_id"]
        chat = Conversation.objects.get(public_id=public_id)
        assert chat.messages.filter(body="Are you still there?").count() == 1
        assert [f["seq"] for f in visitor.frames if f.get("body") == "Are you still there?"] == [reply["seq"]]
        expect(log.get_by_text("Are you still there?", exact=True)).to_have_count(1)
        expect(log.get_by_text("Yes! Still here.", exact=True)).to_have_count(1)
