"""A customer signs in with an emailed link and sees their orders, in English and Persian."""

import pytest
from playwright.sync_api import expect

from helpdesk.customers.services import magic_link_issue
from tests.conftest import EMMA, REZA, make_order

from .i18n import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("language", "who"), [("en", EMMA), ("fa", REZA)], ids=["en", "fa"])
def test_customer_follows_the_emailed_link_to_their_orders(page, screenshot, live_daphne, language, who):
    # Given a customer with an order, who asks for a sign-in link
    order = make_order(f"ORD-{language.upper()}-1001", who)
    page.goto(f"/{language}/account/sign-in/")
    page.get_by_label(translated(language, "Your email address"), exact=True).fill(who.email)
    page.get_by_role("button", name=translated(language, "Email me a sign-in link"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(language, "Check your email"))

    # When they open a link issued for them (the live server's own email stays in its process)
    # and press the button on it
    token = magic_link_issue(customer=order.customer)
    page.goto(f"/{language}/account/sign-in/{token}/")
    page.get_by_role("button", name=translated(language, "Sign me in"), exact=True).click()

    # Then they land on their account, which lists their order
    expect(page).to_have_url(f"{live_daphne.url}/{language}/account/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(who.name)
    expect(page.get_by_role("link", name=order.external_id, exact=True)).to_be_visible()
    screenshot(f"customer-portal-{language}")
