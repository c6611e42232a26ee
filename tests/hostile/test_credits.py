"""Credit notes and messages: an agent's words to a manager and to the customer, shown and emailed inert.

The grant form's message goes into the customer's email; its note, and a manager's decision note,
into the approval queue and the agent's email. The customer's own name is in those subjects.
"""

import pytest

from helpdesk.credits.models import CreditEntry, CreditRequest
from helpdesk.tickets.services import ticket_create
from tests.hostile.conftest import BIDI, HEADER_INJECTION, MARKUP, NUL, VICTIM, nothing_written
from tests.hostile.inert import assert_email_safe, assert_inert, unisolated_bidi, visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limits")]

GRANT = "/en/staff/credit/grant/"
APPROVALS = "/en/staff/credit/approvals/"
NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"


def grant_form(customer, why, **fields) -> dict:
    return {"customer": str(customer.public_id), "currency": "USD", "reason": why.pk, "amount": "10", **fields}


@pytest.mark.parametrize("payload", [*MARKUP.values(), BIDI["rlo"] + "gpj.exe"], ids=[*MARKUP, "rlo"])
def test_a_grants_message_and_note_are_inert_in_the_email_and_on_every_page(
    sara, emma, customer_emma, late_delivery, committed, mailoutbox, payload
):
    response = committed(
        sara.post, GRANT, grant_form(customer_emma, late_delivery, message=f"Sorry {payload}", note=f"Why {payload}")
    )

    assert response.status_code == 302
    assert CreditEntry.objects.get().note == f"Why {payload}"
    [granted] = mailoutbox
    assert_email_safe(granted, payload)
    assert f"Sorry {payload}" in granted.body  # the text part says it as written
    for where, page in {
        "customer record": sara.get(f"/en/staff/customers/{customer_emma.public_id}/"),
        "customer's credit": emma.get("/en/account/credit/"),
    }.items():
        assert page.status_code == 200, where
        assert_inert(page.content, payload, where=where)
        assert unisolated_bidi(page.content) == [], where


@pytest.mark.parametrize("payload", [*MARKUP.values(), BIDI["rlo"] + "gpj.exe"], ids=[*MARKUP, "rlo"])
def test_notes_on_a_grant_over_the_limit_are_inert_for_the_manager_and_back_for_the_agent(
    sara, lina, customer_emma, late_delivery, committed, mailoutbox, payload
):
    customer_emma.name = f"{HEADER_INJECTION} {payload}"
    customer_emma.save(update_fields=["name"])

    committed(sara.post, GRANT, grant_form(customer_emma, late_delivery, amount="100", note=f"Please {payload}"))
    request = CreditRequest.objects.get()
    queue = lina.get(APPROVALS)
    decided = committed(lina.post, f"/en/staff/credit/requests/{request.public_id}/decide/",
                        {"decision": "reject", "note": f"No {payload}"})  # fmt: skip
    mine = sara.get(APPROVALS)

    assert decided.status_code == 302
    for where, page in {"manager's queue": queue, "agent's requests": mine}.items():
        assert_inert(page.content, payload, where=where)
        assert unisolated_bidi(page.content, f"Please {payload}", f"No {payload}") == [], where
    assert f"No {payload}" in visible_text(mine.content)
    assert [email.to for email in mailoutbox] == [["lina@example.com"], ["sara@example.com"]]
    for email in mailoutbox:
        assert_email_safe(email)
        assert VICTIM not in email.recipients()


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"note": f"Why{NUL}"}, "Null characters are not allowed."),
        ({"message": f"Sorry{NUL}"}, "Null characters are not allowed."),
        ({"message": "x" * 2001}, "at most 2000 characters"),
        ({"amount": "10\x00"}, "Null characters are not allowed."),
        ({"reason": "999"}, "Select a valid choice."),
    ],
    ids=["nul-note", "nul-message", "too-long", "nul-amount", "no-such-reason"],
)
def test_a_grant_that_cannot_be_stored_is_refused_and_nothing_is_written(
    sara, customer_emma, late_delivery, fields, problem
):
    with nothing_written():
        response = sara.post(GRANT, grant_form(customer_emma, late_delivery, **fields))

    assert response.status_code == 400
    assert problem in response.content.decode()


def test_a_decision_note_with_a_nul_is_refused_and_the_request_stays_pending(sara, lina, customer_emma, late_delivery):
    sara.post(GRANT, grant_form(customer_emma, late_delivery, amount="100", note="Please"))
    request = CreditRequest.objects.get()

    with nothing_written():
        lina.post(f"/en/staff/credit/requests/{request.public_id}/decide/", {"decision": "reject", "note": f"No{NUL}"})

    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("pending", "")


def test_a_grant_naming_another_customers_ticket_is_not_tied_to_it(sara, customer_emma, customer_reza, late_delivery):
    reza_ticket = ticket_create(customer=customer_reza, subject="Late", body="Where is it?")

    response = sara.post(GRANT, grant_form(customer_emma, late_delivery, ticket=reza_ticket.pk))

    assert response.status_code == 302 and response["Location"] == f"/en/staff/customers/{customer_emma.public_id}/"
    entry = CreditEntry.objects.get()
    assert (entry.account.customer, entry.ticket) == (customer_emma, None)
    assert not reza_ticket.events.filter(kind__startswith="credit").exists()


@pytest.mark.parametrize("customer", [NO_SUCH_ID, "not-a-uuid", "<script>alert(1)</script>"])
def test_a_grant_for_no_such_customer_is_a_404_and_writes_nothing(sara, late_delivery, customer):
    with nothing_written():
        response = sara.post(GRANT, {"customer": customer, "currency": "USD", "reason": late_delivery.pk, "amount": 5})

    assert response.status_code == 404
