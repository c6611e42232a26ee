"""Dates as each language reads them: Jalali for Persian, Gregorian for English and Arabic."""

from datetime import date, datetime

import jdatetime
from babel.dates import format_date
from django.utils import timezone, translation

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
