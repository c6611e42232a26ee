"""Amounts and currencies as the ledger accepts them."""

import re
from decimal import Decimal, InvalidOperation

from helpdesk.core.serializer_fields import KNOWN_CURRENCIES

from .errors import CreditError, CreditErrorCode

CENT = Decimal("0.01")
PLAIN = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")
LARGEST = Decimal("999999999999.99")


def amount_check(amount) -> Decimal:
    """Return `amount` as a Decimal with two places, or refuse it: positive, at most 2 decimals."""
    if isinstance(amount, str) and not PLAIN.fullmatch(amount.strip()):
        raise CreditError(CreditErrorCode.INVALID_AMOUNT)
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        raise CreditError(CreditErrorCode.INVALID_AMOUNT) from None
    if isinstance(amount, bool | float) or not value.is_finite() or value <= 0 or value > LARGEST:
        raise CreditError(CreditErrorCode.INVALID_AMOUNT)
    if value != value.quantize(CENT):
        raise CreditError(CreditErrorCode.INVALID_AMOUNT)
    return value.quantize(CENT)


def currency_check(currency: str) -> str:
    code = (currency or "").strip().upper()
    if code not in KNOWN_CURRENCIES:
        raise CreditError(CreditErrorCode.UNKNOWN_CURRENCY, currency=currency)
    return code
