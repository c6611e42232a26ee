"""A manager reads the SLA report, then (by keyboard, through the reports' menu) the retention insight.

In English and Persian (right to left): every chart is drawn with bars and followed by its table.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from chat.models import Conversation, ConversationStatus
from helpdesk.credits.models import CreditAccount, CreditEntry, EntryKind
from helpdesk.customers.models import Customer
from helpdesk.orders.models import Order, OrderStatus
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.services import ticket_create
from surveys.models import Survey, SurveyKind, SurveyResponse, SurveyStatus
from tests.conftest import EMMA, REZA, make_order

from .i18n import translated
from .ticket_helpers import beside_the_browser, sign_in_staff_directly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIRECTIONS = {"en": "ltr", "fa": "rtl"}
MARCH = "?from=2025-03-01&to=2025-03-31"


def march(day: int) -> datetime:
    return datetime(2025, 3, day, 10, tzinfo=UTC)


@pytest.fixture
def contacts_in_march(db):
    """Emma's ticket met its SLA and she was credited; Reza's breached; Sam only talked to the bot."""
    emma = beside_the_browser(make_order, external_id="ORD-EMMA-OLD", customer=EMMA).customer
    reza = beside_the_browser(make_order, external_id="ORD-REZA-OLD", customer=REZA).customer
    sam = Customer.objects.create(external_id="c-sam", email="sam@example.com", name="Sam")
    for customer, day, breached in ((emma, 10, False), (reza, 12, True)):
        opened = beside_the_browser(ticket_create, customer=customer, subject="Parcel late", body="Where is it?")
        Ticket.objects.filter(pk=opened.pk).update(
            created_at=march(day), first_response_breached=breached, sla_breached=breached
        )
    Conversation.objects.create(
        visitor_key_hash="h", customer=sam, status=ConversationStatus.ENDED, created_at=march(14), ended_at=march(14)
    )
    for customer, day in ((emma, 20), (sam, 15)):
        Order.objects.create(
            external_id=f"ORD-{customer.pk}-{day}", customer=customer, status=OrderStatus.DELIVERED,
            placed_at=march(day), total=Decimal("30.00"), currency="USD",
        )  # fmt: skip
    survey = Survey.objects.create(
        kind=SurveyKind.POST_PURCHASE, customer=emma, status=SurveyStatus.ANSWERED, created_at=march(15)
    )
    SurveyResponse.objects.create(survey=survey, kind=survey.kind, customer=emma, nps=9, created_at=march(15))
    Survey.objects.create(kind=SurveyKind.EXIT, customer=reza, status=SurveyStatus.SENT, created_at=march(25))
    account = CreditAccount.objects.create(customer=emma, currency="USD", balance=Decimal("10.00"))
    CreditEntry.objects.create(
        account=account, kind=EntryKind.GRANT, amount=Decimal("10.00"), balance_after=Decimal("10.00"),
        actor_label="test", created_at=march(11),
    )  # fmt: skip


def expect_drawn(chart) -> None:
    """The chart is on screen with at least one bar of some length, and the next table gives its numbers."""
    expect(chart).to_be_visible()
    bars = chart.locator("rect.bar")
    assert bars.count() > 0
    drawn = bars.evaluate_all("bars => bars.filter(bar => bar.getBBox().width > 0 && bar.getBBox().height > 0)")
    assert len(drawn) > 0
    table = chart.locator("xpath=following::table[1]")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first).to_be_visible()


def expect_page(page, language: str, heading: str) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("dir", DIRECTIONS[language])
    expect(html).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(language, heading))
    for chart in page.locator("svg.bar-chart").all():
        expect(chart).to_have_attribute("direction", DIRECTIONS[language])


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_manager_reads_the_sla_report_and_the_retention_insight(
    page, live_daphne, screenshot, manager_lina, contacts_in_march, language
):
    sign_in_staff_directly(page, user=manager_lina, base_url=live_daphne.url)

    # The SLA report: volume charts and the breach rate by priority, each followed by its table.
    page.goto(f"/{language}/staff/reports/sla/{MARCH}")
    expect_page(page, language, "SLA report")
    expect_drawn(page.get_by_role("img", name=translated(language, "Tickets created"), exact=True))
    expect_drawn(page.get_by_role("img", name=translated(language, "First response breached, by priority")))
    expect(page.get_by_role("table", name=translated(language, "Volume and backlog"), exact=True)).to_be_visible()
    screenshot(f"reports-sla-{language}")

    # On to the retention insight by keyboard, keeping the period.
    reports = page.get_by_role("navigation", name=translated(language, "Reports"), exact=True)
    reports.get_by_role("link", name=translated(language, "Retention insight"), exact=True).focus()
    page.keyboard.press("Enter")
    expect_page(page, language, "Retention insight")
    assert page.url.endswith(f"/{language}/staff/reports/retention/{MARCH}")
    note = translated(language, "These figures show correlation, not cause:")
    expect(page.locator("#correlation-note")).to_contain_text(note)

    charts = page.locator("svg.bar-chart")
    expect(charts).to_have_count(7)  # per comparison its rates and its NPS, and the return on credit
    for comparison in ("SLA met or breached", "Credited or not", "Bot or person"):
        title = translated(language, "%(comparison)s: rates within 90 days") % {
            "comparison": translated(language, comparison)
        }
        expect_drawn(page.get_by_role("img", name=title, exact=True))
        table = page.get_by_role("table", name=translated(language, comparison), exact=True)
        expect(table.locator("tbody tr")).to_have_count(2)
    credit = translated(language, "Order value per unit of credit granted, by currency")
    expect_drawn(page.get_by_role("img", name=credit, exact=True))
    expect(page.get_by_role("link", name=translated(language, "Download CSV")).first).to_be_visible()
    screenshot(f"reports-retention-{language}")
