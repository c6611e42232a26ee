"""Who may open what among the ticket pages: every URL × anonymous, customer A, customer B, agent, manager.

Reza (customer A) owns the ticket; Emma (customer B) must learn nothing about it.
Staff pages send customers to the staff sign-in; the portal sends staff to the customer sign-in.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.tickets.models import Attachment, Macro
from helpdesk.tickets.services import ticket_add_note, ticket_create
from tests.helpdesk.permissions import (
    BAD_REQUEST,
    CUSTOMER_SIGN_IN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    STAFF_SIGN_IN,
    Row,
    cases,
    check_row,
)

NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"
T = "{ticket_reza.public_id}"
S = "/en/staff/tickets/{ticket_reza.pk}"

CSI, SSI = CUSTOMER_SIGN_IN, STAFF_SIGN_IN


def portal(method, url, *, reza, emma, data=None):
    """A customer page: visitors and staff are asked to sign in as a customer."""
    return Row(
        method=method,
        url=url,
        anonymous=CSI,
        customer_reza=reza,
        customer_emma=emma,
        agent_sara=CSI,
        manager_lina=CSI,
        admin_user=CSI,
        data=data,
    )


def staff(method, url, *, outcome, data=None):
    """A staff page: visitors and customers are asked to sign in as staff."""
    return Row(
        method=method,
        url=url,
        anonymous=SSI,
        customer_reza=SSI,
        customer_emma=SSI,
        agent_sara=outcome,
        manager_lina=outcome,
        admin_user=outcome,
        data=data,
    )


def everyone(method, url, outcome, data=None):
    return Row(
        method=method,
        url=url,
        anonymous=outcome,
        customer_reza=outcome,
        customer_emma=outcome,
        agent_sara=outcome,
        manager_lina=outcome,
        admin_user=outcome,
        data=data,
    )


ROWS = [
    # Customer portal.
    portal("GET", "/en/support/", reza=OK, emma=OK),
    everyone("GET", "/en/support/new/", OK),
    portal("GET", f"/en/support/{T}/", reza=OK, emma=NOT_FOUND),
    portal("GET", f"/en/support/{NO_SUCH_ID}/", reza=NOT_FOUND, emma=NOT_FOUND),
    portal("POST", f"/en/support/{T}/reply/", reza=REDIRECT, emma=NOT_FOUND, data={"message": "Any news?"}),
    portal("POST", f"/en/support/{T}/solve/", reza=REDIRECT, emma=NOT_FOUND),
    everyone("GET", f"/en/support/{T}/reply/", NOT_ALLOWED),
    everyone("GET", f"/en/support/{T}/solve/", NOT_ALLOWED),
    portal("GET", "/en/support/attachments/{public_attachment.public_id}/", reza=OK, emma=NOT_FOUND),
    portal("GET", "/en/support/attachments/{note_attachment.public_id}/", reza=NOT_FOUND, emma=NOT_FOUND),
    everyone("GET", "/en/support/confirm/not-a-token/", OK),
    everyone("POST", "/en/support/confirm/not-a-token/", BAD_REQUEST),
    # Agent inbox and ticket page.
    staff("GET", "/en/staff/tickets/", outcome=OK),
    staff("GET", "/en/staff/tickets/?view=breached&q=%3Cscript%3E", outcome=OK),
    staff("GET", f"{S}/", outcome=OK),
    staff("GET", "/en/staff/tickets/999999/", outcome=NOT_FOUND),
    staff("POST", f"{S}/reply/", outcome=REDIRECT, data={"body": "On its way", "status": ""}),
    staff("POST", f"{S}/note/", outcome=REDIRECT, data={"body": "Check the courier"}),
    staff("POST", f"{S}/assign/", outcome=REDIRECT, data={"assignee": "me"}),
    staff("POST", f"{S}/status/", outcome=REDIRECT, data={"status": "pending"}),
    staff("POST", f"{S}/priority/", outcome=REDIRECT, data={"priority": "high"}),
    staff("POST", f"{S}/tags/", outcome=REDIRECT, data={"add": "shipping"}),
    staff("POST", f"{S}/team/", outcome=REDIRECT, data={"team": ""}),
    staff("POST", f"{S}/order/", outcome=REDIRECT, data={"order": "ORD-REZA-1"}),
    staff("POST", f"{S}/merge/", outcome=REDIRECT, data={"target": "{other_ticket_reza.pk}"}),
    staff("POST", f"{S}/macro/", outcome=REDIRECT, data={"macro": "{macro.pk}", "body": ""}),
    staff("POST", "/en/staff/tickets/999999/note/", outcome=NOT_FOUND, data={"body": "x"}),
    staff("POST", "/en/staff/tickets/bulk/", outcome=REDIRECT,
          data={"tickets": "{ticket_reza.pk}", "action": "status", "status": "pending"}),
    staff("GET", "/en/staff/tickets/attachments/{public_attachment.public_id}/", outcome=OK),
    staff("GET", "/en/staff/tickets/attachments/{note_attachment.public_id}/", outcome=OK),
    staff("GET", f"/en/staff/tickets/attachments/{NO_SUCH_ID}/", outcome=NOT_FOUND),
    staff("GET", "/en/staff/tickets/macros/{macro.pk}/preview/?ticket={ticket_reza.pk}", outcome=OK),
    staff("GET", "/en/staff/preferences/", outcome=OK),
    # Ticket administration is read-only and for staff only.
    staff("GET", "/admin/tickets/ticket/", outcome=OK),
    staff("GET", "/admin/tickets/macro/", outcome=OK),
]  # fmt: skip


def png(name):
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="image/png")


@pytest.fixture
def ticket_reza(customer_reza):
    return ticket_create(customer=customer_reza, subject="سفارش نرسیده", body="Hello", attachments=[png("a.png")])


@pytest.fixture
def other_ticket_reza(customer_reza):
    return ticket_create(customer=customer_reza, subject="Duplicate", body="Hello again")


@pytest.fixture
def public_attachment(ticket_reza):
    return Attachment.objects.get(message__ticket=ticket_reza, message__public=True)


@pytest.fixture
def note_attachment(ticket_reza, agent_sara):
    note = ticket_add_note(ticket=ticket_reza, body="Photo from the courier", by=agent_sara, attachments=[png("b.png")])
    return note.attachments.get()


@pytest.fixture
def macro(db):
    return Macro.objects.create(name="Thanks")


@pytest.fixture(autouse=True)
def _whole_cast(customer_reza, customer_emma, agent_sara, manager_lina, admin_user, ticket_reza, other_ticket_reza):
    """Everyone and every object exists in every cell, so 'not found' means hidden, not missing."""


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor"), cases(ROWS))
def test_ticket_permission_matrix(client, request, row, actor):
    check_row(client, request, row, actor)
