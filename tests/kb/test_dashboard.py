"""The managers' help-centre dashboard and the editor's "Reader analytics" tab, read from the daily roll-ups."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from kb import dashboard
from kb.models import ArticleDaily, CategoryPage, SearchDaily
from kb.staff_views import seconds_text
from tests.helpdesk.permissions import FORBIDDEN, OK, STAFF_SIGN_IN, Row, cases, check_row
from tests.kb.kb_pages import article, import_articles, page

pytestmark = pytest.mark.django_db

PAGE = "/en/staff/reports/kb/"
CSV = "/en/staff/reports/kb/articles.csv"
NOVEMBER = "?from=2025-11-01&to=2025-11-30"
NOV_1, NOV_30 = date(2025, 11, 1), date(2025, 11, 30)


def day(article_id: str, when: date, **counts) -> ArticleDaily:
    found = page(article_id)
    return ArticleDaily.objects.create(day=when, article=found, locale=found.locale.language_code, **counts)


def nov(number: int) -> date:
    return date(2025, 11, number)


@pytest.fixture
def november():
    """Orders (en): Gift wrapping bounces 60 % over 30 sessions, Track a parcel 20 % over 70; Returns (en): 90 %.

    The Orders category bounces 32 / 100 = 32 %, so Gift wrapping sits 28 points above it.
    """
    import_articles(
        article("gift-wrap.en", title="Gift wrapping"),
        article("track.en", title="Track a parcel"),
        article("send-back.en", title="Send it back", category="Returns"),
        article("gift-wrap.fa", "fa", title="کادوپیچ"),
    )
    day(
        "gift-wrap.en",
        nov(3),
        views=30,
        sessions=20,
        bounces=12,
        dwell_histogram=[2, 10, 0, 0, 8],
        votes=4,
        helpful_votes=3,
        contact_after=2,
        last_sessions=10,
        deflected=8,
    )
    day(
        "gift-wrap.en",
        nov(4),
        views=15,
        sessions=10,
        bounces=6,
        dwell_histogram=[0, 0, 0, 0, 0, 0, 0, 10],
        contact_after=1,
        last_sessions=5,
        deflected=5,
    )
    day("gift-wrap.en", date(2025, 10, 31), views=1000, sessions=900, bounces=900)  # before the period
    day(
        "track.en",
        nov(10),
        views=80,
        sessions=70,
        bounces=14,
        dwell_histogram=[0, 0, 0, 0, 0, 0, 70],
        votes=10,
        helpful_votes=9,
        contact_after=7,
    )
    day("send-back.en", nov(5), views=12, sessions=10, bounces=9, dwell_histogram=[10], last_sessions=10)
    day("gift-wrap.fa", nov(6), views=5, sessions=4, bounces=1, dwell_histogram=[0, 4])


def rows_by_title(**filters) -> dict[str, dashboard.ArticleRow]:
    return {row.title: row for row in dashboard.article_rows(NOV_1, NOV_30, **filters)}


# The numbers


def test_each_rate_is_read_from_the_summed_days_with_its_sample(november):
    figures = rows_by_title(locale="en")["Gift wrapping"].figures

    assert (figures.views, figures.sessions) == (45, 30)
    assert (figures.bounce, figures.bounce.percent) == (dashboard.Rate(18, 30), 60.0)
    assert (figures.helpful, figures.helpful.percent) == (dashboard.Rate(3, 4), 75.0)
    assert (figures.contact, figures.contact.percent) == (dashboard.Rate(3, 30), 10.0)
    assert (figures.deflection, figures.deflection.percent) == (dashboard.Rate(13, 15), 86.7)


def test_the_median_engaged_time_comes_from_the_summed_histograms(november):
    rows = rows_by_title(locale="en")

    # Gift wrapping: 30 sessions in buckets 0-5 s (2), 5-10 s (10), 20-30 s (8) and 60-90 s (10):
    # the 15th falls 3 of 8 into 20-30 s, 23.75 s.
    assert rows["Gift wrapping"].figures.histogram[:8] == (2, 10, 0, 0, 8, 0, 0, 10)
    assert rows["Gift wrapping"].figures.median_engaged == 24
    assert rows["Track a parcel"].figures.median_engaged == 52  # 35 of 70 into 45-60 s: 52.5


def test_rates_without_a_denominator_have_no_percentage(november):
    rows = rows_by_title(locale="en")

    assert rows["Track a parcel"].figures.deflection.percent is None  # no session ended there
    assert rows["Send it back"].figures.helpful.percent is None  # nobody voted


def test_engaged_time_reads_in_minutes_and_seconds():
    assert seconds_text(65) == "1 min 05 s"
    assert seconds_text(40) == "40 s"
    assert seconds_text(None) == "—"


def test_an_article_well_above_its_categorys_bounce_rate_needs_review(november):
    rows = rows_by_title()

    assert rows["Gift wrapping"].category_figures.bounce == dashboard.Rate(32, 100)
    assert rows["Gift wrapping"].needs_review is True  # 60 % against 32 %: 28 points, 30 sessions
    assert rows["Track a parcel"].needs_review is False  # below its category
    assert rows["Send it back"].needs_review is False  # alone in Returns: level with its category
    assert rows["کادوپیچ"].category_figures.bounce == dashboard.Rate(1, 4)  # its own language's category


@pytest.mark.parametrize(
    ("margin", "min_sessions", "flagged"),
    [(28, 30, True), (29, 30, False), (15, 31, False)],
    ids=["exactly-the-margin", "one-point-short", "too-few-sessions"],
)
def test_the_flag_needs_the_margin_and_the_sessions(november, margin, min_sessions, flagged):
    with override_settings(HELPDESK_KB_REVIEW_MARGIN=margin, HELPDESK_KB_REVIEW_MIN_SESSIONS=min_sessions):
        rows = rows_by_title(locale="en")

    assert rows["Gift wrapping"].needs_review is flagged


def test_filters_keep_a_language_or_a_category_in_every_language(november):
    orders = CategoryPage.objects.get(title="Orders")

    assert set(rows_by_title(locale="fa")) == {"کادوپیچ"}
    assert set(rows_by_title(within=dashboard.category_group(orders.pk))) == {
        "Gift wrapping",
        "Track a parcel",
        "کادوپیچ",
    }
    assert set(rows_by_title(locale="en", within=dashboard.category_group(orders.pk))) == {
        "Gift wrapping",
        "Track a parcel",
    }


def test_the_trend_has_every_day_and_folds_into_months(november):
    points = dashboard.daily_trend(NOV_1, NOV_30, locale="en")

    assert len(points) == 30 and points[0] == dashboard.TrendPoint(NOV_1, 0, 0, 0)
    assert points[2] == dashboard.TrendPoint(nov(3), 30, 20, 12)
    assert points[2].bounce.percent == 60.0
    folded = dashboard.fold_trend(points, lambda when: when.replace(day=1))
    assert folded == [dashboard.TrendPoint(NOV_1, 137, 110, 41)]


def test_the_table_costs_three_queries_whatever_the_number_of_articles(november, django_assert_num_queries):
    # The summed days (histograms included), the articles, the categories.
    with django_assert_num_queries(3):
        rows = dashboard.article_rows(NOV_1, NOV_30)

    assert len(rows) == 4


# The page


ROWS = [
    Row(method="GET", url=PAGE, anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN,
        agent_sara=FORBIDDEN, manager_lina=OK, admin_user=OK),
    Row(method="GET", url=CSV, anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN,
        agent_sara=FORBIDDEN, manager_lina=OK, admin_user=OK),
]  # fmt: skip


@pytest.mark.usefixtures("customer_reza", "customer_emma", "agent_sara", "manager_lina", "admin_user")
@pytest.mark.parametrize(("row", "actor"), cases(ROWS))
def test_only_managers_open_the_dashboard(client, request, row, actor):
    check_row(client, request, row, actor)


def _html(client, query: str) -> str:
    response = client.get(PAGE + query)
    assert response.status_code == 200
    return response.content.decode()


def text_of(cell: str) -> str:
    """A cell's text as read aloud: tags dropped, white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()


