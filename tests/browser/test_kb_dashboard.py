"""A manager reads the help-centre dashboard: charts, the article table and sorting by keyboard.

In English and Persian (right to left, Jalali days).
"""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kb.models import ArticleDaily
from tests.kb.kb_pages import article, import_articles
from tests.kb.kb_pages import page as article_page

from .i18n import translated
from .ticket_helpers import beside_the_browser, sign_in_staff_directly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOVEMBER = "?from=2025-11-01&to=2025-11-30"
DIRECTIONS = {"en": "ltr", "fa": "rtl"}
TITLES = {"en": ("Gift wrapping", "Track a parcel"), "fa": ("کادوپیچ", "پیگیری مرسوله")}
# The period line and the first day of the trend table, as each language dates them.
DATES = {
    "en": ("1 November 2025", "30 November 2025", "1 November 2025"),
    "fa": ("۱۰ آبان ۱۴۰۴", "۹ آذر ۱۴۰۴", "۱۰ آبان ۱۴۰۴"),
}


def _read_in_november():
    """Both articles in both languages, read on the first ten days of November.

    Gift wrapping: 100 sessions, 80 bounced; Track a parcel: 120 sessions, 10 bounced. Their category
    bounces 90 / 220 (41 %), so Gift wrapping (80 %) needs review.
    """
    import_articles(
        article("dash-gift.en", title=TITLES["en"][0]),
        article("dash-track.en", title=TITLES["en"][1]),
        article("dash-gift.fa", "fa", title=TITLES["fa"][0]),
        article("dash-track.fa", "fa", title=TITLES["fa"][1]),
    )
    for external_id, sessions, bounces in (("dash-gift", 10, 8), ("dash-track", 12, 1)):
        for locale in ("en", "fa"):
            found = article_page(f"{external_id}.{locale}")
            for number in range(10):
                ArticleDaily.objects.create(
                    day=date(2025, 11, 1) + timedelta(days=number),
                    article=found,
                    locale=locale,
                    views=12 + number,
                    sessions=sessions,
                    bounces=bounces,
                    dwell_histogram=[0, 2, 8],
                )


@pytest.fixture
def read_in_november(db):
    beside_the_browser(_read_in_november)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_manager_reads_the_dashboard_and_sorts_it_by_keyboard(
    page, screenshot, live_daphne, manager_lina, read_in_november, language
):
    # Given a manager signed in
    sign_in_staff_directly(page, user=manager_lina, base_url=live_daphne.url)

    # When they open the help-centre dashboard for November, in their language
    page.goto(f"/{language}/staff/reports/kb/{NOVEMBER}&language={language}")

    # Then the page reads in their direction, dated in their calendar
    expect(page.locator("html")).to_have_attribute("dir", DIRECTIONS[language])
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(language, "Help-centre dashboard"))
    start, end, first_day = DATES[language]
    expect(page.get_by_text(start, exact=False).first).to_be_visible()
    expect(page.get_by_text(end, exact=False).first).to_be_visible()

    # And the views chart is drawn, a column a day, time running from the reader's start edge
    chart = page.get_by_role("img", name=translated(language, "Article views"))
    expect(chart).to_be_visible()
    bars = chart.locator("rect.bar")
    expect(bars).to_have_count(30)
    first, last_read = bars.nth(0).bounding_box(), bars.nth(9).bounding_box()
    assert first["height"] > 0 and last_read["height"] > first["height"]  # 12 views on the 1st, 21 on the 10th
    assert (first["x"] > last_read["x"]) is (language == "fa")
    expect(page.get_by_role("img", name=translated(language, "Bounce rate"))).to_be_visible()

    # And each chart has its table, the first day dated as the reader counts days
    trend = page.get_by_role("table", name=translated(language, "Reading over time"))
    expect(trend.get_by_role("rowheader").first).to_have_text(first_day)

    # And the article table lists both articles, the most read first, the bouncier one flagged
    articles = page.get_by_role("table", name=translated(language, "Articles"))
    expect(articles).to_be_visible()
    gift, track = TITLES[language]
    expect(articles.get_by_role("row", name=re.compile(re.escape(gift)))).to_contain_text(
        translated(language, "Needs review")
    )
    expect(articles.get_by_role("row", name=re.compile(re.escape(track)))).not_to_contain_text(
        translated(language, "Needs review")
    )
    expect(articles.locator("tbody tr").first).to_contain_text(track)
    screenshot(f"kb-dashboard-{language}")

    # When they sort by bounce rate from its column header with the keyboard
    header_link = articles.get_by_role("link", name=translated(language, "Bounce rate"), exact=True)
    header_link.focus()
    page.keyboard.press("Enter")

    # Then the bounciest article comes first and the header says how the column is sorted
    expect(page).to_have_url(re.compile(r"sort=bounce"))
    articles = page.get_by_role("table", name=translated(language, "Articles"))
    expect(articles.get_by_role("columnheader", name=translated(language, "Bounce rate"))).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(articles.locator("tbody tr").first).to_contain_text(gift)


def _read_lately():
    import_articles(article("dash-gift.en", title=TITLES["en"][0]), article("dash-track.en", title=TITLES["en"][1]))
    yesterday = timezone.localdate() - timedelta(days=1)
    for external_id, sessions, bounces in (("dash-gift", 40, 32), ("dash-track", 60, 6)):
        found = article_page(f"{external_id}.en")
        ArticleDaily.objects.create(
            day=yesterday, article=found, locale="en", views=sessions + 3, sessions=sessions, bounces=bounces
        )
    return article_page("dash-gift.en")


def test_a_manager_reads_an_articles_figures_in_its_editor(page, screenshot, live_daphne, manager_lina):
    # Given an article read yesterday, bouncing 80 % against its category's 38 %
    gift = beside_the_browser(_read_lately)
    sign_in_staff_directly(page, user=manager_lina, base_url=live_daphne.url)

    # When the manager opens it in the editor and picks the "Reader analytics" tab
    page.goto(reverse("wagtailadmin_pages:edit", args=[gift.pk]))
    page.get_by_role("tab", name="Reader analytics").click()

    # Then the tab shows the last 30 days beside the 30 before, the flag, and the way to the dashboard
    figures = page.get_by_role("table", name="Reader analytics")
    expect(figures).to_be_visible()
    expect(figures.get_by_role("row", name=re.compile("^Views"))).to_contain_text("43")
    expect(figures.get_by_role("row", name=re.compile("^Bounce rate"))).to_contain_text("80.0%")
    expect(page.get_by_text("Needs review")).to_be_visible()
    dashboard_link = page.get_by_role("link", name="Open the help-centre dashboard for this language")
    expect(dashboard_link).to_have_attribute("href", "/en/staff/reports/kb/?language=en")
    screenshot("kb-editor-reader-analytics-en")
