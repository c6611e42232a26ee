"""The staff grant form, the approval queue, and the customer's own credit page."""

from decimal import Decimal

import pytest
from django.core import mail

from helpdesk.credits.models import CreditAccount, CreditEntry, CreditRequest, RequestStatus
from helpdesk.credits.services import credit_grant, credit_redeem
from helpdesk.tickets.services import ticket_create
from tests.helpdesk.permissions import (
    BAD_REQUEST,
    CUSTOMER_SIGN_IN,
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    STAFF_SIGN_IN,
    Row,
    cases,
    check_row,
    sign_in_customer,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limits")]

NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def ticket_reza(customer_reza):
    return ticket_create(customer=customer_reza, subject="Parcel late", body="Where is it?", channel="web")


def grant_form(customer, **fields):
    return {"customer": str(customer.public_id), "currency": "USD", "reason": "1", **fields}


def test_the_ticket_page_offers_a_grant_that_lands_back_on_the_ticket(
    client, agent_sara, ticket_reza, late_delivery, django_capture_on_commit_callbacks
):
    client.force_login(agent_sara)
    page = client.get(f"/en/staff/tickets/{ticket_reza.pk}/").content.decode()
    grant_url = f"/en/staff/credit/grant/?customer={ticket_reza.customer.public_id}&amp;ticket={ticket_reza.pk}"
    assert grant_url in page

    form = client.get(grant_url.replace("&amp;", "&"))
    assert form.status_code == 200
    assert "Without approval you can grant up to $20.00 at once, and $50.00 more in the next 30 days." in (
        form.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/staff/credit/grant/",
            grant_form(
                ticket_reza.customer, ticket=ticket_reza.pk, amount="۱۲٫۵۰", reason=late_delivery.pk, message="Sorry!"
            ),
            follow=True,
        )

    assert response.redirect_chain[-1][0] == f"/en/staff/tickets/{ticket_reza.pk}/"
    assert "Granted $12.50. The customer gets an email." in response.content.decode()
    entry = CreditEntry.objects.get()
    assert (entry.amount, entry.ticket, entry.actor_user) == (Decimal("12.50"), ticket_reza, agent_sara)
    assert [message.to for message in mail.outbox] == [["reza@example.com"]]


def test_a_grant_over_the_limit_is_sent_for_approval_and_says_so(client, agent_sara, customer_reza, late_delivery):
    client.force_login(agent_sara)

    response = client.post(
        "/en/staff/credit/grant/", grant_form(customer_reza, amount="80", reason=late_delivery.pk), follow=True
    )

    assert response.redirect_chain[-1][0] == f"/en/staff/customers/{customer_reza.public_id}/"
    assert "$80.00 is over your limit: a manager has been asked to approve it." in response.content.decode()
    assert CreditRequest.objects.get().status == RequestStatus.PENDING


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("0", "Give a positive amount with at most two decimal places"),
        ("1.999", "Give a positive amount with at most two decimal places"),
        ("", "This field is required."),
    ],
)
def test_a_bad_grant_shows_the_form_again_with_the_reason(
    client, agent_sara, customer_reza, late_delivery, amount, error
):
    client.force_login(agent_sara)

    response = client.post("/en/staff/credit/grant/", grant_form(customer_reza, amount=amount, reason=late_delivery.pk))

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not CreditAccount.objects.exists()


def test_the_manager_approves_from_the_queue_and_sees_the_flags(
    client, agent_sara, manager_lina, customer_reza, late_delivery
):
    for _ in range(3):
        credit_grant(customer=customer_reza, amount="5.00", currency="USD", reason=late_delivery, by=agent_sara)
    request = credit_grant(
        customer=customer_reza, amount="90.00", currency="USD", reason=late_delivery, by=agent_sara, note="lost twice"
    ).request
    client.force_login(manager_lina)

    queue = client.get("/en/staff/credit/approvals/").content.decode()
    assert "$90.00" in queue and "lost twice" in queue and "over the per-grant limit" in queue
    assert "This customer was credited 3 times in the last 30 days." in queue
    response = client.post(
        f"/en/staff/credit/requests/{request.public_id}/decide/", {"decision": "approve", "note": "ok"}, follow=True
    )

    assert "Approved. The customer gets an email." in response.content.decode()
    assert CreditAccount.objects.get().balance == Decimal("105.00")


