"""Who may open what: every page × every member of the cast.

Add a row for each new page; the placeholders name fixtures (see tests/helpdesk/permissions.py).
"""

import pytest

from tests.helpdesk.permissions import (
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
)

NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"

ROWS = [
    # Public pages.
    Row(method="GET", url="/en/", anonymous=OK, customer_reza=OK, customer_emma=OK,
        agent_sara=OK, manager_lina=OK, admin_user=OK),
    # Sign-in pages send whoever is already signed in on to where they are going.
    Row(method="GET", url="/fa/account/sign-in/", anonymous=OK, customer_reza=REDIRECT, customer_emma=REDIRECT,
        agent_sara=OK, manager_lina=OK, admin_user=OK),
    Row(method="GET", url="/en/staff/sign-in/", anonymous=OK, customer_reza=OK, customer_emma=OK,
        agent_sara=REDIRECT, manager_lina=REDIRECT, admin_user=REDIRECT),
    # The customer portal: customers only, each to their own orders. Staff use the staff pages.
    Row(method="GET", url="/en/account/", anonymous=CUSTOMER_SIGN_IN, customer_reza=OK, customer_emma=OK,
        agent_sara=CUSTOMER_SIGN_IN, manager_lina=CUSTOMER_SIGN_IN, admin_user=CUSTOMER_SIGN_IN),
    Row(method="GET", url="/en/account/orders/{order_reza.public_id}/", anonymous=CUSTOMER_SIGN_IN,
        customer_reza=OK, customer_emma=NOT_FOUND,
        agent_sara=CUSTOMER_SIGN_IN, manager_lina=CUSTOMER_SIGN_IN, admin_user=CUSTOMER_SIGN_IN),
    Row(method="GET", url="/en/account/orders/{order_emma.public_id}/", anonymous=CUSTOMER_SIGN_IN,
        customer_reza=NOT_FOUND, customer_emma=OK,
        agent_sara=CUSTOMER_SIGN_IN, manager_lina=CUSTOMER_SIGN_IN, admin_user=CUSTOMER_SIGN_IN),
    Row(method="GET", url=f"/en/account/orders/{NO_SUCH_ID}/", anonymous=CUSTOMER_SIGN_IN,
        customer_reza=NOT_FOUND, customer_emma=NOT_FOUND,
        agent_sara=CUSTOMER_SIGN_IN, manager_lina=CUSTOMER_SIGN_IN, admin_user=CUSTOMER_SIGN_IN),
    # Staff pages.
    Row(method="GET", url="/en/staff/customers/", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN,
        agent_sara=OK, manager_lina=OK, admin_user=OK),
    Row(method="GET", url="/en/staff/customers/{customer_reza.public_id}/", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN,
        agent_sara=OK, manager_lina=OK, admin_user=OK),
    Row(method="GET", url=f"/en/staff/customers/{NO_SUCH_ID}/", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN,
        agent_sara=NOT_FOUND, manager_lina=NOT_FOUND, admin_user=NOT_FOUND),
    Row(method="POST", url="/en/staff/customers/", anonymous=NOT_ALLOWED, customer_reza=NOT_ALLOWED,
        customer_emma=NOT_ALLOWED, agent_sara=NOT_ALLOWED, manager_lina=NOT_ALLOWED, admin_user=NOT_ALLOWED),
    # Signing out works for anyone and leads home.
    Row(method="POST", url="/en/account/sign-out/", anonymous=REDIRECT, customer_reza=REDIRECT,
        customer_emma=REDIRECT, agent_sara=REDIRECT, manager_lina=REDIRECT, admin_user=REDIRECT),
    # Wagtail admin: every role edits the knowledge base.
    Row(method="GET", url="/cms/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=OK, manager_lina=OK, admin_user=OK),
    # Django admin: open to all staff, showing each only what their permissions allow.
    Row(method="GET", url="/admin/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=OK, manager_lina=OK, admin_user=OK),
    Row(method="GET", url="/admin/customers/customer/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=OK, manager_lina=OK, admin_user=OK),
    Row(method="GET", url="/admin/customers/customer/{customer_reza.pk}/change/", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN, agent_sara=OK, manager_lina=OK, admin_user=OK),
    Row(method="GET", url="/admin/customers/customer/add/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=FORBIDDEN, manager_lina=FORBIDDEN, admin_user=OK),
    Row(method="GET", url="/admin/orders/order/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=OK, manager_lina=OK, admin_user=OK),
    Row(method="GET", url="/admin/api/apikey/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=FORBIDDEN, manager_lina=OK, admin_user=OK),
    Row(method="GET", url="/admin/chat/conversation/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=OK, manager_lina=OK, admin_user=OK),
    Row(method="GET", url="/admin/chat/chatsettings/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=FORBIDDEN, manager_lina=OK, admin_user=OK),
    Row(method="GET", url="/admin/accounts/user/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=FORBIDDEN, manager_lina=FORBIDDEN, admin_user=OK),
    Row(method="GET", url="/admin/auth/group/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=FORBIDDEN, manager_lina=FORBIDDEN, admin_user=OK),
]  # fmt: skip


@pytest.fixture
def order_reza(customer_reza):
    return customer_reza.orders.get()


@pytest.fixture
def order_emma(customer_emma):
    return customer_emma.orders.get()


@pytest.fixture(autouse=True)
def _whole_cast(customer_reza, customer_emma, agent_sara, manager_lina, admin_user):
    """Everyone exists in every cell, so 'not found' means hidden, not missing."""


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor"), cases(ROWS))
def test_permission_matrix(client, request, row, actor):
    check_row(client, request, row, actor)
