"""What the chat widget journeys share: a help centre the bot can answer from, and the widget as a visitor finds it."""

from kb import search
from kb.indexing import searchable_documents
from tests.kb.kb_pages import article, import_articles

from .i18n import translated

GIFT_WRAP = {
    "en": article(
        "widget-gift-wrap.en",
        title="Gift wrapping your order",
        category="Orders",
        summary="Have any order gift wrapped at checkout for a small fee.",
        body="## How to ask for gift wrapping\n\nTick **Gift wrap** at checkout.\n\n## Price\n\nIt costs $4.50.",
        tags=["gift", "wrapping"],
    ),
    "fa": article(
        "widget-gift-wrap.fa",
        "fa",
        title="کادوپیچی سفارش",
        category="سفارش‌ها",
        summary="هنگام پرداخت می‌توانید کادوپیچی سفارش را انتخاب کنید.",
        body="## درخواست کادوپیچی\n\nگزینه **کادوپیچی** را هنگام پرداخت انتخاب کنید.\n\n"
        "## هزینه\n\nهزینه کادوپیچی ۵۰ هزار تومان است.",
        tags=["کادو", "کادوپیچی"],
    ),
}
# A question each article answers, worded the way a visitor would type it (no handoff keyword in it).
QUESTIONS = {"en": "Can you do gift wrapping for my order?", "fa": "کادوپیچی سفارش دارید؟"}


# Run in every frame before its scripts: records the page's sockets and can lose frames either way,
# as a dropped connection does.
SOCKET_SPY = """
(() => {
  const Native = window.WebSocket;
  window.spySockets = [];
  window.loseSent = false;
  window.loseReceived = false;
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.spySockets.push(this); }
    send(data) { if (!window.loseSent) super.send(data); }
    addEventListener(type, listener, ...rest) {
      if (type !== "message") return super.addEventListener(type, listener, ...rest);
      return super.addEventListener(type, (event) => { if (!window.loseReceived) listener(event); }, ...rest);
    }
  };
})();
"""


def help_centre_with_gift_wrapping() -> dict:
    """Publish the gift-wrapping article in both languages and rebuild the index the live server reads."""
    import_articles(*GIFT_WRAP.values())
    search.rebuild(searchable_documents())
    return GIFT_WRAP


def launcher(page, language: str):
    """The widget's launcher button on a page that embeds the loader."""
    return page.get_by_role("button", name=translated(language, "Chat with us"))


def chat_frame(page, language: str):
    """The iframe element the loader creates (inside its shadow root)."""
    return page.locator(f'iframe[title="{translated(language, "Help chat")}"]')


def chat_window(page, language: str):
    """The chat window inside the iframe, to find things in as a visitor would."""
    return page.frame_locator(f'iframe[title="{translated(language, "Help chat")}"]')


def transcript(window, language: str):
    return window.get_by_role("list", name=translated(language, "Conversation"))


def message_box(window, language: str):
    return window.get_by_role("textbox", name=translated(language, "Your message"))


class AgentSocket:
    """An agent's console reduced to its socket: a signed-in staff page opens /ws/chat/agent/ and records frames.

    It speaks the agent side of docs/chat-protocol.md directly, so the widget's journey does not
    depend on the console's screens.
    """

    OPEN = """(url) => new Promise((resolve, reject) => {
      window.agentFrames = [];
      const socket = new WebSocket(url);
      window.agentSocket = socket;
      socket.onmessage = (event) => window.agentFrames.push(JSON.parse(event.data));
      socket.onopen = () => resolve(true);
      socket.onerror = () => reject(new Error("the agent socket did not open"));
    })"""
    FIND = "(match) => window.agentFrames.find((f) => Object.keys(match).every((k) => f[k] === match[k])) || null"

    def __init__(self, page, base_url: str):
        self.page = page
        page.goto("/en/")
        page.evaluate(self.OPEN, base_url.replace("http://", "ws://") + "/ws/chat/agent/")
        self.wait_for(type="welcome")

    def wait_for(self, **match) -> dict:
        """Return the first frame with these keys and values, waiting for it to arrive."""
        self.page.wait_for_function(f"(match) => ({self.FIND})(match) !== null", arg=match)
        return self.page.evaluate(self.FIND, match)

    def send(self, **frame) -> None:
        self.page.evaluate("(frame) => window.agentSocket.send(JSON.stringify(frame))", frame)