def test_a_rejection_without_a_note_is_refused_on_the_page(client, manager_lina, pending_request):
    request = pending_request
    client.force_login(manager_lina)

    response = client.post(
        f"/en/staff/credit/requests/{request.public_id}/decide/", {"decision": "reject", "note": ""}, follow=True
    )

    assert "Say why, in a note." in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_an_agent_sees_their_own_requests_but_no_queue(client, agent_sara, customer_reza, late_delivery):
    credit_grant(customer=customer_reza, amount="90.00", currency="USD", reason=late_delivery, by=agent_sara)
    client.force_login(agent_sara)

    page = client.get("/en/staff/credit/approvals/").content.decode()

    assert "Your requests" in page and "Waiting for approval" in page
    assert "Waiting for a decision" not in page


def test_the_customer_sees_their_credit_in_persian(client, customer_reza, agent_sara, late_delivery):
    credit_grant(customer=customer_reza, amount="20.00", currency="USD", reason=late_delivery, by=agent_sara)
    credit_redeem(
        customer=customer_reza, amount="5.00", currency="USD", order="1002", idempotency_key="k", by_label="shop:x"
    )
    sign_in_customer(client, customer_reza)

    account = client.get("/fa/account/").content.decode()
    page = client.get("/fa/account/credit/").content.decode()

    assert "اعتبار شما" in account and "/fa/account/credit/" in account
    assert 'dir="rtl"' in page
    assert "تأخیر در ارسال" in page and "1002" in page
    assert page.count("15.00") >= 2  # the balance and the last entry's balance after


@pytest.fixture
def pending_request(customer_reza, agent_sara, late_delivery):
    outcome = credit_grant(customer=customer_reza, amount="90.00", currency="USD", reason=late_delivery, by=agent_sara)
    return outcome.request


# fmt: off
ROWS = [
    Row(method="GET", url="/en/account/credit/", anonymous=CUSTOMER_SIGN_IN, customer_reza=OK, customer_emma=OK,
        agent_sara=CUSTOMER_SIGN_IN, manager_lina=CUSTOMER_SIGN_IN, admin_user=CUSTOMER_SIGN_IN),
    Row(method="GET", url="/en/staff/credit/grant/?customer={customer_reza.public_id}", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN, agent_sara=OK, manager_lina=OK, admin_user=OK),
    Row(method="GET", url=f"/en/staff/credit/grant/?customer={NO_SUCH_ID}", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN, agent_sara=NOT_FOUND, manager_lina=NOT_FOUND,
        admin_user=NOT_FOUND),
    Row(method="GET", url="/en/staff/credit/grant/?customer=not-a-uuid", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN, agent_sara=NOT_FOUND, manager_lina=NOT_FOUND,
        admin_user=NOT_FOUND),
    Row(method="POST", url="/en/staff/credit/grant/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=BAD_REQUEST, manager_lina=BAD_REQUEST, admin_user=BAD_REQUEST,
        data={"customer": "{customer_reza.public_id}", "amount": "abc"}),
    Row(method="GET", url="/en/staff/credit/approvals/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=OK, manager_lina=OK, admin_user=OK),
    Row(method="POST", url="/en/staff/credit/requests/{pending_request.public_id}/decide/", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN, agent_sara=FORBIDDEN, manager_lina=REDIRECT,
        admin_user=REDIRECT, data={"decision": "reject", "note": "no"}),
    Row(method="GET", url="/en/staff/credit/requests/{pending_request.public_id}/decide/", anonymous=NOT_ALLOWED,
        customer_reza=NOT_ALLOWED, customer_emma=NOT_ALLOWED, agent_sara=NOT_ALLOWED, manager_lina=NOT_ALLOWED,
        admin_user=NOT_ALLOWED),
]
# fmt: on


@pytest.mark.parametrize(("row", "actor"), cases(ROWS))
def test_who_may_use_the_credit_pages(client, request, row, actor, customer_reza, customer_emma, pending_request):
    check_row(client, request, row, actor)


def test_a_grant_from_a_chat_is_linked_to_it_and_returns_to_the_console(
    client, agent_sara, customer_reza, late_delivery
):
    chat_id = "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b"
    client.force_login(agent_sara)

    response = client.post(
        "/en/staff/credit/grant/", grant_form(customer_reza, amount="3", reason=late_delivery.pk, chat=chat_id)
    )

    assert response["Location"] == "/en/staff/chat/"
    assert str(CreditEntry.objects.get().chat) == chat_id


def test_the_customer_record_shows_the_credit_and_offers_a_grant(client, agent_sara, customer_reza, late_delivery):
    credit_grant(customer=customer_reza, amount="20.00", currency="USD", reason=late_delivery, by=agent_sara)
    client.force_login(agent_sara)

    page = client.get(f"/en/staff/customers/{customer_reza.public_id}/").content.decode()

    assert "Credit" in page and "$20.00" in page and "Late delivery" in page and "Sara Ahmadi" in page
    assert f"/en/staff/credit/grant/?customer={customer_reza.public_id}" in page
