from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from helpdesk.core.serializer_fields import CurrencyField, MoneyField
from helpdesk.customers.serializers import CustomerInSerializer, CustomerOutSerializer
from helpdesk.customers.services import CustomerData

from .models import OrderStatus
from .services import OrderData, OrderLineData


@extend_schema_serializer(component_name="OrderLine")
class OrderLineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=100)
    name = serializers.CharField(max_length=300)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    price = MoneyField()


@extend_schema_serializer(component_name="Order")
class OrderInSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=100)
    customer = CustomerInSerializer()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    placed_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    total = MoneyField()
    currency = CurrencyField()
    lines = OrderLineSerializer(many=True, required=False, default=list, max_length=1000)

    def validate(self, attrs):
        delivered_at = attrs.get("delivered_at")
        if delivered_at and delivered_at < attrs["placed_at"]:
            raise serializers.ValidationError({"delivered_at": _("An order cannot be delivered before it was placed.")})
        return attrs

    def to_order_data(self) -> OrderData:
        data = self.validated_data
        return OrderData(
            external_id=data["external_id"],
            customer=CustomerData(**data["customer"]),
            status=data["status"],
            placed_at=data["placed_at"],
            delivered_at=data["delivered_at"],
            total=data["total"],
            currency=data["currency"],
            lines=[OrderLineData(**line) for line in data["lines"]],
        )


@extend_schema_serializer(component_name="OrderLine")
class OrderLineOutSerializer(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=14, decimal_places=2)


@extend_schema_serializer(component_name="Order")
class OrderOutSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    customer = CustomerOutSerializer()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    placed_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    lines = OrderLineOutSerializer(many=True)