def _titles_in_order(html: str) -> list[str]:
    table = html.split("<caption>Articles</caption>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<a href="/cms/pages/\d+/edit/"><bdi lang="\w+">([^<]+)</bdi></a>', table)


def test_the_dashboard_opens_with_the_numbers_then_charts_the_table_and_failed_searches(client, manager_lina, november):
    client.force_login(manager_lina)

    html = _html(client, NOVEMBER + "&language=en")

    marks = (
        'class="cards headline"',
        'id="views-chart-title"',
        'id="bounce-chart-title"',
        "<caption>Articles",
        "Download CSV",
        'id="searches-title"',
    )
    assert [html.index(mark) for mark in marks] == sorted(html.index(mark) for mark in marks)
    assert "Reading from 1 November 2025 to 30 November 2025" in html
    assert _titles_in_order(html) == ["Track a parcel", "Gift wrapping", "Send it back"]  # most sessions first
    gift = html.split(">Gift wrapping</bdi></a>", 1)[1].split("</tr>", 1)[0]
    assert "<strong>Needs review</strong>" in gift and "category bounce rate 32.0%" in gift
    cells = re.findall(r"<td>(.*?)</td>", gift, re.S)
    texts = [text_of(cell) for cell in cells]
    assert texts == [
        "English",
        "Orders",
        "45",
        "30",
        "60.0% 18 of 30",
        "24 s",
        "75.0% 3 of 4",
        "10.0% 3 of 30",
        "86.7% 13 of 15",
    ]
    assert "Needs review</strong> marks an article whose bounce rate is at least 15 percentage points" in html


def test_article_titles_link_to_the_editor_and_the_live_page(client, manager_lina, november):
    client.force_login(manager_lina)
    gift = page("gift-wrap.en")

    html = _html(client, NOVEMBER)

    assert f'href="{reverse("wagtailadmin_pages:edit", args=[gift.pk])}"' in html
    assert f'<a href="{gift.url}">live page' in html


def test_the_totals_row_sums_every_shown_article(client, manager_lina, november):
    client.force_login(manager_lina)

    html = _html(client, NOVEMBER + "&language=en")

    totals = html.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    texts = [text_of(cell) for cell in re.findall(r"<td>(.*?)</td>", totals, re.S)]
    # 137 views, 110 sessions, 41 bounced; 12 of 14 votes helpful; 10 contacts; 13 of 25 deflected.
    # Summed dwell buckets 12, 10, 0, 0, 8, 0, 70, 10: the 55th session falls 25 of 70 into 45-60 s.
    assert texts == [
        "",
        "",
        "137",
        "110",
        "37.3% 41 of 110",
        "50 s",
        "85.7% 12 of 14",
        "9.1% 10 of 110",
        "52.0% 13 of 25",
    ]


def test_sorting_by_a_column_puts_the_highest_first_and_marks_the_header(client, manager_lina, november):
    client.force_login(manager_lina)

    html = _html(client, NOVEMBER + "&language=en&sort=bounce")

    assert _titles_in_order(html) == ["Send it back", "Gift wrapping", "Track a parcel"]
    link = "?from=2025-11-01&amp;to=2025-11-30&amp;language=en&amp;sort=bounce"
    assert f'<th scope="col" aria-sort="descending"><a href="{link}">Bounce rate</a></th>' in html


def test_the_category_filter_lists_each_category_once_and_keeps_its_translations(client, manager_lina, november):
    client.force_login(manager_lina)
    orders = CategoryPage.objects.get(title="Orders")

    html = _html(client, f"{NOVEMBER}&category={orders.pk}")

    assert html.count(">Orders</option>") == 1 and "سفارش‌ها</option>" not in html
    assert _titles_in_order(html) == ["Track a parcel", "Gift wrapping", "کادوپیچ"]


def test_wrong_dates_say_what_to_fix(client, manager_lina):
    client.force_login(manager_lina)

    response = client.get(PAGE + "?from=2025-11-30&to=2025-11-01")

    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()


def test_an_unknown_language_is_refused_with_a_message(client, manager_lina):
    client.force_login(manager_lina)

    response = client.get(PAGE + NOVEMBER + "&language=xx")

    assert response.status_code == 400
    assert "Select a valid choice. xx is not one of the available choices." in response.content.decode()


def test_the_period_defaults_to_the_last_30_days(client, manager_lina):
    client.force_login(manager_lina)
    today = timezone.localdate()

    response = client.get(PAGE)

    assert response.context["start"] == today - timedelta(days=29) and response.context["end"] == today
    assert len(response.context["trend"]) == 30


def test_the_persian_page_reads_right_to_left_in_jalali_days(client, manager_lina, november):
    client.force_login(manager_lina)

    response = client.get("/fa/staff/reports/kb/?from=۱۴۰۴-۰۸-۱۰&to=۱۴۰۴-۰۹-۰۹")  # 1 to 30 November 2025

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in html
    assert "۱۰ آبان ۱۴۰۴" in html and "۹ آذر ۱۴۰۴" in html
    assert 'direction="rtl"' in html


def test_a_long_period_is_drawn_month_by_month(client, manager_lina, november):
    client.force_login(manager_lina)

    response = client.get(PAGE + "?from=2025-09-01&to=2025-11-30")

    assert response.context["monthly"] is True
    assert [point.day for point in response.context["trend"]] == [date(2025, 9, 1), date(2025, 10, 1), NOV_1]
    assert '<th scope="row">October 2025</th><td>1000</td>' in response.content.decode()


# The CSV


def test_the_csv_has_a_row_per_article_and_defuses_formulas(client, manager_lina, november):
    import_articles(article("formula.en", title="=HYPERLINK(1)"))
    day("formula.en", nov(7), views=3, sessions=2)
    client.force_login(manager_lina)

    response = client.get(CSV + NOVEMBER + "&language=en")

    text = response.content.decode("utf-8")
    assert response["Content-Type"] == "text/csv; charset=utf-8" and text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:5] == ["Article", "Language", "Category", "Views", "Article sessions"] and len(rows) == 5
    assert rows[2] == [
        *("Gift wrapping", "en", "Orders", "45", "30", "18", "60.0", "24"),
        *("4", "3", "75.0", "3", "10.0", "15", "13", "86.7", "1"),
    ]
    assert rows[4][:5] == ["'=HYPERLINK(1)", "en", "Orders", "3", "2"]
    assert rows[1][15] == ""  # Track a parcel: no session ended there, no deflection rate


