"""Someone else's ids on the write paths: refused with a 4xx, and nothing is written anywhere.

tests/helpdesk/test_permission_matrix.py and the per-area matrices say who may open which page;
here each write that names another customer's ticket, order or link is checked to leave every
table as it was. Chats and survey links have their own (tests/chat, test_surveys.py).
"""

import pytest

from helpdesk.tickets.models import Status
from helpdesk.tickets.services import ticket_create
from tests.hostile.conftest import MARKUP, nothing_written
from tests.hostile.inert import assert_inert

pytestmark = pytest.mark.django_db

NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def reza_ticket(customer_reza):
    return ticket_create(customer=customer_reza, subject="سفارش نرسیده", body="Hello")


@pytest.fixture
def emma_ticket(customer_emma):
    return ticket_create(customer=customer_emma, subject="Parcel", body="Where is it?")


@pytest.mark.parametrize(
    "order",
    [lambda reza: str(reza.orders.get().public_id), lambda reza: NO_SUCH_ID, lambda reza: MARKUP["script"]],
    ids=["rezas-order", "no-such-order", "markup"],
)
def test_opening_a_ticket_about_someone_elses_order_is_refused(emma, customer_reza, order):
    data = {"subject": "Refund", "message": "Please", "order": order(customer_reza)}

    with nothing_written():
        response = emma.post("/en/support/new/", data)

    assert response.status_code == 400
    assert_inert(response.content, MARKUP["script"])  # the refusal names the value, as text


@pytest.mark.parametrize(
    ("action", "data"), [("reply/", {"message": "Mine now"}), ("solve/", {})], ids=["reply", "solve"]
)
def test_writing_on_someone_elses_ticket_is_a_404_and_changes_nothing(emma, reza_ticket, action, data):
    with nothing_written():
        response = emma.post(f"/en/support/{reza_ticket.public_id}/{action}", data)

    assert response.status_code == 404
    reza_ticket.refresh_from_db()
    assert reza_ticket.status == Status.NEW and reza_ticket.messages.count() == 1


def test_an_agent_cannot_merge_one_customers_ticket_into_anothers(sara, reza_ticket, emma_ticket):
    with nothing_written():
        response = sara.post(f"/en/staff/tickets/{reza_ticket.pk}/merge/", {"target": str(emma_ticket.pk)})

    assert response.status_code == 400
    assert "Only tickets from the same customer can be merged." in response.content.decode()
    reza_ticket.refresh_from_db()
    assert reza_ticket.merged_into_id is None


def test_an_agent_cannot_link_one_customers_ticket_to_anothers_order(sara, reza_ticket, customer_emma):
    with nothing_written():
        response = sara.post(f"/en/staff/tickets/{reza_ticket.pk}/order/", {"order": "ORD-EMMA-1"})

    assert response.status_code == 400
    assert "That order does not belong to this customer." in response.content.decode()


@pytest.mark.parametrize("target", ["999999", "-1", "٠", MARKUP["script"], "1e9", "²"])
def test_merging_into_a_ticket_that_does_not_exist_is_refused(sara, reza_ticket, target):
    with nothing_written():
        response = sara.post(f"/en/staff/tickets/{reza_ticket.pk}/merge/", {"target": target})

    assert response.status_code == 400
    assert "There is no ticket with that number." in response.content.decode()
