"""What the chat console journeys share: a visitor on the real visitor socket, and an agent's console page.

The widget is not needed: the visitor speaks the protocol of docs/chat-protocol.md from Python,
against the same live Daphne the browser uses.
"""

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from django.conf import settings
from playwright.sync_api import expect
from websockets.sync.client import connect

from helpdesk.customers.session import SESSION_KEY

from .conftest import TIMEOUT_MS
from .i18n import translated
from .ticket_helpers import sign_in_staff_directly

TIMEOUT = TIMEOUT_MS / 1000


def customer_session_cookie(customer) -> str:
    """The cookie of a customer signed in to the portal, as their browser would send it with the socket."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = customer.pk
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class VisitorSocket:
    """One visitor's socket to /ws/chat/; every frame received is kept in `frames`."""

    def __init__(self, socket):
        self.socket = socket
        self.frames: list[dict] = []

    def send(self, **frame) -> None:
        self.socket.send(json.dumps(frame))

    def until(self, description: str, predicate) -> dict:
        """Return the first frame, received before or now, that matches; fail after the browser timeout."""
        read = 0
        deadline = time.monotonic() + TIMEOUT
        while True:
            for frame in self.frames[read:]:
                if predicate(frame):
                    return frame
            read = len(self.frames)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"the visitor got no {description}; last frames: {self.frames[-8:]}")
            try:
                self.frames.append(json.loads(self.socket.recv(timeout=remaining)))
            except TimeoutError:
                continue

    def message(self, description: str, **match) -> dict:
        def wanted(frame):
            return frame["type"] == "message" and all(frame.get(key) == value for key, value in match.items())

        return self.until(description, wanted)

    def hello(self, locale: str) -> dict:
        self.send(type="hello", v=1, visitor_key=None, conversation=None, last_seq=0, locale=locale)
        return self.until("welcome", lambda frame: frame["type"] == "welcome")

    def say(self, body: str) -> int:
        """Send a message; return the sequence number the server gave it."""
        client_id = str(uuid.uuid4())
        self.send(type="message", client_id=client_id, body=body)
        return self.until("ack", lambda frame: frame["type"] == "ack" and frame["client_id"] == client_id)["seq"]

    @property
    def last_seq(self) -> int:
        return max((frame["seq"] for frame in self.frames if frame["type"] == "message"), default=0)


@contextmanager
def visitor_socket(base_url: str, *, cookie: str = "") -> Iterator[VisitorSocket]:
    """Open the visitor's socket on the live server (with a portal session when `cookie` is given)."""
    with connect(
        "ws" + base_url.removeprefix("http") + "/ws/chat/",
        origin=base_url,
        additional_headers={"Cookie": cookie} if cookie else None,
        proxy=None,
        open_timeout=TIMEOUT,
        max_queue=None,
    ) as socket:
        yield VisitorSocket(socket)


def open_console(page, *, language: str, agent, base_url: str) -> None:
    """Sign the agent in and open the console; return once their socket says they are online."""
    sign_in_staff_directly(page, user=agent, base_url=base_url)
    page.goto(f"/{language}/staff/chat/")
    expect(page.get_by_text(translated(language, "You are online: new chats can reach you."))).to_be_visible()