# Failed searches


@pytest.fixture
def searches(db):
    rows = [
        (nov(2), "en", "return label", "Return label", 10, 6, 1),
        (nov(3), "en", "return label", "return labels", 5, 4, 0),
        (nov(2), "en", "gift wrap", "Gift wrap", 20, 0, 3),
        (nov(4), "fa", "مرجوعی", "مرجوعي", 8, 5, 2),
        (nov(4), "en", "tracking", "Tracking", 9, 0, 0),  # every search found and clicked
        (date(2025, 10, 31), "en", "old", "Old", 100, 100, 0),  # before the period
    ]
    for when, locale, query, example, searched, no_results, no_click in rows:
        SearchDaily.objects.create(
            day=when,
            locale=locale,
            query=query,
            example=example,
            searches=searched,
            no_results=no_results,
            no_click=no_click,
        )


def test_failed_searches_are_summed_per_query_and_the_most_failed_come_first(searches):
    found = dashboard.failed_searches(NOV_1, NOV_30)

    assert [(row.locale, row.example, row.searches, row.no_results, row.no_click, row.failed) for row in found] == [
        ("en", "Return label", 15, 10, 1, 11),
        ("fa", "مرجوعي", 8, 5, 2, 7),
        ("en", "Gift wrap", 20, 0, 3, 3),
    ]
    assert [row.query for row in dashboard.failed_searches(NOV_1, NOV_30, locale="fa")] == ["مرجوعی"]
    assert len(dashboard.failed_searches(NOV_1, NOV_30, limit=2)) == 2


