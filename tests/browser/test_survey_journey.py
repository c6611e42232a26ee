"""Customers answer surveys: a post-purchase survey from its email, an exit survey from the shop's link.

In English and Persian (right to left).
"""

import re
from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from helpdesk.core.money import format_money
from helpdesk.credits.models import CreditEntry, EntryKind
from helpdesk.orders.services import OrderData, OrderLineData, order_upsert
from helpdesk.tickets.models import Channel, Priority, Ticket
from surveys.models import ExitReason, Survey, SurveyResponse, SurveySettings, SurveyStatus, WouldReturn
from surveys.sending import surveys_send_due
from tests.conftest import EMMA, REZA
from tests.surveys.links import path_of
from tests.surveys.links import survey_links as survey_links_in

from .i18n import translated
from .ticket_helpers import beside_the_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "fa"]
CUSTOMERS = {"en": EMMA, "fa": REZA}
DIRECTIONS = {"en": "ltr", "fa": "rtl"}
COMMENTS = {
    "happy": {"en": "Lovely tea, and it came early.", "fa": "چای عالی بود و زودتر از موعد رسید."},
    "unhappy": {"en": "The box was crushed and the tea spilt.", "fa": "جعبه له شده بود و چای ریخته بود."},
    "leaving": {"en": "I found the same tea cheaper.", "fa": "همین چای را ارزان‌تر پیدا کردم."},
}


@pytest.fixture
def survey_defaults(exit_reasons):
    """The settings row and the default exit reasons."""
    return SurveySettings.objects.get(pk=1)


def deliver_and_email(*, external_id: str, customer, mailoutbox):
    """The shop reports an order delivered 4 days ago, the due surveys go out; the customer's email."""
    delivered = timezone.now().replace(microsecond=0) - timedelta(days=4)
    data = OrderData(
        external_id=external_id,
        customer=customer,
        status="delivered",
        placed_at=delivered - timedelta(days=2),
        delivered_at=delivered,
        total=Decimal("42.00"),
        currency="USD",
        lines=[OrderLineData(sku="TEA-1", name="Saffron tea", quantity=1, price=Decimal("42.00"))],
    )
    order, _created = beside_the_browser(order_upsert, data=data)
    report = beside_the_browser(surveys_send_due)
    assert report.sent == 1, report
    (email,) = [message for message in mailoutbox if message.to == [customer.email]]
    return order, email


def survey_links(email) -> tuple[str, list[str]]:
    """(the survey page, the one-click link for each score 0-10) from the email's text part."""
    page, *scores = survey_links_in(email)
    assert len(scores) == 11, email.body
    return page, scores


