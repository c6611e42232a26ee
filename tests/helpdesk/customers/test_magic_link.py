import re
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from helpdesk.customers.models import MagicLink
from helpdesk.customers.session import SESSION_KEY
from helpdesk.customers.views import LINK_REQUEST_RATE_PER_EMAIL, LINK_REQUEST_RATE_PER_IP

pytestmark = pytest.mark.django_db

SIGN_IN = "/en/account/sign-in/"
LINK = re.compile(r"https?://\S+/account/sign-in/\S+")


@pytest.fixture
def request_link(client, django_capture_on_commit_callbacks):
    """Post the sign-in form as the browser would; the email goes out when the request commits."""

    def post(email, *, remote_addr="127.0.0.1", **data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGN_IN, {"email": email, **data}, REMOTE_ADDR=remote_addr)

    return post


def _emailed_link(message=None) -> str:
    """The path and query of the sign-in link in the (last) email."""
    message = message or mail.outbox[-1]
    url = urlsplit(LINK.search(message.body).group(0))
    return f"{url.path}?{url.query}" if url.query else url.path


def _signed_in_customer_id(client):
    return client.session.get(SESSION_KEY)


# Asking for a link


def test_a_customer_is_emailed_a_sign_in_link(request_link, customer_emma):
    response = request_link("emma@example.com")

    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["emma@example.com"]
    assert _emailed_link().startswith("/en/account/sign-in/")
    assert "expires in 15 minutes" in mail.outbox[0].body


def test_the_link_opens_the_site_in_the_customers_language(request_link, customer_reza):
    request_link("Reza@Example.com")  # from an English page, in another case

    assert mail.outbox[0].to == ["reza@example.com"]
    assert _emailed_link().startswith("/fa/account/sign-in/")


def test_an_unknown_address_gets_the_same_answer_and_no_email(request_link, customer_emma):
    known = request_link("emma@example.com")
    mail.outbox.clear()

    unknown = request_link("stranger@example.com")

    assert unknown.status_code == known.status_code == 200
    assert unknown.templates[0].name == known.templates[0].name == "customers/sign_in_sent.html"
    assert 'If <bdi class="ltr">stranger@example.com</bdi> belongs to an account' in unknown.content.decode()
    assert mail.outbox == []


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_a_mail_server_that_is_down_does_not_give_the_account_away(request_link, customer_emma, settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailServer"

    response = request_link("emma@example.com")

    assert response.status_code == 200
    assert 'If <bdi class="ltr">emma@example.com</bdi> belongs to an account' in response.content.decode()


def test_an_invalid_address_is_explained_next_to_the_field(request_link, db):
    response = request_link("not an email")

    html = response.content.decode()
    field = re.search(r"<input[^>]*name=\"email\"[^>]*>", html).group(0)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_email_error"' in field
    assert 'autocomplete="email"' in field
    assert 'dir="ltr"' in field
    assert 'role="alert"' in html
    assert 'href="#id_email"' in html
    assert '<label for="id_email">Your email address</label>' in html
    assert mail.outbox == []


def test_the_sign_in_form_reads_right_to_left_in_persian(client, db):
    html = client.get("/fa/account/sign-in/").content.decode()

    assert '<html lang="fa" dir="rtl">' in html
    assert 'autocomplete="email"' in html


@pytest.mark.usefixtures("rate_window")
def test_asking_too_often_for_one_address_is_refused_politely(request_link, customer_emma):
    for _ in range(int(LINK_REQUEST_RATE_PER_EMAIL.split("/")[0])):
        assert request_link("emma@example.com").status_code == 200

    response = request_link(" EMMA@example.com", remote_addr="198.51.100.7")

    assert response.status_code == 429
    assert "Too many attempts. Please wait a minute and try again." in response.content.decode()
    assert len(mail.outbox) == int(LINK_REQUEST_RATE_PER_EMAIL.split("/")[0])


@pytest.mark.usefixtures("rate_window")
def test_asking_too_often_from_one_address_is_refused(request_link, customer_emma):
    for number in range(int(LINK_REQUEST_RATE_PER_IP.split("/")[0])):
        assert request_link(f"someone{number}@example.com").status_code == 200

    assert request_link("emma@example.com").status_code == 429
    assert mail.outbox == []


# Using a link


def test_opening_the_link_asks_for_a_press_and_uses_nothing(client, request_link, customer_emma):
    request_link("emma@example.com")

    response = client.get(_emailed_link())

    html = response.content.decode()
    assert response.status_code == 200
    assert '<button type="submit">Sign me in</button>' in html
    assert MagicLink.objects.get().used_at is None
    assert _signed_in_customer_id(client) is None


def test_pressing_the_button_signs_the_customer_in(client, request_link, customer_emma):
    request_link("emma@example.com")

    response = client.post(_emailed_link())

    assert response.status_code == 302
    assert response["Location"] == "/en/account/"
    assert _signed_in_customer_id(client) == customer_emma.pk
    assert "Hello, <bdi>Emma Clarke</bdi>" in client.get("/en/account/").content.decode()


def test_a_link_works_only_once(client, request_link, customer_emma):
    request_link("emma@example.com")
    link = _emailed_link()
    client.post(link)
    client.post("/en/account/sign-out/")

    response = client.post(link)

    assert response.status_code == 400
    assert "This sign-in link has already been used." in response.content.decode()
    assert _signed_in_customer_id(client) is None


def test_a_link_still_works_just_before_it_expires(client, request_link, customer_emma, clock):
    request_link("emma@example.com")
    clock.advance(minutes=14, seconds=50)

    assert client.post(_emailed_link()).status_code == 302


def test_an_expired_link_is_refused(client, request_link, customer_emma, clock):
    request_link("emma@example.com")
    clock.advance(minutes=15, seconds=10)

    response = client.post(_emailed_link())

    assert response.status_code == 400
    assert "This sign-in link has expired." in response.content.decode()
    assert _signed_in_customer_id(client) is None


def test_the_lifetime_of_a_link_is_a_setting(client, request_link, customer_emma, clock, settings):
    settings.MAGIC_LINK_MAX_AGE = 60
    request_link("emma@example.com")
    clock.advance(seconds=70)

    response = client.post(_emailed_link())

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert "expires in 1 minute:" in mail.outbox[0].body


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"), id="signature"),
        pytest.param(lambda token: ("x" if token[0] != "x" else "y") + token[1:], id="token"),
        pytest.param(lambda token: token.rsplit(":", 1)[0], id="signature removed"),
    ],
)
def test_a_tampered_link_is_refused(client, request_link, customer_emma, tamper):
    request_link("emma@example.com")
    path = _emailed_link()
    token = path.rstrip("/").rsplit("/", 1)[1]

    response = client.post(path.replace(token, tamper(token)))

    assert response.status_code == 400
    assert "This sign-in link is not valid." in response.content.decode()
    assert MagicLink.objects.get().used_at is None


