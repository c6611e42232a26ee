"""Presence on /ws/staff/: agents on the same ticket see who else is viewing or replying."""

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from helpdesk.asgi import application
from helpdesk.core.consumers import CLOSE_UNAUTHORISED
from helpdesk.realtime import ticket_group

ALLOWED_ORIGIN = (b"origin", b"http://testserver")
TIMEOUT = 5

pytestmark = pytest.mark.django_db(transaction=True)


def cookie_for(user) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode())


async def connect(cookie) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, "/ws/staff/", headers=[cookie, ALLOWED_ORIGIN])
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    assert (await communicator.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
    return communicator


@pytest.fixture
def cookies(agent_sara, agent_omar, manager_lina):
    return {"sara": cookie_for(agent_sara), "omar": cookie_for(agent_omar), "lina": cookie_for(manager_lina)}


@pytest.fixture
async def sockets(cookies):
    opened = {name: await connect(cookie) for name, cookie in cookies.items()}
    yield opened
    for communicator in opened.values():
        await communicator.disconnect()


def presence(ticket, state):
    return {"type": "presence", "ticket": ticket, "state": state}


def seen(ticket, user, state):
    return {"type": "presence", "ticket": ticket, "user": user, "state": state}


async def test_agents_on_the_same_ticket_learn_of_each_other_whoever_came_first(sockets):
    sara, omar = sockets["sara"], sockets["omar"]
    await sara.send_json_to(presence(7, "viewing"))
    assert await sara.receive_nothing(timeout=0.2)

    await omar.send_json_to(presence(7, "viewing"))

    assert await sara.receive_json_from(timeout=TIMEOUT) == seen(7, "Omar Haddad", "viewing")
    assert await omar.receive_json_from(timeout=TIMEOUT) == seen(7, "Sara Ahmadi", "viewing")


async def test_replying_and_leaving_reach_the_others_but_not_oneself(sockets):
    sara, omar = sockets["sara"], sockets["omar"]
    await sara.send_json_to(presence(7, "viewing"))
    await omar.send_json_to(presence(7, "viewing"))
    await sara.receive_json_from(timeout=TIMEOUT)
    await omar.receive_json_from(timeout=TIMEOUT)

    await sara.send_json_to(presence(7, "replying"))
    assert await omar.receive_json_from(timeout=TIMEOUT) == seen(7, "Sara Ahmadi", "replying")
    await sara.send_json_to(presence(7, "left"))
    assert await omar.receive_json_from(timeout=TIMEOUT) == seen(7, "Sara Ahmadi", "left")

    assert await sara.receive_nothing(timeout=0.2)


async def test_two_agents_arriving_at_once_hear_of_each_other_once(sockets):
    sara, omar = sockets["sara"], sockets["omar"]
    await sara.send_json_to(presence(7, "viewing"))
    await omar.send_json_to(presence(7, "viewing"))

    assert await sara.receive_json_from(timeout=TIMEOUT) == seen(7, "Omar Haddad", "viewing")
    assert await omar.receive_json_from(timeout=TIMEOUT) == seen(7, "Sara Ahmadi", "viewing")
    assert await sara.receive_nothing(timeout=0.3)
    assert await omar.receive_nothing(timeout=0.3)


async def test_news_a_browser_already_has_is_not_repeated(sockets, agent_omar):
    sara, omar = sockets["sara"], sockets["omar"]
    await omar.send_json_to(presence(7, "viewing"))
    await sara.send_json_to(presence(7, "viewing"))
    await sara.receive_json_from(timeout=TIMEOUT)
    # Omar's reply to Sara's arrival crossing his own announcement, as it can on Redis.
    repeat = {"type": "presence.relay", "frame": seen(7, "Omar Haddad", "viewing"), "user_id": agent_omar.pk}
    await get_channel_layer().group_send(ticket_group(7), {**repeat, "reply_to": ""})

    assert await sara.receive_nothing(timeout=0.3)


async def test_an_agent_on_another_ticket_hears_nothing(sockets):
    await sockets["lina"].send_json_to(presence(8, "viewing"))
    await sockets["sara"].send_json_to(presence(7, "viewing"))
    await sockets["omar"].send_json_to(presence(7, "replying"))

    assert await sockets["sara"].receive_json_from(timeout=TIMEOUT) == seen(7, "Omar Haddad", "replying")
    assert await sockets["lina"].receive_nothing(timeout=0.3)


async def test_moving_to_another_ticket_leaves_the_first(sockets):
    sara, omar = sockets["sara"], sockets["omar"]
    await omar.send_json_to(presence(7, "viewing"))
    await sara.send_json_to(presence(7, "viewing"))
    await omar.receive_json_from(timeout=TIMEOUT)
    await sara.receive_json_from(timeout=TIMEOUT)

    await sara.send_json_to(presence(9, "viewing"))

    assert await omar.receive_json_from(timeout=TIMEOUT) == seen(7, "Sara Ahmadi", "left")
    await omar.send_json_to(presence(7, "replying"))
    assert await sara.receive_nothing(timeout=0.3)


async def test_closing_the_socket_says_the_agent_left(cookies, sockets):
    omar = sockets["omar"]
    sara = await connect(cookies["sara"])
    await omar.send_json_to(presence(7, "viewing"))
    await sara.send_json_to(presence(7, "replying"))
    await omar.receive_json_from(timeout=TIMEOUT)

    await sara.disconnect()

    assert await omar.receive_json_from(timeout=TIMEOUT) == seen(7, "Sara Ahmadi", "left")


async def test_the_same_agent_in_two_tabs_does_not_see_itself(cookies, sockets):
    sara, second_tab = sockets["sara"], await connect(cookies["sara"])
    await sara.send_json_to(presence(7, "viewing"))
    await second_tab.send_json_to(presence(7, "viewing"))

    assert await sara.receive_nothing(timeout=0.2)
    assert await second_tab.receive_nothing(timeout=0.2)
    await second_tab.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "presence"},
        {"type": "presence", "ticket": "7", "state": "viewing"},
        {"type": "presence", "ticket": True, "state": "viewing"},
        {"type": "presence", "ticket": 0, "state": "viewing"},
        {"type": "presence", "ticket": -3, "state": "viewing"},
        {"type": "presence", "ticket": 2**70, "state": "viewing"},
        {"type": "presence", "ticket": 7.5, "state": "viewing"},
        {"type": "presence", "ticket": 7, "state": "dancing"},
        {"type": "presence", "ticket": 7, "state": ["viewing"]},
        {"type": "presence", "ticket": 7},
    ],
)
async def test_an_invalid_presence_frame_gets_an_error_and_the_socket_stays(sockets, frame):
    sara = sockets["sara"]

    await sara.send_json_to(frame)

    assert await sara.receive_json_from(timeout=TIMEOUT) == {"type": "error", "code": "invalid_presence"}
    await sara.send_json_to({"type": "ping"})
    assert await sara.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}


@pytest.fixture
def shopper_cookie(django_user_model):
    return cookie_for(django_user_model.objects.create_user("shopper@example.com", "a long password 123"))


async def test_a_socket_that_is_not_staff_is_refused(shopper_cookie):
    communicator = WebsocketCommunicator(application, "/ws/staff/", headers=[shopper_cookie, ALLOWED_ORIGIN])

    connected, code = await communicator.connect(timeout=TIMEOUT)

    assert (connected, code) == (False, CLOSE_UNAUTHORISED)
