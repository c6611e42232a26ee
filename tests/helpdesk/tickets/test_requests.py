"""Writing in without an account: nothing becomes a ticket until the address is confirmed."""

import re
from datetime import timedelta
from io import StringIO
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from helpdesk.core.schedule import JOBS
from helpdesk.customers.models import Customer
from helpdesk.customers.session import SESSION_KEY
from helpdesk.tickets.errors import TicketError, TicketErrorCode
from helpdesk.tickets.models import Ticket, TicketRequest
from helpdesk.tickets.portal_views import NEW_REQUEST_RATE_PER_EMAIL, mask_email
from helpdesk.tickets.requests import ticket_request_confirm, ticket_request_submit, ticket_requests_purge

pytestmark = pytest.mark.django_db

NEW = "/en/support/new/"
LINK = re.compile(r"https?://\S+/support/confirm/[^/\s]+/")
FORM = {"name": "Nour Saleh", "email": "Nour@Example.com", "subject": "Gift card", "message": "It does not work."}


@pytest.fixture
def send_request(client, django_capture_on_commit_callbacks):
    """Post the anonymous form; the confirmation email goes out when the request commits."""

    def post(url=NEW, *, remote_addr="127.0.0.1", **changes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {**FORM, **changes}, REMOTE_ADDR=remote_addr)

    return post


@pytest.fixture
def confirm(client, django_capture_on_commit_callbacks):
    def post(path):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path)

    return post


def _link_path(message) -> str:
    return urlsplit(LINK.search(message.body).group(0)).path


def test_the_anonymous_form_offers_to_sign_in_instead(client):
    html = client.get(NEW).content.decode()

    assert 'name="email"' in html and 'name="name"' in html and 'name="subject"' in html
    assert 'href="/en/account/sign-in/?next=/en/support/new/">Sign in to see your orders</a>' in html
    assert 'name="order"' not in html


def test_sending_the_form_emails_a_link_and_creates_no_ticket(send_request, mailoutbox):
    response = send_request()

    html = response.content.decode()
    assert response.status_code == 200
    assert "Check your email" in html and "N•••@example.com" not in html
    assert "n•••@example.com" in html and "nour@example.com" not in html.lower()
    assert not Ticket.objects.exists()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["nour@example.com"] and email.subject == "Confirm your message to Helpdesk"
    assert _link_path(email).startswith("/en/support/confirm/")
    assert _link_path(email) in email.alternatives[0][0]
    token = _link_path(email).split("/")[-2]
    assert token not in TicketRequest.objects.get().token_hash


def test_the_email_carries_none_of_the_visitors_words(send_request, mailoutbox):
    send_request(name="Buy cheap pills", subject="WIN A PRIZE", message="Visit spam.example now")

    email = mailoutbox[0]
    text = email.subject + email.body + email.alternatives[0][0]
    assert "pills" not in text and "PRIZE" not in text and "spam.example" not in text


