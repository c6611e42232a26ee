"""The permission-matrix pattern: one table of (method, url) × actor → what that actor gets.

A row names the outcome for every actor, so adding an actor or a page forces a decision for
each cell. URLs may hold `{fixture.attribute}` placeholders: they are filled from the pytest
fixtures of that name, so a row about Reza's order reads `{order_reza.public_id}`; so may the
values of a row's form data.
"""

from dataclasses import dataclass, fields
from enum import Enum
from string import Formatter
from urllib.parse import parse_qs, urlsplit

import pytest

from helpdesk.customers.session import SESSION_KEY


class Outcome(Enum):
    OK = 200
    REDIRECT = 302  # somewhere other than a sign-in page
    BAD_REQUEST = 400
    FORBIDDEN = 403
    NOT_FOUND = 404
    NOT_ALLOWED = 405
    # Redirected (through as many hops as the admins need) to a sign-in page that returns here.
    STAFF_SIGN_IN = "/en/staff/sign-in/"
    CUSTOMER_SIGN_IN = "/en/account/sign-in/"


OK = Outcome.OK
REDIRECT = Outcome.REDIRECT
FORBIDDEN = Outcome.FORBIDDEN
NOT_FOUND = Outcome.NOT_FOUND
BAD_REQUEST = Outcome.BAD_REQUEST
NOT_ALLOWED = Outcome.NOT_ALLOWED
STAFF_SIGN_IN = Outcome.STAFF_SIGN_IN
CUSTOMER_SIGN_IN = Outcome.CUSTOMER_SIGN_IN


@dataclass(frozen=True, kw_only=True)
class Row:
    method: str
    url: str
    anonymous: Outcome
    customer_reza: Outcome
    customer_emma: Outcome
    agent_sara: Outcome
    manager_lina: Outcome
    admin_user: Outcome
    data: dict | None = None

    def expected(self, actor: str) -> Outcome:
        return getattr(self, actor)


ACTORS = tuple(field.name for field in fields(Row) if field.type is Outcome)
CUSTOMER_ACTORS = {"customer_reza", "customer_emma"}


def cases(rows: list[Row]) -> list:
    """Every (row, actor) pair as a pytest parameter with a readable id."""
    return [pytest.param(row, actor, id=f"{row.method} {row.url} as {actor}") for row in rows for actor in ACTORS]


def sign_in_customer(client, customer) -> None:
    """Sign a customer in on the test client, as redeeming a magic link would."""
    session = client.session
    session[SESSION_KEY] = customer.pk
    session.save()


def sign_in_actor(client, request, actor: str) -> None:
    if actor == "anonymous":
        return
    person = request.getfixturevalue(actor)
    if actor in CUSTOMER_ACTORS:
        sign_in_customer(client, person)
    else:
        client.force_login(person)


def resolve_url(url: str, request) -> str:
    """Fill `{fixture.attribute}` placeholders from the fixtures of that name."""
    names = {field.split(".")[0].split("[")[0] for _, field, _, _ in Formatter().parse(url) if field}
    return url.format(**{name: request.getfixturevalue(name) for name in names})


def _landing(client, response, hops: int = 3) -> tuple[str, dict]:
    """Follow redirects and return the final path and query."""
    for _ in range(hops):
        if response.status_code != 302:
            break
        location = urlsplit(response["Location"])
        if location.path in {STAFF_SIGN_IN.value, CUSTOMER_SIGN_IN.value}:
            return location.path, parse_qs(location.query)
        response = client.get(f"{location.path}?{location.query}")
    return f"status {response.status_code}", {}


def assert_outcome(client, response, expected: Outcome, url: str) -> None:
    if isinstance(expected.value, int):
        assert response.status_code == expected.value, f"expected {expected.name}, got {response.status_code}"
        return
    assert response.status_code == 302, f"expected a redirect to {expected.value}, got {response.status_code}"
    assert _landing(client, response) == (expected.value, {"next": [url]})


def check_row(client, request, row: Row, actor: str) -> None:
    """Request the row's URL as the actor and assert the outcome the table gives."""
    url = resolve_url(row.url, request)
    data = {key: resolve_url(value, request) for key, value in (row.data or {}).items()}
    sign_in_actor(client, request, actor)
    response = getattr(client, row.method.lower())(url, data)
    assert_outcome(client, response, row.expected(actor), url)