def answer_post_purchase_from_email(page, *, language: str, order, email, nps: int):
    """Open the email's link for `nps`; the page shows the score recorded. Returns the CSAT radios."""
    assert email.subject == translated(language, "How was your order %(order)s?") % {"order": order.external_id}
    _page, scores = survey_links(email)
    assert scores[nps].startswith(f"/{language}/surveys/s/") and scores[nps].endswith(f"?nps={nps}")

    page.goto(scores[nps])

    html = page.locator("html")
    expect(html).to_have_attribute("dir", DIRECTIONS[language])
    expect(html).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(language, "Thank you for your feedback"))
    recorded = translated(language, "We have your score: %(score)s out of 10. Thank you!") % {"score": nps}
    expect(page.get_by_role("status").filter(has_text=recorded)).to_have_text(recorded)
    # The score is kept from the click alone; the page asks only the rest.
    response = SurveyResponse.objects.get(survey__order=order)
    assert (response.nps, response.completed_at) == (nps, None)
    csat = page.get_by_role("group", name=translated(language, "How satisfied are you with this order?"), exact=True)
    radios = csat.get_by_role("radio")
    expect(radios).to_have_count(5)
    expect(page.get_by_role("radio", name="9", exact=True)).to_have_count(0)  # no second NPS question
    return radios


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_happy_customer_answers_the_post_purchase_survey_from_the_email(
    page, screenshot, mailoutbox, survey_defaults, language
):
    # Given an order delivered a few days ago, whose survey email has gone out
    customer = CUSTOMERS[language]
    order, email = deliver_and_email(external_id=f"ORD-NPS9-{language}", customer=customer, mailoutbox=mailoutbox)

    # When the customer clicks 9 in the email, the page shows the score and asks the rest
    radios = answer_post_purchase_from_email(page, language=language, order=order, email=email, nps=9)
    screenshot(f"survey-post-purchase-scored-{language}")

    # And they answer with the keyboard only: 5 out of 5, a comment, Send
    radios.first.focus()
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    expect(radios.nth(4)).to_be_checked()
    expect(radios.nth(4)).to_have_accessible_name("5")
    page.keyboard.press("Tab")
    comment = page.get_by_label(translated(language, "Anything you would like to add? (optional)"), exact=True)
    expect(comment).to_be_focused()
    page.keyboard.type(COMMENTS["happy"][language])
    page.keyboard.press("Tab")
    send = page.get_by_role("button", name=translated(language, "Send"), exact=True)
    expect(send).to_be_focused()
    page.keyboard.press("Enter")

    # Then they are thanked, in their language and direction
    expect(page).to_have_url(re.compile(rf"/{language}/surveys/s/[^/]+/thanks/$"))
    expect(page.locator("html")).to_have_attribute("dir", DIRECTIONS[language])
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(language, "Thank you!"))
    screenshot(f"survey-post-purchase-thanks-{language}")

    # And the answer is stored whole, with no follow-up for a happy customer
    response = SurveyResponse.objects.select_related("survey").get()
    assert (response.nps, response.csat, response.comment) == (9, 5, COMMENTS["happy"][language])
    assert response.completed_at is not None and response.customer.email == customer.email
    assert response.survey.status == SurveyStatus.ANSWERED and response.survey.order == order
    assert response.follow_up_ticket is None and not Ticket.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unhappy_customer_answers_and_gets_a_follow_up_ticket(
    page, screenshot, mailoutbox, survey_defaults, language
):
    # Given an order delivered a few days ago, whose survey email has gone out
    customer = CUSTOMERS[language]
    order, email = deliver_and_email(external_id=f"ORD-NPS3-{language}", customer=customer, mailoutbox=mailoutbox)

    # When the customer clicks 3 in the email: the score is recorded and a follow-up opens at once
    radios = answer_post_purchase_from_email(page, language=language, order=order, email=email, nps=3)
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.priority, ticket.order) == (Channel.SURVEY, Priority.HIGH, order)

    # And they tap 2 out of 5, write what went wrong and send it
    radios.nth(1).click()
    expect(radios.nth(1)).to_be_checked()
    expect(radios.nth(1)).to_have_accessible_name("2")
    page.get_by_label(translated(language, "Anything you would like to add? (optional)"), exact=True).fill(
        COMMENTS["unhappy"][language]
    )
    page.get_by_role("button", name=translated(language, "Send"), exact=True).click()

    # Then they are thanked, and told someone will be in touch
    expect(page.locator("html")).to_have_attribute("dir", DIRECTIONS[language])
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(language, "Thank you!"))
    in_touch = "We read every answer. If something went wrong, someone from our team will get in touch."
    in_touch = translated(language, in_touch)
    expect(page.get_by_text(in_touch, exact=True)).to_be_visible()
    screenshot(f"survey-post-purchase-follow-up-{language}")

    # And the answer is stored, with the follow-up ticket in the customer's language holding the comment
    response = SurveyResponse.objects.get()
    assert (response.nps, response.csat, response.comment) == (3, 2, COMMENTS["unhappy"][language])
    assert response.follow_up_ticket == Ticket.objects.get()
    ticket.refresh_from_db()
    assert ticket.customer == response.customer and ticket.locale == language
    assert ticket.subject == translated(language, "Your feedback on order %(order)s") % {"order": order.external_id}
    bodies = list(ticket.messages.order_by("pk").values_list("body", flat=True))
    assert translated(language, "Likely to recommend us: %(score)s / %(max)s") % {"score": 3, "max": 10} in bodies[0]
    assert bodies[-1] == COMMENTS["unhappy"][language]


def open_exit_survey(page, *, shop_key: str, language: str) -> str:
    """The shop asks the live server's API for the leaving customer's link; its path."""
    body = {"customer": asdict(CUSTOMERS[language]), "context": "subscription_cancelled", "reference": "sub-981"}
    response = page.request.post("/api/v1/exit-surveys", data=body, headers={"Authorization": shop_key})
    assert response.status == 201, response.text()
    path = path_of(response.json()["url"])
    assert path.startswith(f"/{language}/surveys/s/")
    return path


