import pytest

from helpdesk.customers.selectors import customers_for_staff, orders_for_customer
from tests.conftest import EMMA, make_order

pytestmark = pytest.mark.django_db


def test_an_agent_sees_every_customer(client, agent_sara, customer_reza, customer_emma):
    client.force_login(agent_sara)

    html = client.get("/en/staff/customers/").content.decode()

    assert "رضا محمدی" in html
    assert "Emma Clarke" in html
    assert f'href="/en/staff/customers/{customer_reza.public_id}/"' in html


@pytest.mark.parametrize("query", ["emma", "Clarke", "EMMA@example", "c-emma"])
def test_an_agent_finds_a_customer_by_name_email_or_external_id(
    client, agent_sara, customer_reza, customer_emma, query
):
    client.force_login(agent_sara)

    html = client.get("/en/staff/customers/", {"q": query}).content.decode()

    assert "Emma Clarke" in html
    assert "رضا محمدی" not in html


def test_a_search_that_matches_nobody_says_so(client, agent_sara, customer_emma):
    client.force_login(agent_sara)

    html = client.get("/en/staff/customers/", {"q": "nobody"}).content.decode()

    assert "No customers match." in html


def test_a_customer_page_shows_their_details_and_orders(client, manager_lina, customer_emma):
    client.force_login(manager_lina)

    html = client.get(f"/en/staff/customers/{customer_emma.public_id}/").content.decode()

    assert "emma@example.com" in html
    assert "c-emma" in html
    assert "ORD-EMMA-1" in html


def test_the_customer_list_costs_one_query(django_assert_num_queries, customer_reza, customer_emma):
    with django_assert_num_queries(1):
        assert len(list(customers_for_staff())) == 2


def test_a_customers_orders_cost_two_queries_however_many_there_are(django_assert_num_queries, customer_emma):
    make_order("ORD-EMMA-2", EMMA)
    make_order("ORD-EMMA-3", EMMA)

    with django_assert_num_queries(2):
        lines = [line.sku for order in orders_for_customer(customer=customer_emma) for line in order.lines.all()]

    assert len(lines) == 3
