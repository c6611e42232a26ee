"""Helpers for the chat socket tests: sockets opened through the ASGI app as Daphne runs it."""

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from unittest import mock

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db.backends.utils import CursorWrapper
from django.test import Client

from chat.bot import ArticleLink
from helpdesk.asgi import application
from helpdesk.customers.session import SESSION_KEY

ORIGIN = (b"origin", b"http://testserver")
TIMEOUT = 5
LINKS = [
    ArticleLink(title="Where is my order?", snippet="Track it from your account.", url="http://testserver/en/help/a/"),
]


def cookie(value: str) -> tuple[bytes, bytes]:
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={value}".encode())


def staff_cookie(user) -> tuple[bytes, bytes]:
    """The session cookie a browser holds after this staff member signs in."""
    client = Client()
    client.force_login(user)
    return cookie(client.cookies[settings.SESSION_COOKIE_NAME].value)


def customer_cookie(customer) -> tuple[bytes, bytes]:
    """The session cookie of a customer signed in to the portal."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = customer.pk
    session.save()
    return cookie(session.session_key)


def hello(**changes) -> dict:
    return {"type": "hello", "v": 1, "visitor_key": None, "conversation": None, "last_seq": 0, "locale": "en"} | changes


async def connect(path: str, *headers) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=[ORIGIN, *headers])
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    return communicator


async def visitor(*headers, **hello_changes) -> tuple[WebsocketCommunicator, dict, list[dict]]:
    """Open a visitor socket and say hello; return it, the welcome, and the messages sent with it."""
    communicator = await connect("/ws/chat/", *headers)
    await communicator.send_json_to(hello(**hello_changes))
    welcome = await communicator.receive_json_from(timeout=TIMEOUT)
    assert welcome["type"] == "welcome", welcome
    resumed = welcome["conversation"] == hello_changes.get("conversation")
    seen = hello_changes.get("last_seq", 0) if resumed else 0
    return communicator, welcome, await messages(communicator, welcome["last_seq"] - seen)


async def messages(communicator, count: int) -> list[dict]:
    frames = [await communicator.receive_json_from(timeout=TIMEOUT) for _ in range(max(count, 0))]
    assert all(frame["type"] == "message" for frame in frames), frames
    return frames


async def agent(user) -> tuple[WebsocketCommunicator, list[dict]]:
    """Open an agent's console; return it and the queue snapshot it was sent."""
    communicator = await connect("/ws/chat/agent/", await database_sync_to_async(staff_cookie)(user))
    assert (await communicator.receive_json_from(timeout=TIMEOUT))["type"] == "welcome"
    queue = await communicator.receive_json_from(timeout=TIMEOUT)
    assert queue["type"] == "queue"
    return communicator, queue["items"]


async def until(communicator, kind: str, **match) -> dict:
    """Read frames until one of this type (with these keys) arrives; return it."""
    for _ in range(50):
        frame = await communicator.receive_json_from(timeout=TIMEOUT)
        if frame["type"] == kind and all(frame.get(key) == value for key, value in match.items()):
            return frame
    raise AssertionError(f"no {kind} frame")


class FakeSearch:
    """The help centre as the bot sees it: finds `links` for any question."""

    def __init__(self, links=()):
        self.links = list(links)

    def __call__(self, q: str, locale: str, **kwargs) -> list[ArticleLink]:
        return self.links


@contextmanager
def statements() -> Iterator[list[str]]:
    """Record the SELECT, INSERT, UPDATE and DELETE statements every thread runs (sockets query off this one)."""
    seen: list[str] = []
    original = CursorWrapper._execute_with_wrappers

    def recording(cursor, sql, params, many, executor):
        if sql.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            seen.append(sql)
        return original(cursor, sql, params, many, executor)

    with mock.patch.object(CursorWrapper, "_execute_with_wrappers", recording):
        yield seen


def verbs(sqls: list[str]) -> list[str]:
    return [sql.lstrip().split(None, 1)[0].upper() for sql in sqls]
