"""Who may open what in the chat console: every URL × the cast, and a colleague on someone else's chat.

Sara holds Reza's chat. Customers are not staff: the staff pages ask them to sign in as staff.
A chat's endpoints answer its assignee and managers; to anyone else the chat does not exist.
"""

import pytest

from chat.models import Conversation
from tests.helpdesk.permissions import (
    BAD_REQUEST,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    STAFF_SIGN_IN,
    Row,
    cases,
    check_row,
)

from .test_console import a_chat, shipped_macro

NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"
C = "/en/staff/chat/{chat_sara.public_id}"
SSI = STAFF_SIGN_IN


def staff(method, url, *, outcome, data=None):
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


def everyone(method, url, outcome):
    return Row(
        method=method,
        url=url,
        anonymous=outcome,
        customer_reza=outcome,
        customer_emma=outcome,
        agent_sara=outcome,
        manager_lina=outcome,
        admin_user=outcome,
    )


ROWS = [
    staff("GET", "/en/staff/chat/", outcome=OK),
    staff("GET", f"{C}/panel/", outcome=OK),
    staff("GET", f"{C}/macros/{{macro_shipped.pk}}/", outcome=OK),
    staff("POST", f"{C}/ticket/", outcome=OK, data={"subject": "Where is my order?"}),
    staff("POST", f"{C}/ticket/", outcome=BAD_REQUEST, data={"subject": ""}),
    staff("GET", f"/en/staff/chat/{NO_SUCH_ID}/panel/", outcome=NOT_FOUND),
    staff("GET", f"/en/staff/chat/{NO_SUCH_ID}/macros/{{macro_shipped.pk}}/", outcome=NOT_FOUND),
    staff("POST", f"/en/staff/chat/{NO_SUCH_ID}/ticket/", outcome=NOT_FOUND, data={"subject": "x"}),
    everyone("POST", "/en/staff/chat/", NOT_ALLOWED),
    everyone("GET", f"{C}/ticket/", NOT_ALLOWED),
    everyone("POST", f"{C}/panel/", NOT_ALLOWED),
]  # fmt: skip


@pytest.fixture
def chat_sara(agent_sara, customer_reza):
    return a_chat(customer=customer_reza, agent=agent_sara)


@pytest.fixture
def macro_shipped(db):
    return shipped_macro()


@pytest.fixture(autouse=True)
def _whole_cast(customer_reza, customer_emma, agent_sara, manager_lina, admin_user, chat_sara):
    """Everyone and every chat exists in every cell, so 'not found' means hidden, not missing."""


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor"), cases(ROWS))
def test_console_permission_matrix(client, request, row, actor):
    check_row(client, request, row, actor)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "panel/"), ("get", "macros/{macro}/"), ("post", "ticket/")],
)
def test_a_colleague_cannot_reach_someone_elses_chat(client, agent_omar, chat_sara, macro_shipped, method, path):
    client.force_login(agent_omar)

    url = f"/en/staff/chat/{chat_sara.public_id}/" + path.format(macro=macro_shipped.pk)
    response = getattr(client, method)(url, {"subject": "mine now"} if method == "post" else {})

    assert response.status_code == 404
    assert Conversation.objects.get(pk=chat_sara.pk).ticket is None


@pytest.mark.django_db
def test_a_staff_account_without_an_agent_role_is_refused(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk@example.com", "a long password 123", is_staff=True)
    client.force_login(clerk)

    assert client.get("/en/staff/chat/").status_code == 403


@pytest.mark.django_db
def test_a_chat_still_waiting_belongs_to_no_agent_yet(client, agent_sara, manager_lina):
    waiting = a_chat(locale="en", said=("anyone?",))

    client.force_login(agent_sara)
    as_agent = client.get(f"/en/staff/chat/{waiting.public_id}/panel/").status_code
    client.force_login(manager_lina)
    as_manager = client.get(f"/en/staff/chat/{waiting.public_id}/panel/").status_code

    assert (as_agent, as_manager) == (404, 200)
