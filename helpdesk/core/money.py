"""Money as people read it, in the active language (digits, separators and symbol)."""

from decimal import Decimal

from babel.numbers import format_currency
from django.utils import translation


def format_money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    locale = (locale or translation.get_language() or "en").replace("-", "_")
    return format_currency(amount, currency, locale=locale)
