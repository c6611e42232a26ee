"""Ticket endpoints for the shop (shop key) and for staff automation (staff key)."""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.accounts.roles import is_agent
from helpdesk.customers.models import Customer
from helpdesk.customers.services import CustomerData, customer_upsert
from helpdesk.orders.models import Order
from helpdesk.tickets import services
from helpdesk.tickets.errors import TicketError, TicketErrorCode
from helpdesk.tickets.models import Channel, Ticket
from helpdesk.tickets.serializers import (
    MessageInSerializer,
    MessageOutSerializer,
    TicketDetailSerializer,
    TicketInSerializer,
    TicketOutSerializer,
)

from .authentication import ApiKeyAuthentication
from .errors import DomainError
from .models import ApiKey
from .permissions import IsShopKey
from .schema import error_responses

LIST_LIMIT = 100
CUSTOMER_ID_MAX = 100
STATUS_BY_CODE = {
    TicketErrorCode.NOT_STAFF: status.HTTP_403_FORBIDDEN,
    TicketErrorCode.TICKET_CLOSED: status.HTTP_409_CONFLICT,
    TicketErrorCode.TICKET_MERGED: status.HTTP_409_CONFLICT,
}


class IsShopOrAgentKey(BasePermission):
    message = _("This endpoint needs a shop key or the API key of an agent or manager.")

    def has_permission(self, request, view):
        key = request.auth
        return isinstance(key, ApiKey) and (key.is_shop_key or is_agent(key.user))


def _domain_error(error: TicketError) -> DomainError:
    code = STATUS_BY_CODE.get(error.code, status.HTTP_422_UNPROCESSABLE_ENTITY)
    return DomainError(str(error.code), error.message, code)


def _acting_staff(request):
    """The staff member a staff key acts for, or None for the shop."""
    return None if request.auth.is_shop_key else request.auth.user


EXAMPLE_TICKET = {
    "customer": {"external_id": "c-42", "email": "reza@example.com", "name": "رضا محمدی", "locale": "fa"},
    "subject": "سفارش ۱۰۰۱ هنوز نرسیده",
    "body": "سلام، سفارشم هنوز نرسیده است.",
    "priority": "normal",
    "order": "1001",
}


class TicketListCreateView(APIView):
    authentication_classes = [ApiKeyAuthentication]

    def get_permissions(self):
        return [IsShopKey()] if self.request.method == "GET" else [IsShopOrAgentKey()]

    @extend_schema(
        operation_id="tickets_create",
        request=TicketInSerializer,
        responses={201: OpenApiResponse(TicketOutSerializer), **error_responses(400, 401, 403, 413, 415, 422)},
        examples=[OpenApiExample("ticket", value=EXAMPLE_TICKET, request_only=True)],
        summary="Open a ticket for a customer",
        description=(
            "Shop key or a staff key. The customer is created or updated by its `external_id`; `order` is the "
            "`external_id` of one of that customer's orders (422 `order_not_customers` otherwise). The body is "
            "Markdown and is sanitised; 422 `empty_subject` or `empty_body` when nothing is left of one once "
            "markup and control characters are dropped. `url` is the page where the customer follows the ticket."
        ),
        tags=["tickets"],
    )
    def post(self, request):
        serializer = TicketInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with transaction.atomic():
                customer, _created = customer_upsert(data=CustomerData(**data["customer"]))
                order = None
                if data["order"]:
                    order = Order.objects.filter(external_id=data["order"]).first()
                    if order is None or order.customer_id != customer.pk:
                        raise TicketError(TicketErrorCode.ORDER_NOT_CUSTOMERS)
                ticket = services.ticket_create(
                    customer=customer,
                    subject=data["subject"],
                    body=data["body"],
                    priority=data["priority"],
                    order=order,
                    channel=Channel.API,
                    by=_acting_staff(request),
                )
        except TicketError as error:
            raise _domain_error(error) from None
        return Response(TicketOutSerializer(ticket).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="tickets_list",
        parameters=[
            OpenApiParameter(
                "customer",
                {"type": "string", "minLength": 1, "maxLength": CUSTOMER_ID_MAX},
                required=True,
                description="The customer's `external_id`.",
            ),
        ],
        responses={200: TicketOutSerializer(many=True), **error_responses(400, 401, 403)},
        summary="List a customer's tickets",
        description=f"Shop key only. Newest first, at most {LIST_LIMIT}. Merged duplicates are left out.",
        tags=["tickets"],
    )
    def get(self, request):
        external_id = request.query_params.get("customer", "")
        if not external_id or len(external_id) > CUSTOMER_ID_MAX:
            raise DomainError(
                "validation_error", _("Give the customer's external id: ?customer=..."), status.HTTP_400_BAD_REQUEST
            )
        customer = Customer.objects.filter(external_id=external_id).first()
        tickets = (
            Ticket.objects.filter(customer=customer, merged_into__isnull=True)
            .select_related("customer", "order")
            .prefetch_related("tags")
            .order_by("-created_at", "-pk")[:LIST_LIMIT]
            if customer
            else []
        )
        return Response(TicketOutSerializer(tickets, many=True).data)


def _ticket_or_404(pk: int) -> Ticket:
    ticket = Ticket.objects.select_related("customer", "order").prefetch_related("tags").filter(pk=pk).first()
    if ticket is None:
        raise DomainError("not_found", _("There is no ticket with this id."), status.HTTP_404_NOT_FOUND)
    return ticket


class TicketDetailView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsShopOrAgentKey]

    @extend_schema(
        operation_id="tickets_detail",
        responses={200: TicketDetailSerializer, **error_responses(401, 403, 404)},
        summary="A ticket with its messages",
        description="Shop key or staff key. The shop sees public messages only; staff keys see internal notes too.",
        tags=["tickets"],
    )
    def get(self, request, pk: int):
        ticket = _ticket_or_404(pk)
        messages = ticket.messages.select_related("author_user").prefetch_related("attachments")
        if request.auth.is_shop_key:
            messages = messages.filter(public=True)
        return Response(TicketDetailSerializer(ticket, context={"messages": messages}).data)


class TicketMessageCreateView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsShopOrAgentKey]

    @extend_schema(
        operation_id="tickets_messages_create",
        request=MessageInSerializer,
        responses={
            201: OpenApiResponse(MessageOutSerializer),
            **error_responses(400, 401, 403, 404, 409, 413, 415, 422),
        },
        summary="Add a message to a ticket",
        description=(
            "With a shop key the message is the customer's (and reopens a solved ticket). With a staff key it is "
            "that staff member's public reply, or an internal note with `public: false` (staff keys only: 403 "
            "for the shop). 409 `ticket_closed` / `ticket_merged` when the ticket takes no more messages; 422 "
            "`empty_body` when nothing is left of the body once control characters are dropped."
        ),
        tags=["tickets"],
    )
    def post(self, request, pk: int):
        ticket = _ticket_or_404(pk)
        serializer = MessageInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body, public = serializer.validated_data["body"], serializer.validated_data["public"]
        staff = _acting_staff(request)
        if staff is None and not public:
            raise DomainError("permission_denied", _("Only staff keys can add internal notes."), 403)
        try:
            if staff is None:
                message = services.ticket_reply(ticket=ticket, body=body, by=ticket.customer, channel=Channel.API)
            elif public:
                message = services.ticket_reply(ticket=ticket, body=body, by=staff, channel=Channel.API)
            else:
                message = services.ticket_add_note(ticket=ticket, body=body, by=staff)
        except TicketError as error:
            raise _domain_error(error) from None
        return Response(MessageOutSerializer(message).data, status=status.HTTP_201_CREATED)
