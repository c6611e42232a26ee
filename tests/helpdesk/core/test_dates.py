"""Dates as each language reads them, through `format_local_date` and the `localdate` filter."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import jdatetime
import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from helpdesk.core.dates import JALALI_MONTHS, format_local_date

PERSIAN_TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def render(template: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load helpdesk %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fa", "۱ آذر ۱۴۰۵"),
        ("ar", "22 نوفمبر 2026"),
        ("en", "22 November 2026"),
    ],
)
def test_each_language_reads_its_own_calendar(language, expected):
    assert render("{{ day|localdate }}", language, day=date(2026, 11, 22)) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 21), "۱ فروردین ۱۴۰۵"),  # Nowruz
        (date(2026, 3, 20), "۲۹ اسفند ۱۴۰۴"),
        (date(2025, 3, 20), "۳۰ اسفند ۱۴۰۳"),  # 1403 is a leap year
        (date(2024, 12, 31), "۱۱ دی ۱۴۰۳"),
    ],
)
def test_persian_dates_around_the_year_boundary(day, expected):
    assert format_local_date(day, language="fa") == expected


def test_regional_language_codes_use_their_language():
    assert format_local_date(date(2026, 11, 22), language="fa-ir") == "۱ آذر ۱۴۰۵"
    assert format_local_date(date(2026, 11, 22), language="ar-eg") == "22 نوفمبر 2026"


def test_time_is_added_on_request_in_local_time():
    # Given 22:45 UTC, which is already the next day in Tehran (UTC+3:30)
    moment = datetime(2026, 11, 21, 22, 45, tzinfo=UTC)

    with timezone.override(ZoneInfo("Asia/Tehran")):
        persian = render('{{ moment|localdate:"time" }}', "fa", moment=moment)
        arabic = render('{{ moment|localdate:"time" }}', "ar", moment=moment)
        english = render('{{ moment|localdate:"time" }}', "en", moment=moment)
        date_only = render("{{ moment|localdate }}", "en", moment=moment)

    assert persian == "۱ آذر ۱۴۰۵، ۰۲:۱۵"
    assert arabic == "22 نوفمبر 2026، 02:15"
    assert english == "22 November 2026, 02:15"
    assert date_only == "22 November 2026"


def test_aware_value_shows_the_local_day_not_the_utc_day():
    moment = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)

    with timezone.override(ZoneInfo("America/New_York")):
        assert format_local_date(moment, language="en") == "21 November 2026"


def test_plain_dates_ignore_the_time_request():
    assert render('{{ day|localdate:"time" }}', "en", day=date(2026, 11, 22)) == "22 November 2026"


@pytest.mark.parametrize("empty", [None, ""])
def test_missing_dates_render_nothing(empty):
    assert render("{{ value|localdate }}", "fa", value=empty) == ""


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2300, 12, 31)))
def test_persian_date_reads_back_to_the_same_day(day):
    # When the Persian text is read back as day, month name and year
    text = format_local_date(day, language="fa")
    day_text, month_name, year_text = text.split(" ")

    # Then it names exactly the original Gregorian day, in Persian digits only
    assert not any(character in "0123456789" for character in text)
    jalali = jdatetime.date(
        int(year_text.translate(PERSIAN_TO_LATIN)),
        JALALI_MONTHS.index(month_name) + 1,
        int(day_text.translate(PERSIAN_TO_LATIN)),
    )
    assert jalali.togregorian() == day
