"""An agent grants credit over their limit from a ticket, a manager approves it, the customer sees it.

In English and Persian (right to left).
"""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from helpdesk.credits.models import CreditLimit, CreditReason, LimitRole
from helpdesk.tickets.services import ticket_create
from tests.conftest import EMMA, REZA, make_order

from .conftest import TIMEOUT_MS, _save, call_failed_key, chromium_key
from .i18n import translated
from .ticket_helpers import beside_the_browser, sign_in_customer, sign_in_staff_directly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUSTOMERS = {"en": EMMA, "fa": REZA}
MESSAGE = {"en": "Sorry the parcel was late twice.", "fa": "بابت دو بار تأخیر در ارسال پوزش می‌خواهیم."}


@pytest.fixture
def second_page(request, live_daphne):
    """A page in its own browser context, so two people keep their own sessions."""
    context = request.config.stash[chromium_key].browser.new_context(base_url=live_daphne.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    if request.node.stash.get(call_failed_key, False):
        _save(page, "FAILED-second-" + request.node.name)
    context.close()


@pytest.fixture
def credit_setup(db):
    CreditLimit.objects.create(role=LimitRole.AGENT, currency="USD", per_grant=20, per_30_days=50)
    reason, _created = CreditReason.objects.get_or_create(
        code="late-delivery", defaults={"name": "Late delivery", "name_ar": "تأخر التوصيل", "name_fa": "تأخیر در ارسال"}
    )
    return reason


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_agent_grants_over_their_limit_a_manager_approves_and_the_customer_sees_it(
    page, second_page, live_daphne, screenshot, agent_sara, manager_lina, credit_setup, language
):
    order = beside_the_browser(make_order, external_id=f"ORD-CREDIT-{language}", customer=CUSTOMERS[language])
    customer = order.customer
    ticket = beside_the_browser(ticket_create, customer=customer, subject="Parcel late", body="Second time this month.")
    reason = credit_setup.label(language)

    # Sara, on the ticket, grants 45 USD: over her 20 USD limit, so it goes to a manager.
    sign_in_staff_directly(second_page, user=agent_sara, base_url=live_daphne.url)
    second_page.goto(f"/{language}/staff/tickets/{ticket.pk}/")
    second_page.get_by_role("link", name=translated(language, "Grant credit"), exact=True).click()
    expect(second_page.get_by_role("heading", level=1)).to_contain_text(customer.name)
    second_page.get_by_label(translated(language, "Amount"), exact=True).fill("45")
    second_page.get_by_label(translated(language, "Reason"), exact=True).select_option(label=reason)
    second_page.get_by_label(translated(language, "Message to the customer (optional)")).fill(MESSAGE[language])
    second_page.get_by_role("button", name=translated(language, "Grant credit"), exact=True).click()
    with translation.override(language):
        over = translation.gettext("%(amount)s is over your limit: a manager has been asked to approve it.")
    expect(second_page.get_by_role("status").filter(has_text=over.split("%(amount)s")[1].strip())).to_be_visible()
    expect(second_page.get_by_role("heading", level=1)).to_contain_text(ticket.subject)

    # Lina approves it from the queue.
    second_page.context.clear_cookies()
    sign_in_staff_directly(second_page, user=manager_lina, base_url=live_daphne.url)
    second_page.goto(f"/{language}/staff/credit/approvals/")
    card = second_page.get_by_role("article").filter(has_text=customer.name)
    expect(card).to_contain_text(reason)
    card.get_by_role("button", name=translated(language, "Approve"), exact=True).click()
    approved = translated(language, "Approved. The customer gets an email.")
    expect(second_page.get_by_role("status").filter(has_text=approved)).to_be_visible()
    _save(second_page, f"credit-approved-{language}")

    # The customer finds it on their account page, in their language and direction.
    sign_in_customer(page, language=language, customer=customer)
    credit = page.get_by_role("region", name=translated(language, "Your credit"), exact=True)
    expect(credit).to_contain_text("45")
    # Not exact: the chevron drawn after the link is part of its accessible name.
    credit.get_by_role("link", name=translated(language, "See your credit history")).click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")
    history = page.get_by_role("table")
    expect(history).to_contain_text(reason)
    expect(history).to_contain_text("45.00")
    screenshot(f"credit-portal-{language}")
