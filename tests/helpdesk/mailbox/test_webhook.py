"""Mailgun's inbound webhook through django-anymail: signed, fresh, and the same routing as the pipe."""

import hashlib
import hmac
import time

import pytest

from helpdesk.mailbox.models import InboundEmail
from helpdesk.tickets.models import Ticket

from .conftest import eml

pytestmark = pytest.mark.django_db

URL = "/email/inbound/mailgun/"
KEY = "test-signing-key"


@pytest.fixture(autouse=True)
def _mailgun(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": KEY}


def _post(client, raw: bytes, *, timestamp: int | None = None, key: str = KEY):
    timestamp = int(time.time()) if timestamp is None else timestamp
    token = "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    fields = {
        "body-mime": raw.decode(),
        "recipient": "support@helpdesk.test",
        "sender": "maryam.h@example.net",
        "timestamp": str(timestamp),
        "token": token,
        "signature": signature,
    }
    return client.post(URL, fields)


def test_a_signed_mailgun_post_opens_the_ticket(client, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, eml("persian_new.eml"))

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.subject == "سفارش ۱۲۳ هنوز نرسیده" and ticket.customer.email == "maryam.h@example.net"
    assert len(mailoutbox) == 1


def test_a_wrong_signature_or_a_stale_one_is_refused_with_400(client):
    assert _post(client, eml("persian_new.eml"), key="guessed").status_code == 400
    assert _post(client, eml("persian_new.eml"), timestamp=int(time.time()) - 3600).status_code == 400
    assert not Ticket.objects.exists() and not InboundEmail.objects.exists()


def test_a_replayed_post_changes_nothing(client):
    _post(client, eml("persian_new.eml"))
    assert _post(client, eml("persian_new.eml")).status_code == 200

    assert Ticket.objects.count() == 1 and InboundEmail.objects.count() == 1


def test_the_webhook_is_off_until_a_signing_key_is_set(client, settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": ""}

    assert _post(client, eml("persian_new.eml")).status_code == 404