def test_failed_searches_cost_two_queries(searches, django_assert_num_queries):
    with django_assert_num_queries(2):  # the sums, then each query's busiest spelling
        dashboard.failed_searches(NOV_1, NOV_30)


def test_each_failed_search_offers_to_write_the_article_in_its_language(client, manager_lina, searches):
    import_articles(article("gift-wrap.fa", "fa"))
    client.force_login(manager_lina)

    html = _html(client, NOVEMBER)

    section = html.split("<caption>Failed searches</caption>", 1)[1]
    assert section.index("Return label") < section.index("مرجوعي") < section.index("Gift wrap")
    write = reverse("wagtailadmin_pages:choose_parent", args=["kb", "articlepage"]) + "?locale=fa"
    assert f'<a href="{write}">Write this article<span class="visually-hidden">: <bdi lang="fa">مرجوعي</bdi>' in section
    # The only Persian category is chosen for the manager: Wagtail goes straight to the new article's form.
    persian_orders = CategoryPage.objects.get(locale__language_code="fa")
    response = client.get(write)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:add", args=["kb", "articlepage", persian_orders.pk])
    assert client.get(response["Location"]).status_code == 200


# The editor's tab


@pytest.fixture
def lately():
    """Gift wrapping read in the last 30 days and the 30 before; Track a parcel keeps Orders' bounce rate low."""
    import_articles(article("gift-wrap.en", title="Gift wrapping"), article("track.en", title="Track a parcel"))
    today = timezone.localdate()
    day("gift-wrap.en", today - timedelta(days=1), views=41, sessions=40, bounces=30, votes=2, helpful_votes=1)
    day("gift-wrap.en", today - timedelta(days=40), views=17, sessions=16, bounces=4)
    day("track.en", today - timedelta(days=2), views=60, sessions=60, bounces=6)


