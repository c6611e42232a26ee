"""The credit API's shapes: what the shop sends and what it gets back."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from helpdesk.core.serializer_fields import CurrencyField

from .models import CreditEntry, CreditRequest

MAX_TEXT = 2000


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^\d{1,12}(\.\d{1,2})?$", "example": "25.00"})
class AmountField(serializers.Field):
    """A decimal string ("25.00") or a JSON number; the ledger checks it is positive with at most 2 places."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            raise serializers.ValidationError(_("Give the amount as a decimal string such as “25.00”."))
        return str(data)

    def to_representation(self, value):
        return f"{value:.2f}"


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^\d{1,12}(\.\d{1,2})?$",
        "not": {"pattern": r"^[0.]*$"},
        "example": "25.00",
    }
)
class PositiveAmountField(AmountField):
    """An amount to grant or spend: the ledger refuses zero with `invalid_amount`, and the schema says so."""


class EntrySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    amount = AmountField()
    currency = serializers.CharField(source="account.currency")
    balance_after = AmountField()
    reason = serializers.CharField(source="reason.code", default=None, allow_null=True)
    order = serializers.CharField()
    reverses = serializers.UUIDField(source="reverses.public_id", default=None, allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class BalanceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = AmountField(source="balance")


class GrantInSerializer(serializers.Serializer):
    amount = PositiveAmountField()
    currency = CurrencyField()
    reason = serializers.SlugField(max_length=40, help_text="A reason code, e.g. `late-delivery`.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT, default="")
    message = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT, default="")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ticket = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class RequestOutSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    amount = AmountField()
    currency = serializers.CharField()
    status = serializers.CharField()
    over = serializers.CharField(help_text="`per_grant` or `per_30_days`: which limit the grant is over.")


class RedemptionInSerializer(serializers.Serializer):
    amount = PositiveAmountField()
    currency = CurrencyField()
    order = serializers.CharField(max_length=100, help_text="The shop's order number the credit pays towards.")


class RedemptionOutSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    amount = AmountField()
    currency = serializers.CharField(source="account.currency")
    order = serializers.CharField()
    balance_after = AmountField()
    created_at = serializers.DateTimeField()


def entry_data(entry: CreditEntry) -> dict:
    return EntrySerializer(entry).data


def request_data(request: CreditRequest) -> dict:
    return RequestOutSerializer(request).data
