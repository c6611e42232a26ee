"""Dates as each language reads them: Jalali for Persian, Gregorian for English and Arabic."""

from datetime import date, datetime

import jdatetime
from babel.dates import format_date, format_datetime
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
    if language.startswith("fa"):
        day = value.date() if isinstance(value, datetime) else value
        jalali = jdatetime.date.fromgregorian(date=day)
        text = f"{jalali.day} {JALALI_MONTHS[jalali.month - 1]} {jalali.year}"
        if with_time and isinstance(value, datetime):
            text += f"، {value:%H:%M}"
        return to_persian_digits(text)
    locale = "ar" if language.startswith("ar") else "en"
    if with_time and isinstance(value, datetime):
        return format_datetime(value, "d MMMM y, HH:mm", locale=locale)
    return format_date(value, "d MMMM y", locale=locale)
