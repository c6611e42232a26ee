"""Tickets written through every web form, read on every page and email that shows them.

The portal (a customer's new ticket and reply, a visitor's request) and the agent's ticket page
(reply, internal note, macro) store hostile text; the portal, the inbox, the ticket page and the
emails about the ticket must show it inert, and refuse what cannot be stored with a 4xx.
"""

import re

import pytest
from django.test import override_settings

from helpdesk.tickets.models import Macro, MacroText, Message, Ticket
from helpdesk.tickets.services import ticket_create
from tests.hostile.conftest import (
    BIDI,
    C0,
    HEADER_INJECTION,
    JS_URL,
    LONE_SURROGATE_FORM,
    MARKUP,
    NUL,
    VICTIM,
    free_of,
    nothing_written,
    storable,
)
from tests.hostile.inert import assert_email_safe, assert_inert, unisolated_bidi, visible_text

pytestmark = pytest.mark.django_db

NEW = "/en/support/new/"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/en/support/confirm/[^/\s]+/)")


def staff_url(ticket: Ticket, action: str = "") -> str:
    return f"/en/staff/tickets/{ticket.pk}/{action + '/' if action else ''}"


def portal_url(ticket: Ticket, action: str = "") -> str:
    return f"/en/support/{ticket.public_id}/{action + '/' if action else ''}"


@pytest.fixture
def macro(db):
    macro = Macro.objects.create(name="Thanks")
    MacroText.objects.create(macro=macro, locale="en", body="Thank you, {first_name}.")
    return macro


@pytest.fixture
def ticket(customer_emma):
    return ticket_create(customer=customer_emma, subject="Parcel", body="Where is it?")


def pages(emma, sara, ticket: Ticket) -> dict[str, bytes]:
    """Every page that shows the ticket, to the customer and to the agent."""
    responses = {
        "portal list": emma.get("/en/support/"),
        "portal ticket": emma.get(portal_url(ticket)),
        "inbox": sara.get("/en/staff/tickets/?view=open"),
        "ticket page": sara.get(staff_url(ticket)),
        "customer record": sara.get(f"/en/staff/customers/{ticket.customer.public_id}/"),
    }
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 200)
    return {name: response.content for name, response in responses.items()}


@pytest.mark.parametrize("payload", MARKUP.values(), ids=MARKUP.keys())
def test_markup_in_every_ticket_form_is_inert_on_every_page_and_email(
    emma, sara, agent_sara, macro, committed, mailoutbox, payload
):
    agent_sara.ticket_emails = True
    agent_sara.save(update_fields=["ticket_emails"])

    opened = committed(emma.post, NEW, {"subject": f"Help {payload}", "message": f"Customer {payload}"})
    ticket = Ticket.objects.get()
    replies = [
        committed(sara.post, staff_url(ticket, "reply"), {"body": f"Agent {payload}", "status": ""}),
        committed(sara.post, staff_url(ticket, "note"), {"body": f"Note {payload}"}),
        committed(sara.post, staff_url(ticket, "macro"), {"macro": macro.pk, "body": f"Macro {payload}"}),
        committed(emma.post, portal_url(ticket, "reply"), {"message": f"Again {payload}"}),
    ]

    assert [opened.status_code, *(r.status_code for r in replies)] == [302] * 5
    assert ticket.messages.count() == 5
    for name, html in pages(emma, sara, ticket).items():
        assert_inert(html, payload, where=name)
    assert {tuple(email.to) for email in mailoutbox} == {("emma@example.com",), ("sara@example.com",)}
    for email in mailoutbox:
        assert_email_safe(email, payload)


@pytest.mark.parametrize("payload", [*MARKUP.values(), HEADER_INJECTION], ids=[*MARKUP, "header-injection"])
def test_markup_in_a_visitors_request_is_inert_once_confirmed(client, sara, committed, mailoutbox, payload):
    data = {"name": f"Eve {payload}", "email": "eve@example.com", "subject": f"Hi {payload}", "message": payload}

    sent = committed(client.post, NEW, data)
    [confirmation] = mailoutbox
    confirmed = committed(client.post, CONFIRM_LINK.search(confirmation.body).group(1))

    assert (sent.status_code, confirmed.status_code) == (200, 302)
    assert payload not in confirmation.body and "Eve" not in confirmation.body  # none of the visitor's words
    ticket = Ticket.objects.get()
    assert free_of(ticket.subject + ticket.customer.name, "<", "\r", "\n")
    for name, html in pages(client, sara, ticket).items():
        assert_inert(html, payload, where=name)
    for email in mailoutbox:
        assert_email_safe(email, payload)


