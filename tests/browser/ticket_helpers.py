"""What the ticket journeys share: an SLA clock that never stops, signing in, the live socket, SLA words."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time

from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import translation
from django.utils.timesince import timeuntil
from playwright.sync_api import expect

from helpdesk.customers.services import magic_link_issue
from helpdesk.sla.choices import Priority
from helpdesk.sla.models import Calendar, SlaPolicy
from helpdesk.sla.services import calendar_hours_replace, calendar_save, policy_save
from tests.conftest import PASSWORD

from .i18n import translated

# Open every day from midnight to midnight (00:00 as the end means the end of the day), so the
# SLA clocks tick with the wall clock whatever weekday and hour the suite runs at.
AROUND_THE_CLOCK = {weekday: [(time(0), time(0))] for weekday in range(7)}
NORMAL_TARGETS = {"first_response_minutes": 480, "next_response_minutes": 480, "resolution_minutes": 2880}
STAFF_SOCKET = "/ws/staff/"


def normal_sla_around_the_clock() -> SlaPolicy:
    """Time normal tickets (8 h first response, 48 h resolution) on a default calendar that never closes."""
    calendar = Calendar.objects.filter(name="Around the clock").first() or Calendar(name="Around the clock")
    calendar.timezone, calendar.is_default = "UTC", True
    calendar_save(calendar=calendar)
    calendar_hours_replace(calendar=calendar, hours=AROUND_THE_CLOCK)
    policy = SlaPolicy.objects.filter(priority=Priority.NORMAL, channel="").first() or SlaPolicy(
        priority=Priority.NORMAL, channel="", name="Normal"
    )
    for field, minutes in NORMAL_TARGETS.items():
        setattr(policy, field, minutes)
    policy.calendar = calendar
    return policy_save(policy=policy)


def beside_the_browser(function, /, **kwargs):
    """Call a service in a thread of its own and return its result.

    Playwright's sync API keeps an event loop running in the test's thread, and the services'
    on-commit broadcasts (async_to_sync) refuse to run beside one.
    """

    def call():
        try:
            return function(**kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def sign_in_customer(page, *, language: str, customer) -> None:
    """Sign the customer in the way the emailed link does (the live server's email stays in its process)."""
    token = magic_link_issue(customer=customer)
    page.goto(f"/{language}/account/sign-in/{token}/")
    page.get_by_role("button", name=translated(language, "Sign me in"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(customer.name)


def main_navigation(page, language: str):
    return page.get_by_role("navigation", name=translated(language, "Main"))


def sign_in_staff(page, *, language: str, user) -> None:
    page.goto(f"/{language}/staff/sign-in/")
    page.get_by_label(translated(language, "Email"), exact=True).fill(user.email)
    page.get_by_label(translated(language, "Password"), exact=True).fill(PASSWORD)
    page.get_by_label(translated(language, "Password"), exact=True).press("Enter")
    inbox = main_navigation(page, language).get_by_role("link", name=translated(language, "Inbox"), exact=True)
    expect(inbox).to_be_visible()


def sign_in_staff_directly(page, *, user, base_url: str) -> None:
    """Give the browser a signed-in staff session without the form, whose attempts are rate-limited per account."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


def _is_hello(payload) -> bool:
    try:
        return json.loads(payload).get("type") == "hello"
    except (TypeError, ValueError, AttributeError):
        return False


def load_and_listen(page, action) -> None:
    """Run `action`, which loads a staff page, and return once that page's socket has joined the live groups.

    The server says hello after joining; frames are recorded from the moment the socket exists,
    so a hello that arrives before we start waiting is not missed.
    """
    greeted = []

    def watch(socket):
        socket.on("framereceived", lambda payload: greeted.append(socket) if _is_hello(payload) else None)

    page.on("websocket", watch)
    try:
        with page.expect_websocket(lambda socket: socket.url.endswith(STAFF_SOCKET)) as opened:
            action()
        socket = opened.value
        if socket not in greeted:
            socket.wait_for_event("framereceived", predicate=_is_hello)
    finally:
        page.remove_listener("websocket", watch)


def due_in_texts(language: str, due: datetime, *, rendered_between: tuple[datetime, datetime], depth: int) -> set[str]:
    """What an SLA badge says for a running target, for a page rendered at some moment in the interval."""
    with translation.override(language):
        return {
            translation.gettext("Due in %(time)s") % {"time": timeuntil(due, now, depth=depth)}
            for now in rendered_between
        }