def test_the_customer_lands_on_the_page_they_asked_for(client, request_link, customer_reza):
    order = customer_reza.orders.get()
    portal_order = f"/fa/account/orders/{order.public_id}/"
    assert client.get(portal_order)["Location"] == f"/fa/account/sign-in/?next={portal_order}"

    request_link("reza@example.com", next=portal_order)
    link = _emailed_link()
    confirm = client.get(link).content.decode()
    response = client.post(link, {"next": portal_order})

    assert f'name="next" value="{portal_order}"' in confirm
    assert response["Location"] == portal_order


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "http://testserver@evil.example/",
    ],
)
def test_next_never_leaves_the_site(client, request_link, customer_emma, target):
    request_link("emma@example.com", next=target)
    link = _emailed_link()

    response = client.post(link, {"next": target})

    assert "next=" not in link
    assert response["Location"] == "/en/account/"


def test_signing_in_gives_a_new_session_key(client, request_link, customer_emma):
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    planted_key = session.session_key
    request_link("emma@example.com")

    client.post(_emailed_link())

    assert client.cookies["sessionid"].value != planted_key
    assert not SessionStore().exists(planted_key)


def test_signing_out_ends_the_customer_session(client, request_link, customer_emma):
    request_link("emma@example.com")
    client.post(_emailed_link())

    response = client.post("/en/account/sign-out/")

    assert response["Location"] == "/en/"
    assert _signed_in_customer_id(client) is None
    assert client.get("/en/account/")["Location"].startswith(SIGN_IN)


def test_signing_out_needs_a_post(client, request_link, customer_emma):
    request_link("emma@example.com")
    client.post(_emailed_link())

    assert client.get("/en/account/sign-out/").status_code == 405
    assert _signed_in_customer_id(client) == customer_emma.pk


def test_a_signed_in_customer_is_sent_on_from_the_sign_in_page(client, request_link, customer_emma):
    request_link("emma@example.com")
    client.post(_emailed_link())

    assert client.get(SIGN_IN)["Location"] == "/en/account/"
