"""Dates as each language reads them: Jalali for Persian, Gregorian for English and Arabic."""

from datetime import date, datetime, timedelta

import jdatetime
from babel.dates import format_date
from django.utils import timezone, translation

GREGORIAN = "gregorian"
JALALI = "jalali"
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
JALALI_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)


def to_persian_digits(text: str) -> str:
    return str(text).translate(PERSIAN_DIGITS)


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_local_date(value: date | datetime, *, language: str | None = None, with_time: bool = False) -> str:
    """Format a date (and optionally the time) for the language, e.g. '۱ آذر ۱۴۰۵' in Persian."""
    language = language or translation.get_language() or "en"
    value = _local(value)
    day = value.date() if isinstance(value, datetime) else value
    if language.startswith("fa"):
        jalali = jdatetime.date.fromgregorian(date=day)
        text = f"{jalali.day} {JALALI_MONTHS[jalali.month - 1]} {jalali.year}"
    else:
        text = format_date(day, "d MMMM y", locale="ar" if language.startswith("ar") else "en")
    if with_time and isinstance(value, datetime):
        separator = "، " if language.startswith(("fa", "ar")) else ", "
        text += f"{separator}{value:%H:%M}"
    return to_persian_digits(text) if language.startswith("fa") else text


def calendar_for(language: str | None = None) -> str:
    """The calendar whose months a reader of `language` counts in."""
    language = language or translation.get_language() or "en"
    return JALALI if language.startswith("fa") else GREGORIAN


def month_start(day: date, calendar: str = GREGORIAN) -> date:
    """The (Gregorian) date of the first day of the month `day` falls in, counted in `calendar`."""
    if calendar == JALALI:
        jalali = jdatetime.date.fromgregorian(date=day)
        return jdatetime.date(jalali.year, jalali.month, 1).togregorian()
    return day.replace(day=1)


def months_back(day: date, count: int, calendar: str = GREGORIAN) -> date:
    """The first day of the month `count` months before the one `day` falls in."""
    start = month_start(day, calendar)
    for _ in range(count):
        start = month_start(start - timedelta(days=1), calendar)
    return start


def months_between(start: date, end: date, calendar: str = GREGORIAN) -> list[date]:
    """The first days of every month from the one `start` falls in through the one `end` falls in."""
    months, current = [], month_start(start, calendar)
    while current <= end:
        months.append(current)
        # No month is longer than 31 days, nor are two in a row shorter than 32 together.
        current = month_start(current + timedelta(days=32), calendar)
    return months


def format_month(day: date, *, language: str | None = None, short: bool = False) -> str:
    """Name the month `day` falls in, in the language's calendar: 'November 2025', 'آذر ۱۴۰۴'."""
    language = language or translation.get_language() or "en"
    if language.startswith("fa"):
        jalali = jdatetime.date.fromgregorian(date=day)
        return to_persian_digits(f"{JALALI_MONTHS[jalali.month - 1]} {jalali.year}")
    pattern = "MMM y" if short else "MMMM y"
    return format_date(day, pattern, locale="ar" if language.startswith("ar") else "en")
