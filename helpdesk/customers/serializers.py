from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from helpdesk.core.serializer_fields import LocaleField

from .services import CustomerData


@extend_schema_serializer(component_name="Customer")
class CustomerInSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=100)
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    locale = LocaleField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    def to_customer_data(self) -> CustomerData:
        return CustomerData(**self.validated_data)


@extend_schema_serializer(component_name="Customer")
class CustomerOutSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    email = serializers.EmailField()
    name = serializers.CharField()
    locale = serializers.CharField()
    phone = serializers.CharField()
