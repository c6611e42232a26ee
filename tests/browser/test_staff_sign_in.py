"""Staff sign in with the keyboard alone, in English and Persian."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import expect

from helpdesk.accounts.views import StaffSignInView
from tests.conftest import PASSWORD

from .i18n import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = pytest.mark.parametrize("language", ["en", "fa"])


def _sign_in_with_keyboard(page, *, language: str, email: str, password: str) -> None:
    page.goto(f"/{language}/staff/sign-in/")
    expect(page.get_by_label(translated(language, "Email"), exact=True)).to_be_focused()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label(translated(language, "Password"), exact=True)).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def _customers_link(page, language: str):
    navigation = page.get_by_role("navigation", name=translated(language, "Main"))
    return navigation.get_by_role("link", name=translated(language, "Customers"), exact=True)


def _wrong_credentials_message(language: str) -> str:
    user_model = get_user_model()
    username = user_model._meta.get_field(user_model.USERNAME_FIELD).verbose_name
    with translation.override(language):
        return str(StaffSignInView.form_class.error_messages["invalid_login"]) % {"username": username}


@LANGUAGES
def test_agent_signs_in_with_the_keyboard_only(page, screenshot, agent_sara, language):
    # Given an agent on the sign-in page, when they type their email, Tab, their password and Enter
    _sign_in_with_keyboard(page, language=language, email=agent_sara.email, password=PASSWORD)

    # Then they are signed in, in their language, and the navigation offers the customers list
    expect(_customers_link(page, language)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    screenshot(f"staff-signed-in-{language}")


@LANGUAGES
def test_wrong_password_says_so_and_signs_nobody_in(page, screenshot, agent_sara, language):
    # Given an agent, when they sign in with a wrong password
    _sign_in_with_keyboard(page, language=language, email=agent_sara.email, password="not the password")

    # Then the page explains what went wrong, and they are not signed in
    expect(page.get_by_role("alert")).to_contain_text(_wrong_credentials_message(language))
    expect(page.get_by_label(translated(language, "Email"), exact=True)).to_have_value(agent_sara.email)
    expect(_customers_link(page, language)).to_have_count(0)
    screenshot(f"staff-wrong-password-{language}")
