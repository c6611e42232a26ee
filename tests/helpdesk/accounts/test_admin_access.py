"""After signing in, each role reaches the admin it works in, and sees only what it may."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, email, next_url):
    return client.post(f"/en/staff/sign-in/?next={next_url}", {"username": email, "password": PASSWORD})


def test_an_agent_signs_in_to_the_knowledge_base_editor(client, agent_sara):
    response = _sign_in(client, "sara@example.com", "/cms/")

    assert response["Location"] == "/cms/"
    assert client.get("/cms/").status_code == 200


def test_an_agent_sees_customers_and_orders_read_only_in_the_django_admin(client, agent_sara, customer_reza):
    client.force_login(agent_sara)

    index = client.get("/admin/").content.decode()
    change_page = client.get(f"/admin/customers/customer/{customer_reza.pk}/change/").content.decode()

    assert "/admin/customers/customer/" in index
    assert "/admin/orders/order/" in index
    assert "/admin/api/apikey/" not in index
    assert "/admin/accounts/user/" not in index
    assert 'name="_save"' not in change_page  # a view-only page has no save button


def test_a_manager_signs_in_to_the_django_admin_and_may_correct_a_customer(client, manager_lina, customer_reza):
    response = _sign_in(client, "lina@example.com", "/admin/")
    assert response["Location"] == "/admin/"

    index = client.get("/admin/").content.decode()
    change_page = client.get(f"/admin/customers/customer/{customer_reza.pk}/change/").content.decode()

    assert "/admin/api/apikey/" in index
    assert "/admin/accounts/user/" not in index
    assert 'name="_save"' in change_page


def test_the_administrator_manages_staff_in_the_django_admin(client, admin_user):
    _sign_in(client, "root@example.com", "/admin/")

    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 200


def test_staff_without_a_role_are_told_rather_than_sent_round_in_circles(client, django_user_model):
    nobody = django_user_model.objects.create_user("nobody@example.com", PASSWORD, is_staff=True, first_name="Nour")
    client.force_login(nobody)

    response = client.get("/cms/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/en/staff/sign-in/?next=")
    html = response.content.decode()
    assert response.status_code == 200
    assert "You do not have permission to access the admin." in html
    assert "You are signed in as <bdi>Nour</bdi>, but that page needs another account." in html


def test_staff_without_a_role_cannot_see_customers(client, django_user_model, customer_reza):
    nobody = django_user_model.objects.create_user("nobody@example.com", PASSWORD, is_staff=True)
    client.force_login(nobody)

    assert client.get("/en/staff/customers/").status_code == 403
    assert client.get(f"/en/staff/customers/{customer_reza.public_id}/").status_code == 403
    assert client.get("/admin/customers/customer/").status_code == 403
