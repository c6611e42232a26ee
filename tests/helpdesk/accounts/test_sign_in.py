import re

import pytest

from helpdesk.accounts.ratelimits import SIGN_IN_RATE_PER_ACCOUNT, SIGN_IN_RATE_PER_IP
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/en/staff/sign-in/"


def _limit(rate: str) -> int:
    return int(rate.split("/")[0])


def _sign_in(client, email, password=PASSWORD, **data):
    return client.post(SIGN_IN, {"username": email, "password": password, **data})


def test_good_credentials_sign_the_agent_in(client, agent_sara):
    response = _sign_in(client, "sara@example.com")

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert "Sign out (<bdi>Sara Ahmadi</bdi>)" in client.get("/en/").content.decode()


def test_the_email_is_not_case_sensitive(client, agent_sara):
    response = _sign_in(client, "  Sara@Example.COM ")

    assert response.status_code == 302
    assert client.get("/en/staff/customers/").status_code == 200


def test_wrong_password_shows_an_error_summary(client, agent_sara):
    response = _sign_in(client, "sara@example.com", "not the password")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "That email and password do not match a staff account." in html
    assert "_auth_user_id" not in client.session


def test_empty_fields_are_flagged_for_assistive_technology(client, db):
    response = client.post(SIGN_IN, {"username": "", "password": ""})

    html = response.content.decode()
    email_input = re.search(r"<input[^>]*name=\"username\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in email_input
    assert 'aria-describedby="id_username_error"' in email_input
    assert 'id="id_username_error"' in html
    assert 'href="#id_username"' in html  # the summary links to the field
    assert 'autocomplete="username"' in email_input
    assert 'autocomplete="current-password"' in html
    assert '<label for="id_username">Email</label>' in html


def test_the_form_reads_right_to_left_in_persian_with_the_email_left_to_right(client, db):
    response = client.get("/fa/staff/sign-in/")

    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    email_input = re.search(r"<input[^>]*name=\"username\"[^>]*>", html).group(0)
    assert 'dir="ltr"' in email_input


def test_next_takes_the_agent_back_to_where_they_were(client, agent_sara):
    response = client.post(f"{SIGN_IN}?next=/cms/", {"username": "sara@example.com", "password": PASSWORD})

    assert response["Location"] == "/cms/"


def test_next_pointing_off_site_is_ignored(client, agent_sara):
    response = _sign_in(client, "sara@example.com", next="https://evil.example/")

    assert response["Location"] == "/en/"


@pytest.mark.usefixtures("rate_window")
def test_too_many_attempts_for_one_account_are_refused(client, agent_sara):
    for _ in range(_limit(SIGN_IN_RATE_PER_ACCOUNT)):
        assert _sign_in(client, "sara@example.com", "guess").status_code == 200

    response = _sign_in(client, "SARA@example.com")  # even the right password, in any case

    assert response.status_code == 429
    assert "Too many attempts. Please wait a minute and try again." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("rate_window")
def test_too_many_attempts_from_one_address_are_refused(client, agent_sara):
    for number in range(_limit(SIGN_IN_RATE_PER_IP)):
        assert _sign_in(client, f"guess{number}@example.com", "guess").status_code == 200

    assert _sign_in(client, "sara@example.com").status_code == 429
    elsewhere = client.post(SIGN_IN, {"username": "sara@example.com", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302


def test_looking_at_the_form_is_not_rate_limited(client, db):
    for _ in range(_limit(SIGN_IN_RATE_PER_IP) + 1):
        response = client.get(SIGN_IN)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("login_url", "expected"),
    [
        ("/admin/login/?next=/admin/orders/order/", "/en/staff/sign-in/?next=/admin/orders/order/"),
        ("/cms/login/?next=/cms/pages/", "/en/staff/sign-in/?next=/cms/pages/"),
    ],
)
def test_both_admins_sign_in_through_the_staff_page(client, db, login_url, expected):
    response = client.get(login_url)

    assert response.status_code == 302
    assert response["Location"] == expected


def test_signing_out_ends_the_staff_session(client, agent_sara):
    client.force_login(agent_sara)

    response = client.post("/en/staff/sign-out/")

    assert response.status_code == 302
    assert client.get("/en/staff/customers/").status_code == 302


def test_signing_out_needs_a_post(client, agent_sara):
    client.force_login(agent_sara)

    assert client.get("/en/staff/sign-out/").status_code == 405
    assert client.get("/en/staff/customers/").status_code == 200


def test_a_signed_in_agent_visiting_the_form_goes_home(client, agent_sara):
    client.force_login(agent_sara)

    response = client.get(SIGN_IN)

    assert response["Location"] == "/en/"