def answer_exit_survey(page, *, language: str, reasons: list[ExitReason], would_return: str, comment: str):
    """On the exit page: tick the reasons (the first with the keyboard), say whether they would return, send."""
    html = page.locator("html")
    expect(html).to_have_attribute("dir", DIRECTIONS[language])
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(language, "We are sorry to see you go"))
    why = page.get_by_role("group", name=translated(language, "Why are you leaving? Choose all that apply."))
    expect(why.get_by_role("checkbox")).to_have_count(ExitReason.objects.filter(active=True).count())
    first, *others = (why.get_by_role("checkbox", name=reason.label(language), exact=True) for reason in reasons)
    first.focus()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    for checkbox in others:
        checkbox.check()
    back = page.get_by_role("group", name=translated(language, "Would you come back one day?"), exact=True)
    back.get_by_role("radio", name=translated(language, would_return), exact=True).check()
    page.get_by_label(translated(language, "Anything you would like to add? (optional)"), exact=True).fill(comment)
    page.get_by_role("button", name=translated(language, "Send"), exact=True).click()

    expect(page).to_have_url(re.compile(rf"/{language}/surveys/s/[^/]+/thanks/$"))
    expect(html).to_have_attribute("dir", DIRECTIONS[language])
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(language, "Thank you, and goodbye for now"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_leaving_customer_says_why_and_is_bid_goodbye(page, screenshot, shop_key, survey_defaults, language):
    # Given a customer cancelling their subscription, whom the shop sends to the exit survey
    path = open_exit_survey(page, shop_key=shop_key, language=language)
    page.goto(path)

    # When they say why, that they might come back, and add a comment
    reasons = [ExitReason.objects.get(code="price"), ExitReason.objects.get(code="found-alternative")]
    comment = COMMENTS["leaving"][language]
    answer_exit_survey(page, language=language, reasons=reasons, would_return=WouldReturn.MAYBE.label, comment=comment)

    # Then they are bid goodbye, with no offer since none is configured
    expect(page.get_by_role("button", name=translated(language, "Accept the credit"))).to_have_count(0)
    screenshot(f"survey-exit-goodbye-{language}")

    # And their answer is stored; these reasons open no ticket
    response = SurveyResponse.objects.select_related("survey").get()
    assert sorted(response.exit_reasons.values_list("code", flat=True)) == ["found-alternative", "price"]
    assert (response.would_return, response.comment) == (WouldReturn.MAYBE, comment)
    assert response.survey.locale == language and response.survey.reference == "sub-981"
    assert response.completed_at is not None and response.winback_entry is None
    assert not Ticket.objects.exists() and not CreditEntry.objects.exists()


@pytest.fixture
def winback(survey_defaults, late_delivery):
    """10 USD for customers who leave over the price."""
    ExitReason.objects.filter(code="price").update(offers_winback=True)
    config = survey_defaults
    config.winback_enabled, config.winback_amount, config.winback_currency = True, Decimal("10.00"), "USD"
    config.winback_reason = late_delivery
    config.save()
    return config


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_leaving_customer_accepts_the_win_back_credit(page, screenshot, shop_key, winback, language):
    # Given a customer closing their account, whom the shop sends to the exit survey
    path = open_exit_survey(page, shop_key=shop_key, language=language)
    page.goto(path)

    # When they leave over the price and would not come back
    answer_exit_survey(
        page,
        language=language,
        reasons=[ExitReason.objects.get(code="price")],
        would_return=WouldReturn.NO.label,
        comment=COMMENTS["leaving"][language],
    )

    # Then the goodbye page offers them 10 USD of credit, which they accept with the keyboard
    amount = format_money(Decimal("10.00"), "USD", locale=language)
    offer = page.get_by_role("region", name=translated(language, "A little something if you stay"), exact=True)
    expect(offer).to_contain_text(amount)
    screenshot(f"survey-exit-offer-{language}")
    offer.get_by_role("button", name=translated(language, "Accept the credit"), exact=True).focus()
    page.keyboard.press("Enter")

    # And they see the credit added, in their language and direction
    expect(page.locator("html")).to_have_attribute("dir", DIRECTIONS[language])
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(language, "Credit added"))
    expect(page.get_by_role("status")).to_contain_text(amount)
    screenshot(f"survey-exit-credit-{language}")

    # And the credit is on their account, granted once, by the offer, and tied to the answer
    entry = CreditEntry.objects.select_related("account").get()
    assert (entry.kind, entry.amount, entry.account.currency) == (EntryKind.GRANT, Decimal("10.00"), "USD")
    assert entry.reason == winback.winback_reason and entry.actor_user is None
    response = SurveyResponse.objects.get()
    assert response.winback_entry == entry and response.would_return == WouldReturn.NO
    assert entry.account.customer == response.customer
    assert Survey.objects.get().customer.email == CUSTOMERS[language].email
