import re
import uuid

import pytest

from tests.helpdesk.permissions import sign_in_customer

pytestmark = pytest.mark.django_db


def test_a_customer_sees_only_their_own_orders(client, customer_reza, customer_emma):
    sign_in_customer(client, customer_reza)

    html = client.get("/fa/account/").content.decode()

    assert '<html lang="fa" dir="rtl">' in html
    assert "رضا محمدی" in html
    assert "ORD-REZA-1" in html
    assert "ORD-EMMA-1" not in html
    assert "Emma" not in html


def test_order_links_carry_random_ids_not_counters(client, customer_reza):
    sign_in_customer(client, customer_reza)
    order = customer_reza.orders.get()

    html = client.get("/en/account/").content.decode()

    links = re.findall(r'href="/en/account/orders/([^/"]+)/"', html)
    assert links == [str(order.public_id)]
    assert uuid.UUID(links[0]).version == 4
    assert client.get(f"/en/account/orders/{order.pk}/").status_code == 404
    assert client.get("/en/account/orders/ORD-REZA-1/").status_code == 404


def test_an_order_page_shows_its_lines(client, customer_emma):
    sign_in_customer(client, customer_emma)
    order = customer_emma.orders.get()

    response = client.get(f"/en/account/orders/{order.public_id}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "ORD-EMMA-1" in html
    assert "Saffron tea" in html
    assert "42.00 EUR" in html


def test_another_customers_order_is_not_found(client, customer_reza, customer_emma):
    sign_in_customer(client, customer_emma)
    rezas_order = customer_reza.orders.get()

    response = client.get(f"/en/account/orders/{rezas_order.public_id}/")

    assert response.status_code == 404
    assert "ORD-REZA-1" not in response.content.decode()


def test_a_customer_with_no_orders_is_told_so(client, customer_emma):
    customer_emma.orders.all().delete()
    sign_in_customer(client, customer_emma)

    assert "You have no orders with us yet." in client.get("/en/account/").content.decode()


def test_a_removed_customer_is_signed_out(client, customer_emma):
    sign_in_customer(client, customer_emma)
    customer_emma.orders.all().delete()
    customer_emma.delete()

    response = client.get("/en/account/")

    assert response.status_code == 302
    assert response["Location"] == "/en/account/sign-in/?next=/en/account/"
    assert "Sign in" in client.get("/en/").content.decode()


def test_the_shell_offers_a_signed_in_customer_their_account(client, customer_emma):
    sign_in_customer(client, customer_emma)

    html = client.get("/en/").content.decode()

    assert 'href="/en/account/">My account</a>' in html
    assert 'action="/en/account/sign-out/"' in html
