"""Serializer fields shared by the API and the importers."""

import re
from decimal import Decimal

from babel.numbers import list_currencies
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

KNOWN_CURRENCIES = frozenset(list_currencies())
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@extend_schema_field(
    {
        "type": "string",
        "enum": sorted(KNOWN_CURRENCIES),
        "example": "EUR",
        "description": "ISO 4217 code (lower case is accepted too).",
    }
)
class CurrencyField(serializers.CharField):
    default_error_messages = {"unknown": _("“{value}” is not an ISO 4217 currency code.")}

    def __init__(self, **kwargs):
        super().__init__(min_length=3, max_length=3, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data).upper()
        if value not in KNOWN_CURRENCIES:
            self.fail("unknown", value=value)
        return value


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^\d{1,12}(\.\d{1,2})?$", "example": "25.00"})
class MoneyField(serializers.DecimalField):
    """A non-negative amount with at most two decimal places: "25.00" (a JSON number is accepted too)."""

    default_error_messages = {"invalid": _("Give the amount as a decimal string such as “25.00”.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(max_digits=14, decimal_places=2, coerce_to_string=True, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float | Decimal):
            self.fail("invalid")
        if isinstance(data, str) and not PLAIN_DECIMAL.fullmatch(data.strip()):
            self.fail("invalid")
        value = super().to_internal_value(data)
        return abs(value) if value == 0 else value


class LocaleField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=[code for code, _name in settings.LANGUAGES], **kwargs)