def test_a_bare_javascript_url_stays_text(emma, sara, committed):
    message = f"{JS_URL}\n\n<{JS_URL}>\n\n[x]({JS_URL})"
    committed(emma.post, NEW, {"subject": JS_URL, "message": message})

    ticket = Ticket.objects.get()
    for html in pages(emma, sara, ticket).values():
        assert_inert(html)
        assert JS_URL in visible_text(html)


@pytest.mark.parametrize("control", BIDI.values(), ids=BIDI.keys())
def test_bidi_controls_in_a_subject_and_message_stay_inside_their_own_text(emma, sara, committed, mailoutbox, control):
    subject = f"{control}gpj.exe order 42"
    committed(emma.post, NEW, {"subject": subject, "message": f"{control}gpj.exe\n\nsee {control}above"})

    ticket = Ticket.objects.get()
    assert ticket.subject == subject  # kept as written: it is the customer's text
    for name, html in pages(emma, sara, ticket).items():
        assert unisolated_bidi(html, subject) == [], name
    for email in mailoutbox:
        assert_email_safe(email)


def test_a_header_injection_in_a_subject_becomes_one_line(emma, committed, mailoutbox):
    response = committed(emma.post, NEW, {"subject": HEADER_INJECTION, "message": "Hello"})

    assert response.status_code == 302
    assert Ticket.objects.get().subject == "Name Bcc: victim@example.com"
    [received] = mailoutbox
    assert_email_safe(received)
    assert received.recipients() == ["emma@example.com"] and VICTIM not in str(received.message()["To"])


def test_a_lone_surrogate_from_a_form_arrives_replaced_never_stored(emma, committed):
    body = f"subject=Help{LONE_SURROGATE_FORM}&message=Hello{LONE_SURROGATE_FORM}there"

    response = committed(emma.post, NEW, body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.subject.startswith("Help\ufffd") and "\ufffd" in ticket.messages.get().body
    assert storable(ticket.subject)


def test_control_characters_are_removed_from_what_is_stored(emma, sara, ticket, committed):
    committed(emma.post, portal_url(ticket, "reply"), {"message": f"a{C0}b"})
    committed(sara.post, staff_url(ticket, "note"), {"body": f"c{C0}d"})

    bodies = list(ticket.messages.order_by("id").values_list("body", flat=True))
    assert bodies[-2:] == ["a[2Jb", "c[2Jd"]
    assert all(free_of(body, *C0.replace("[2J", "")) for body in bodies)


@pytest.mark.parametrize("action", ["reply", "note", "macro"])
def test_a_nul_byte_in_a_staff_form_is_refused_and_nothing_is_written(sara, ticket, macro, action):
    data = {"body": f"On its way{NUL}", "status": "", "macro": macro.pk}

    with nothing_written():
        response = sara.post(staff_url(ticket, action), data)

    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


@override_settings(HELPDESK_MESSAGE_MAX_CHARS=1000)
@pytest.mark.parametrize("action", ["reply", "note", "macro"])
def test_a_staff_message_over_the_limit_is_refused_whole(sara, ticket, macro, action):
    with nothing_written():
        response = sara.post(staff_url(ticket, action), {"body": "x" * 1001, "status": "", "macro": macro.pk})

    assert response.status_code == 400
    assert "This message is too long." in response.content.decode()


def test_a_request_over_the_upload_limit_is_a_bad_request_and_writes_nothing(sara, ticket, settings):
    with nothing_written():
        response = sara.post(staff_url(ticket, "reply"), {"body": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    assert response.status_code == 400


def test_stored_text_is_clean_enough_for_any_database(emma, sara, ticket, committed):
    committed(emma.post, portal_url(ticket, "reply"), {"message": f"{BIDI['rlo']}{C0}{MARKUP['script']}"})

    for body in Message.objects.values_list("body", flat=True):
        assert storable(body)
