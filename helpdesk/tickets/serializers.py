"""The API's view of tickets and messages."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from helpdesk.customers.serializers import CustomerInSerializer

from .models import NO_DUE, Message, Priority, Ticket


@extend_schema_serializer(component_name="TicketCreate")
class TicketInSerializer(serializers.Serializer):
    customer = CustomerInSerializer()
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=50_000)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, default=Priority.NORMAL)
    order = serializers.CharField(
        max_length=100, required=False, allow_null=True, default=None, help_text="The order's `external_id`."
    )


@extend_schema_serializer(component_name="MessageCreate")
class MessageInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=50_000)
    public = serializers.BooleanField(
        required=False, default=True, help_text="`false` makes an internal note (staff keys only)."
    )


@extend_schema_serializer(component_name="Attachment")
class AttachmentOutSerializer(serializers.Serializer):
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


@extend_schema_serializer(component_name="Message")
class MessageOutSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author_kind", help_text="`customer`, `agent` or `system`.")
    author_name = serializers.SerializerMethodField()
    attachments = AttachmentOutSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "author", "author_name", "public", "body", "body_html", "channel", "created_at", "attachments"]

    def get_author_name(self, message) -> str:
        if message.author_user is not None:
            return message.author_user.first_name or message.author_user.get_full_name()
        return ""


def _due(value):
    return None if value is None or value == NO_DUE else value


@extend_schema_serializer(component_name="Ticket")
class TicketOutSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="pk")
    customer = serializers.CharField(source="customer.external_id")
    order = serializers.CharField(source="order.external_id", allow_null=True, default=None)
    url = serializers.SerializerMethodField(help_text="Where the customer follows the ticket.")
    sla = serializers.SerializerMethodField()
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    locale = serializers.CharField(help_text="The language the customer is answered in: `en`, `ar` or `fa`.")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "subject",
            "status",
            "priority",
            "channel",
            "locale",
            "customer",
            "order",
            "tags",
            "url",
            "created_at",
            "updated_at",
            "sla",
        ]

    def get_url(self, ticket) -> str:
        return settings.SITE_URL + reverse("tickets:portal_detail", kwargs={"public_id": ticket.public_id})

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "next_due_at": {"type": "string", "format": "date-time", "nullable": True},
                "breached": {"type": "boolean"},
                "first_responded_at": {"type": "string", "format": "date-time", "nullable": True},
                "first_response_business_seconds": {"type": "integer", "nullable": True},
                "resolution_business_seconds": {"type": "integer", "nullable": True},
            },
        }
    )
    def get_sla(self, ticket) -> dict:
        field = serializers.DateTimeField()
        due = _due(ticket.sla_due_at)
        responded = ticket.first_responded_at
        return {
            "next_due_at": field.to_representation(due) if due else None,
            "breached": ticket.sla_breached,
            "first_responded_at": field.to_representation(responded) if responded else None,
            "first_response_business_seconds": ticket.first_response_business_seconds,
            "resolution_business_seconds": ticket.resolution_business_seconds,
        }


@extend_schema_serializer(component_name="TicketDetail")
class TicketDetailSerializer(TicketOutSerializer):
    messages = serializers.SerializerMethodField()

    class Meta(TicketOutSerializer.Meta):
        fields = [*TicketOutSerializer.Meta.fields, "messages"]

    @extend_schema_field(MessageOutSerializer(many=True))
    def get_messages(self, ticket):
        return MessageOutSerializer(self.context["messages"], many=True).data
