"""The home page and the language switcher, in English and Persian."""

import pytest
from playwright.sync_api import expect

from .i18n import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [
    pytest.param("en", "ltr", "fa", "rtl", id="en"),
    pytest.param("fa", "rtl", "en", "ltr", id="fa"),
]


@pytest.mark.parametrize(("language", "direction", "_other", "_other_direction"), LANGUAGES)
def test_home_page_reads_in_the_languages_direction(page, screenshot, language, direction, _other, _other_direction):
    # Given a visitor, when they open the home page in a language
    page.goto(f"/{language}/")

    # Then the page declares that language and its direction, and greets them in it
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", direction)
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(language, "How can we help?"))
    screenshot(f"home-{language}")


def _switch_language(page, *, current: str, to: str) -> None:
    page.get_by_label(translated(current, "Language"), exact=True).select_option(to)
    page.get_by_role("button", name=translated(current, "Change"), exact=True).click()


@pytest.mark.parametrize(("language", "_direction", "other", "other_direction"), LANGUAGES)
def test_language_switcher_reopens_the_same_page_in_the_chosen_language(
    page, live_daphne, language, _direction, other, other_direction
):
    # Given a visitor on the home page
    page.goto(f"/{language}/")

    # When they choose the other language
    _switch_language(page, current=language, to=other)

    # Then they are on the home page in that language, laid out in its direction
    expect(page).to_have_url(f"{live_daphne.url}/{other}/")
    expect(page.locator("html")).to_have_attribute("dir", other_direction)
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(other, "How can we help?"))

    # And when they switch back from a deeper page, they stay on that page
    page.goto(f"/{other}/staff/sign-in/")
    _switch_language(page, current=other, to=language)

    expect(page).to_have_url(f"{live_daphne.url}/{language}/staff/sign-in/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(language, "Staff sign-in"))
