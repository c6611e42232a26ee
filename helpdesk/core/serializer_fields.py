"""Serializer fields shared by the API and the importers."""

from babel.numbers import list_currencies
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

KNOWN_CURRENCIES = frozenset(list_currencies())


class CurrencyField(serializers.CharField):
    default_error_messages = {"unknown": _("“%(value)s” is not an ISO 4217 currency code.")}

    def __init__(self, **kwargs):
        super().__init__(min_length=3, max_length=3, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data).upper()
        if value not in KNOWN_CURRENCIES:
            self.fail("unknown", value=value)
        return value


class MoneyField(serializers.DecimalField):
    """A non-negative amount with at most two decimal places, given as a string or number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(max_digits=14, decimal_places=2, coerce_to_string=True, **kwargs)


class LocaleField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=[code for code, _name in settings.LANGUAGES], **kwargs)