def test_the_edit_screen_shows_a_manager_the_articles_reader_analytics(client, manager_lina, lately):
    client.force_login(manager_lina)
    gift = page("gift-wrap.en")

    response = client.get(reverse("wagtailadmin_pages:edit", args=[gift.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Reader analytics" in html and "How readers use this article" in html
    # 30 of 40 bounced (75 %) against Orders' 36 of 100 (36 %).
    assert "<strong>Needs review</strong>" in html and "is at least 15 percentage points above its category" in html
    views = re.search(r'<th scope="row">Views</th>(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", views) == ["41", "17"]
    assert "75.0%" in html and "36.0%" in html and "50.0%" in html
    assert 'href="/en/staff/reports/kb/?language=en"' in html


def test_agents_editing_an_article_see_no_reader_analytics(client, agent_sara, lately):
    client.force_login(agent_sara)

    response = client.get(reverse("wagtailadmin_pages:edit", args=[page("gift-wrap.en").pk]))

    assert response.status_code == 200
    assert "Reader analytics" not in response.content.decode()


def test_a_new_article_has_no_reader_analytics_yet(client, manager_lina, lately):
    client.force_login(manager_lina)
    orders = CategoryPage.objects.get(title="Orders")

    response = client.get(reverse("wagtailadmin_pages:add", args=["kb", "articlepage", orders.pk]))

    assert response.status_code == 200
    assert "How readers use this article" not in response.content.decode()
