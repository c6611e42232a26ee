"""Hostile input on the portal: refused with a 4xx, or rendered inert, and never half-written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from helpdesk.tickets.models import Attachment, Message, Ticket, TicketRequest
from helpdesk.tickets.portal_views import NEW_TICKET_RATE_PER_IP, REPLY_RATE_PER_CUSTOMER
from helpdesk.tickets.services import ticket_create
from tests.helpdesk.permissions import sign_in_customer

pytestmark = pytest.mark.django_db

NEW = "/en/support/new/"
SCRIPT = '<script>alert("x")</script>'
JS_LINK = "[click me](javascript:alert(1))"
RAW_JS_LINK = '<a href="javascript:alert(1)" onclick="alert(2)">raw</a>'


def _limit(rate: str) -> int:
    return int(rate.split("/")[0])


@pytest.fixture
def signed_in_emma(client, customer_emma):
    sign_in_customer(client, customer_emma)
    return customer_emma


def test_script_and_javascript_links_are_inert_everywhere(client, signed_in_emma):
    png = SimpleUploadedFile(f"{SCRIPT}.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png")

    response = client.post(
        NEW, {"subject": f"{SCRIPT} help", "message": f"{SCRIPT}\n\n{JS_LINK}\n\n{RAW_JS_LINK}", "attachments": [png]}
    )

    ticket = Ticket.objects.get()
    pages = [client.get("/en/support/").content.decode(), client.get(response["Location"]).content.decode()]
    for html in pages:
        assert "<script>alert" not in html
        assert 'href="javascript:' not in html.replace("'", '"')
        assert "onclick" not in html
    assert "<" not in ticket.subject and "help" in ticket.subject


def test_a_nul_byte_is_refused_and_nothing_is_written(client, signed_in_emma):
    responses = [
        client.post(NEW, {"subject": "Help\x00", "message": "Hello"}),
        client.post(NEW, {"subject": "Help", "message": "Hel\x00lo"}),
    ]

    assert [r.status_code for r in responses] == [400, 400]
    assert not Ticket.objects.exists() and not Message.objects.exists()


def test_a_nul_byte_in_a_reply_is_refused(client, signed_in_emma):
    ticket = ticket_create(customer=signed_in_emma, subject="Help", body="Hello")

    response = client.post(f"/en/support/{ticket.public_id}/reply/", {"message": "again\x00"})

    assert response.status_code == 400
    assert ticket.messages.count() == 1


def test_a_nul_byte_in_the_anonymous_form_is_refused(client):
    data = {"name": "Eve\x00", "email": "eve@example.com", "subject": "Hi", "message": "Hello"}

    response = client.post(NEW, data)

    assert response.status_code == 400
    assert not TicketRequest.objects.exists()


@override_settings(HELPDESK_MESSAGE_MAX_CHARS=1000)
def test_a_huge_body_is_refused_whole(client, signed_in_emma):
    ticket = ticket_create(customer=signed_in_emma, subject="Help", body="Hello")
    before = Ticket.objects.count()

    opened = client.post(NEW, {"subject": "Long", "message": "x" * 1001})
    replied = client.post(f"/en/support/{ticket.public_id}/reply/", {"message": "x" * 1001})

    assert (opened.status_code, replied.status_code) == (400, 400)
    assert "at most 1000 characters" in opened.content.decode()
    assert Ticket.objects.count() == before and ticket.messages.count() == 1


def test_a_body_over_the_request_size_limit_is_a_bad_request(client, signed_in_emma):
    response = client.post(NEW, {"subject": "Long", "message": "x" * (3 * 1024 * 1024)})

    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_too_many_files_are_refused_whole(client, signed_in_emma):
    files = [SimpleUploadedFile(f"{n}.txt", b"note", content_type="text/plain") for n in range(6)]

    response = client.post(NEW, {"subject": "Files", "message": "See attached", "attachments": files})

    assert response.status_code == 400
    assert "Too many files. Attach at most 5." in response.content.decode()
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


@pytest.mark.usefixtures("rate_window")
def test_opening_tickets_is_rate_limited_by_address(client, signed_in_emma):
    for n in range(_limit(NEW_TICKET_RATE_PER_IP)):
        assert client.post(NEW, {"subject": f"Ticket {n}", "message": "Hi"}).status_code == 302

    response = client.post(NEW, {"subject": "One more", "message": "Hi"})

    assert response.status_code == 429
    assert "Slow down" in response.content.decode()
    assert Ticket.objects.count() == _limit(NEW_TICKET_RATE_PER_IP)


@pytest.mark.usefixtures("rate_window")
def test_replies_are_rate_limited_per_customer(client, signed_in_emma):
    ticket = ticket_create(customer=signed_in_emma, subject="Help", body="Hello")
    url = f"/en/support/{ticket.public_id}/reply/"
    for n in range(_limit(REPLY_RATE_PER_CUSTOMER)):
        client.post(url, {"message": f"Reply {n}"}, REMOTE_ADDR=f"10.0.0.{n}")

    assert client.post(url, {"message": "One more"}, REMOTE_ADDR="10.0.1.1").status_code == 429
