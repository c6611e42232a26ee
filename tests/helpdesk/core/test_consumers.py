"""/ws/staff/: the live-updates socket, driven through the ASGI application as Daphne runs it."""

import asyncio
import json
import os
import sys
import uuid

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings

from helpdesk.asgi import application
from helpdesk.core.consumers import CLOSE_UNAUTHORISED
from helpdesk.realtime import staff_group
from tests.conftest import requires_redis

ALLOWED_ORIGIN = (b"origin", b"http://testserver")
TIMEOUT = 5

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sara_cookie(client, agent_sara):
    """The session cookie a browser holds after Sara signs in."""
    client.force_login(agent_sara)
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode())


def staff_socket(*headers):
    return WebsocketCommunicator(application, "/ws/staff/", headers=list(headers))


@pytest.fixture
async def sara_socket(sara_cookie):
    """Sara's socket, connected and past the hello frame."""
    communicator = staff_socket(sara_cookie, ALLOWED_ORIGIN)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    assert await communicator.receive_json_from(timeout=TIMEOUT) == {"type": "hello", "user": "sara@example.com"}
    yield communicator
    await communicator.disconnect()


async def test_foreign_origin_is_rejected_even_when_signed_in(sara_cookie):
    communicator = staff_socket(sara_cookie, (b"origin", b"https://evil.example"))

    connected, _ = await communicator.connect(timeout=TIMEOUT)

    assert not connected


async def test_missing_origin_is_rejected(sara_cookie):
    communicator = staff_socket(sara_cookie)

    connected, _ = await communicator.connect(timeout=TIMEOUT)

    assert not connected


async def test_anonymous_visitor_is_closed_with_4401():
    communicator = staff_socket(ALLOWED_ORIGIN)

    connected, code = await communicator.connect(timeout=TIMEOUT)

    assert (connected, code) == (False, CLOSE_UNAUTHORISED)


@pytest.fixture
def shopper_cookie(client, django_user_model):
    """A signed-in account that is not staff."""
    shopper = django_user_model.objects.create_user("shopper@example.com", "a long password 123")
    client.force_login(shopper)
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode())


async def test_signed_in_non_staff_account_is_closed_with_4401(shopper_cookie):
    communicator = staff_socket(shopper_cookie, ALLOWED_ORIGIN)

    connected, code = await communicator.connect(timeout=TIMEOUT)

    assert (connected, code) == (False, CLOSE_UNAUTHORISED)


async def test_staff_member_is_greeted_and_answered(sara_socket):
    await sara_socket.send_json_to({"type": "ping"})

    assert await sara_socket.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}


async def test_unknown_frame_type_gets_an_error_code(sara_socket):
    await sara_socket.send_json_to({"type": "launch_rockets"})

    reply = await sara_socket.receive_json_from(timeout=TIMEOUT)

    assert reply == {"type": "error", "code": "unknown_type"}


@pytest.mark.parametrize(
    ("frame", "code"),
    [("not json", "invalid_frame"), ("[1, 2]", "invalid_frame"), ('"ping"', "invalid_frame"), ("{}", "unknown_type")],
)
async def test_malformed_frame_gets_an_error_and_the_socket_stays_open(sara_socket, frame, code):
    await sara_socket.send_to(text_data=frame)

    reply = await sara_socket.receive_json_from(timeout=TIMEOUT)
    await sara_socket.send_json_to({"type": "ping"})

    assert reply == {"type": "error", "code": code}
    assert await sara_socket.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}


async def test_staff_broadcast_reaches_the_socket(sara_socket):
    event = {"type": "ticket.created", "ticket": 42}

    await get_channel_layer().group_send(staff_group(), {"type": "staff.event", "event": event})

    assert await sara_socket.receive_json_from(timeout=TIMEOUT) == event


SEND_FROM_ANOTHER_PROCESS = """
import asyncio, json, sys
import django
django.setup()
from channels.layers import get_channel_layer
from helpdesk.realtime import staff_group
event = json.loads(sys.argv[1])
asyncio.run(get_channel_layer().group_send(staff_group(), {"type": "staff.event", "event": event}))
"""


@requires_redis
@pytest.mark.redis
async def test_broadcast_from_another_process_reaches_the_socket_through_redis(sara_socket):
    # Given a worker process that knows nothing of this socket but shares the Redis channel layer
    event = {"type": "ticket.created", "marker": uuid.uuid4().hex}

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SEND_FROM_ANOTHER_PROCESS, json.dumps(event), cwd=settings.BASE_DIR, env=os.environ.copy()
    )
    assert await asyncio.wait_for(process.wait(), timeout=60) == 0

    # Then the frame arrives (other suites sharing the Redis database may broadcast too)
    for _ in range(20):
        frame = await sara_socket.receive_json_from(timeout=TIMEOUT)
        if frame.get("marker") == event["marker"]:
            break
    assert frame == event