def test_opening_the_link_asks_before_creating_anything(client, send_request, mailoutbox):
    send_request()

    response = client.get(_link_path(mailoutbox[0]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post"' in html and "Send my message" in html
    assert '<meta name="referrer" content="no-referrer">' in html
    assert not Ticket.objects.exists()


def test_confirming_creates_one_ticket_and_signs_the_visitor_in(client, send_request, confirm, mailoutbox):
    send_request()
    link = _link_path(mailoutbox[0])

    response = confirm(link)

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/support/{ticket.public_id}/"
    assert (ticket.subject, ticket.channel, ticket.locale) == ("Gift card", "web", "en")
    assert ticket.messages.get().body == "It does not work."
    customer = ticket.customer
    assert (customer.external_id, customer.email, customer.name) == (
        "email:nour@example.com",
        "nour@example.com",
        "Nour Saleh",
    )
    assert client.session[SESSION_KEY] == customer.pk
    assert "Thank you for confirming." in client.get(response["Location"]).content.decode()
    assert [m.to for m in mailoutbox] == [["nour@example.com"], ["nour@example.com"]]  # link, then "received"

    again = confirm(link)

    assert again.status_code == 400
    assert "This link was already used: your ticket exists." in again.content.decode()
    assert Ticket.objects.count() == 1 and len(mailoutbox) == 2


def test_a_known_address_gets_the_ticket_on_its_customer(send_request, confirm, mailoutbox, customer_emma):
    send_request(email="EMMA@example.com", name="Someone else")

    confirm(_link_path(mailoutbox[0]))

    ticket = Ticket.objects.get()
    assert ticket.customer == customer_emma
    assert Customer.objects.get(pk=customer_emma.pk).name == "Emma Clarke"


def test_an_expired_link_is_refused_without_sending_mail(send_request, confirm, mailoutbox, settings):
    send_request()
    later = timezone.now() + timedelta(seconds=settings.HELPDESK_TICKET_REQUEST_MAX_AGE + 1)

    with mock.patch("django.utils.timezone.now", return_value=later):
        response = confirm(_link_path(mailoutbox[0]))

    html = response.content.decode()
    assert response.status_code == 410
    assert "This link has expired" in html and 'href="/en/support/new/"' in html
    assert not Ticket.objects.exists() and not Customer.objects.exists()
    assert len(mailoutbox) == 1


def test_an_unknown_link_is_refused(client):
    response = client.post("/en/support/confirm/not-a-real-token/")

    assert response.status_code == 400
    assert "This link is not valid." in response.content.decode()


def test_header_injection_adds_no_headers_and_keeps_the_subject_one_line(send_request, confirm, mailoutbox):
    send_request(name="Eve\r\nBcc: victim@example.com", subject="Hello\r\nBcc: victim@example.com\r\n\r\nbody")
    confirm(_link_path(mailoutbox[0]))

    ticket = Ticket.objects.get()
    assert ticket.subject == "Hello Bcc: victim@example.com body"
    assert ticket.customer.name == "Eve Bcc: victim@example.com"
    confirmation, received = mailoutbox
    assert "victim" not in confirmation.message().as_string()
    for email in (confirmation, received):
        headers = email.message()
        assert email.recipients() == ["nour@example.com"]
        assert headers.get_all("Bcc") is None and headers.get_all("Cc") is None
        assert "\n" not in email.subject and "\r" not in email.subject


def test_persian_visitors_get_a_persian_link(send_request, mailoutbox):
    send_request(url="/fa/support/new/")

    assert _link_path(mailoutbox[0]).startswith("/fa/support/confirm/")
    assert '<html lang="fa" dir="rtl">' in mailoutbox[0].alternatives[0][0]
    assert TicketRequest.objects.get().locale == "fa"


def test_a_bad_address_is_a_form_error(send_request, mailoutbox):
    response = send_request(email="not an address")

    assert response.status_code == 400
    assert 'href="#id_email"' in response.content.decode()
    assert not TicketRequest.objects.exists() and not mailoutbox


@pytest.mark.usefixtures("rate_window")
def test_requests_are_rate_limited_per_email_address(send_request, mailoutbox):
    limit = int(NEW_REQUEST_RATE_PER_EMAIL.split("/")[0])
    for n in range(limit):
        assert send_request(remote_addr=f"10.0.0.{n}").status_code == 200

    response = send_request(email="NOUR@example.com ", remote_addr="10.0.1.1")

    assert response.status_code == 429
    assert len(mailoutbox) == limit


def test_the_services_refuse_what_the_form_would(mailoutbox):
    with pytest.raises(TicketError) as error:
        ticket_request_submit(email="a@example.com", name="A", subject="\n ", body="Hi", locale="en")
    assert error.value.code == TicketErrorCode.EMPTY_SUBJECT
    with pytest.raises(TicketError) as error:
        ticket_request_confirm(token="")
    assert error.value.code == TicketErrorCode.LINK_INVALID
    assert not TicketRequest.objects.exists()


def test_addresses_are_masked_to_their_first_letter():
    assert mask_email("reza@example.com") == "r•••@example.com"


def test_expired_requests_are_purged_and_their_links_stop_working(send_request, confirm, mailoutbox, settings):
    send_request()
    later = timezone.now() + timedelta(seconds=settings.HELPDESK_TICKET_REQUEST_MAX_AGE + 1)

    assert ticket_requests_purge() == 0
    assert ticket_requests_purge(now=later) == 1

    assert not TicketRequest.objects.exists()
    assert confirm(_link_path(mailoutbox[0])).status_code == 400
    assert not Ticket.objects.exists()


def test_the_hourly_job_purges_expired_requests(send_request, settings):
    send_request()
    later = timezone.now() + timedelta(seconds=settings.HELPDESK_TICKET_REQUEST_MAX_AGE + 1)
    out = StringIO()

    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("purge_ticket_requests", stdout=out)

    assert out.getvalue().strip() == "Deleted 1 expired ticket requests."
    assert not TicketRequest.objects.exists()
    assert any(job.command == "purge_ticket_requests" for job in JOBS)
