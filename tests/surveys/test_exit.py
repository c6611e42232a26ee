"""Exit surveys: the shop asks for a link, the leaving customer says why, maybe takes an offer."""

import json
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from helpdesk.credits.models import CreditEntry, EntryKind
from helpdesk.tickets.models import Channel, Ticket
from surveys.models import SurveyResponse

from .conftest import path_of

pytestmark = pytest.mark.django_db

LEAVING = {
    "customer": {"external_id": "c-reza", "email": "reza@example.com", "name": "رضا محمدی", "locale": "fa"},
    "context": "subscription_cancelled",
    "reference": "sub-981",
}


def open_exit_survey(client, key, body=LEAVING):
    return client.post(
        "/api/v1/exit-surveys", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=key
    )


@pytest.fixture
def reasons(config, exit_reasons):
    return exit_reasons


@pytest.fixture
def exit_page(client, shop_key, reasons):
    response = open_exit_survey(client, shop_key)
    assert response.status_code == 201, response.content
    return path_of(response.json()["url"])


def test_the_shop_gets_a_signed_link_in_the_customers_language(client, shop_key, reasons):
    response = open_exit_survey(client, shop_key)

    assert response.status_code == 201
    body = response.json()
    assert "/fa/surveys/s/" in body["url"] and body["expires_at"]


def test_only_the_shop_key_may_open_one_and_bad_bodies_get_a_clear_error(client, shop_key, staff_key, reasons):
    assert open_exit_survey(client, staff_key).status_code == 403
    assert client.post("/api/v1/exit-surveys", "{}", content_type="application/json").status_code == 401
    bad = open_exit_survey(client, shop_key, {**LEAVING, "context": "bored"})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "validation_error"
    assert "context" in bad.json()["error"]["fields"]


def test_the_page_asks_why_in_persian_and_says_goodbye(client, exit_page):
    page = client.get(exit_page)
    text = page.content.decode()
    assert page.status_code == 200
    assert 'dir="rtl"' in text and "قیمت" in text and "خدمات پشتیبانی" in text

    sent = client.post(
        exit_page, {"reasons": ["price", "found-alternative"], "would_return": "maybe", "comment": "ارزان‌تر پیدا کردم"}
    )

    assert sent.status_code == 302
    goodbye = client.get(sent["Location"]).content.decode()
    assert "خداحافظ" in goodbye or "بدرود" in goodbye or 'dir="rtl"' in goodbye
    answer = SurveyResponse.objects.get()
    assert sorted(answer.exit_reasons.values_list("code", flat=True)) == ["found-alternative", "price"]
    assert (answer.would_return, answer.comment) == ("maybe", "ارزان‌تر پیدا کردم")
    assert not Ticket.objects.exists()


def test_at_least_one_reason_is_needed(client, exit_page):
    response = client.post(exit_page, {"comment": "bye"})

    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_customer_service_as_a_reason_opens_a_follow_up(client, exit_page):
    client.post(exit_page, {"reasons": ["customer-service"], "comment": "Nobody answered my emails."})

    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.SURVEY
    body = ticket.messages.first().body
    assert "sub-981" in body and "Nobody answered my emails." in body


def test_the_link_answers_once(client, exit_page):
    client.post(exit_page, {"reasons": ["price"]})

    again = client.post(exit_page, {"reasons": ["other"]})

    with translation.override("fa"):
        assert (
            again.status_code == 200
            and gettext("You have already answered this survey. Thank you!") in again.content.decode()
        )
    assert list(SurveyResponse.objects.get().exit_reasons.values_list("code", flat=True)) == ["price"]


@pytest.fixture
def winback(config, reasons, late_delivery):
    reasons["price"].offers_winback = True
    reasons["price"].save()
    config.winback_enabled, config.winback_amount, config.winback_currency = True, Decimal("10.00"), "USD"
    config.winback_reason = late_delivery
    config.save()


def test_a_reason_with_an_offer_shows_it_and_accepting_grants_the_credit_once(client, exit_page, winback):
    sent = client.post(exit_page, {"reasons": ["price"]})
    goodbye = client.get(sent["Location"])
    offer_url = exit_page + "offer/"
    assert offer_url in goodbye.content.decode()

    accepted = client.post(offer_url)

    assert accepted.status_code == 200
    entry = CreditEntry.objects.get()
    assert (entry.kind, entry.amount, entry.account.currency) == (EntryKind.GRANT, Decimal("10.00"), "USD")
    assert entry.actor_user is None and entry.actor_label == "win-back offer"
    assert SurveyResponse.objects.get().winback_entry == entry
    twice = client.post(offer_url)
    assert twice.status_code == 400 and CreditEntry.objects.count() == 1


def test_no_offer_for_reasons_without_one(client, exit_page, winback):
    sent = client.post(exit_page, {"reasons": ["other"]})

    assert "offer/" not in client.get(sent["Location"]).content.decode()
    assert client.post(exit_page + "offer/").status_code == 400
    assert not CreditEntry.objects.exists()
