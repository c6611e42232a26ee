"""Credit endpoints: the shop reads balances and redeems; staff keys grant within their limits."""

import re

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.credits import services
from helpdesk.credits.errors import CreditError, CreditErrorCode
from helpdesk.credits.models import CreditReason
from helpdesk.credits.selectors import balances_for_customer, entries_for_customer
from helpdesk.credits.serializers import (
    BalanceSerializer,
    EntrySerializer,
    GrantInSerializer,
    RedemptionInSerializer,
    RedemptionOutSerializer,
    RequestOutSerializer,
    entry_data,
    request_data,
)
from helpdesk.customers.models import Customer
from helpdesk.tickets.models import Ticket

from .authentication import ApiKeyAuthentication
from .errors import DomainError
from .permissions import IsShopKey, IsStaffKey
from .schema import error_responses

KEY_HEADER = "Idempotency-Key"
KEY_MAX = 255
ENTRIES_DEFAULT = 50
ENTRIES_MAX = 500
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
STATUS_BY_CODE = {
    CreditErrorCode.INSUFFICIENT_CREDIT: status.HTTP_409_CONFLICT,
    CreditErrorCode.BUSY: status.HTTP_409_CONFLICT,
    CreditErrorCode.ALREADY_REVERSED: status.HTTP_409_CONFLICT,
    CreditErrorCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    CreditErrorCode.NOT_STAFF: status.HTTP_403_FORBIDDEN,
    CreditErrorCode.SELF_GRANT: status.HTTP_403_FORBIDDEN,
}
KEY_PARAMETER = OpenApiParameter(
    KEY_HEADER,
    # HTTP drops whitespace around a header value, so a key cannot start or end with it.
    {"type": "string", "minLength": 1, "maxLength": KEY_MAX, "pattern": r"^\S(?:.*\S)?$"},
    location=OpenApiParameter.HEADER,
    required=True,
    description="Any unique string up to 255 characters, not blank (a UUID is ideal). Send the same key to retry "
    "safely.",
)


def _domain_error(error: CreditError) -> DomainError:
    return DomainError(str(error.code), error.message, STATUS_BY_CODE.get(error.code, 422))


def _customer(external_id: str) -> Customer:
    customer = Customer.objects.filter(external_id=external_id).first()
    if customer is None:
        raise DomainError("unknown_customer", _("There is no customer with this external id."), 404)
    return customer


def _idempotency_key(request) -> str:
    key = request.headers.get(KEY_HEADER, "").strip()
    if not key or len(key) > KEY_MAX:
        message = _("Send an Idempotency-Key header (up to 255 characters) so a retry cannot spend twice.")
        raise DomainError("idempotency_key_required", message, status.HTTP_400_BAD_REQUEST)
    return key


def _entries_limit(request) -> int:
    values = [value for value in request.query_params.getlist("limit") if value]  # `?limit=` is no limit
    if not values:
        return ENTRIES_DEFAULT
    if len(values) > 1 or not WHOLE_NUMBER.fullmatch(values[0]):
        raise serializers.ValidationError({"limit": serializers.IntegerField.default_error_messages["invalid"]})
    try:
        limit = int(values[0])
    except ValueError:  # more digits than Python converts: far outside the range either way
        limit = -1 if values[0].startswith("-") else ENTRIES_MAX
    return min(max(limit, 1), ENTRIES_MAX)


def _shop_label(request) -> str:
    return f"shop:{request.auth.name}"


class CreditView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsShopKey]

    @extend_schema(
        operation_id="credit_read",
        parameters=[
            OpenApiParameter(
                "limit",
                int,
                description=f"How many recent entries: a whole number, given once; {ENTRIES_DEFAULT} without one, "
                f"and one outside 1–{ENTRIES_MAX} is clamped to it.",
            )
        ],
        responses={
            200: inline_serializer(
                "Credit",
                {"balances": BalanceSerializer(many=True), "entries": EntrySerializer(many=True)},
            ),
            **error_responses(400, 401, 403, 404),
        },
        summary="A customer's credit balances and latest ledger entries",
        description="Shop key. Entries are newest first; `kind` is `grant`, `redeem`, `reverse` or `expire`.",
        tags=["credit"],
    )
    def get(self, request, external_id: str):
        customer = _customer(external_id)
        limit = _entries_limit(request)
        return Response(
            {
                "balances": BalanceSerializer(balances_for_customer(customer), many=True).data,
                "entries": EntrySerializer(entries_for_customer(customer, limit=limit), many=True).data,
            }
        )


class CreditGrantView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsStaffKey]

    @extend_schema(
        operation_id="credit_grant",
        request=GrantInSerializer,
        responses={
            201: inline_serializer(
                "GrantOutcome",
                {
                    "status": serializers.ChoiceField(["granted", "pending_approval"]),
                    "entry": EntrySerializer(required=False),
                    "request": RequestOutSerializer(required=False),
                },
            ),
            **error_responses(400, 401, 403, 404, 422),
        },
        examples=[
            OpenApiExample(
                "grant", value={"amount": "10.00", "currency": "USD", "reason": "late-delivery"}, request_only=True
            )
        ],
        summary="Grant credit as the key's staff member",
        description=(
            "Staff key. Within the staff member's limits the credit is granted at once (`granted`, with the "
            "ledger `entry`) and the customer is emailed; over them it waits for a manager (`pending_approval`, "
            "with the `request`). 403 `self_grant` when the customer's email is the staff member's; 422 "
            "`invalid_amount`, `unknown_reason`, `reason_inactive`, `expiry_in_past`."
        ),
        tags=["credit"],
    )
    def post(self, request, external_id: str):
        customer = _customer(external_id)
        serializer = GrantInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reason = CreditReason.objects.filter(code=data["reason"]).first()
        if reason is None:
            raise DomainError("unknown_reason", _("There is no credit reason with this code."))
        ticket = None
        if data["ticket"]:
            ticket = Ticket.objects.filter(pk=data["ticket"], customer=customer).first()
            if ticket is None:
                raise DomainError("unknown_ticket", _("This customer has no ticket with this number."))
        try:
            outcome = services.credit_grant(
                customer=customer,
                amount=data["amount"],
                currency=data["currency"],
                reason=reason,
                by=request.user,
                note=data["note"],
                message=data["message"],
                expires_at=data["expires_at"],
                ticket=ticket,
            )
        except CreditError as error:
            raise _domain_error(error) from None
        body = {"status": outcome.status}
        if outcome.entry is not None:
            body["entry"] = entry_data(outcome.entry)
        else:
            body["request"] = request_data(outcome.request)
        return Response(body, status=status.HTTP_201_CREATED)


class RedemptionView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsShopKey]

    @extend_schema(
        operation_id="credit_redeem",
        parameters=[KEY_PARAMETER],
        request=RedemptionInSerializer,
        responses={201: OpenApiResponse(RedemptionOutSerializer), **error_responses(400, 401, 403, 404, 409, 422)},
        examples=[
            OpenApiExample("redeem", value={"amount": "7.50", "currency": "USD", "order": "1002"}, request_only=True)
        ],
        summary="Spend a customer's credit on an order",
        description=(
            "Shop key and an `Idempotency-Key` header (400 `idempotency_key_required` without). The same key "
            "with the same body replays the first answer; with another body it is 422 `idempotency_mismatch`. "
            "409 `insufficient_credit` when the balance is lower; 409 `busy` when another request holds the "
            "balance too long (retry with the same key); 422 `currency_mismatch` when the customer holds "
            "credit in other currencies only; 422 `invalid_amount`. Nothing is written on any error."
        ),
        tags=["credit"],
    )
    def post(self, request, external_id: str):
        key = _idempotency_key(request)
        customer = _customer(external_id)
        serializer = RedemptionInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            redemption = services.credit_redeem(
                customer=customer,
                amount=data["amount"],
                currency=data["currency"],
                order=data["order"],
                idempotency_key=key,
                by_label=_shop_label(request),
            )
        except CreditError as error:
            raise _domain_error(error) from None
        return Response(RedemptionOutSerializer(redemption.entry).data, status=status.HTTP_201_CREATED)


class ReversalView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsShopKey]

    @extend_schema(
        operation_id="credit_reverse",
        parameters=[KEY_PARAMETER],
        request=None,
        responses={201: OpenApiResponse(EntrySerializer), **error_responses(400, 401, 403, 404, 409)},
        summary="Put a redemption's amount back",
        description=(
            "Shop key and an `Idempotency-Key` header. For an order that was cancelled or refunded: the amount "
            "returns to the grants it came from (what is past its use-by date then expires). 409 "
            "`already_reversed` for a second reversal under another key; 404 `not_found` for a redemption that "
            "is not this customer's."
        ),
        tags=["credit"],
    )
    def post(self, request, external_id: str, redemption_id):
        key = _idempotency_key(request)
        customer = _customer(external_id)
        try:
            reversal = services.credit_reverse(
                customer=customer, redemption_id=redemption_id, idempotency_key=key, by_label=_shop_label(request)
            )
        except CreditError as error:
            raise _domain_error(error) from None
        return Response(entry_data(reversal.entry), status=status.HTTP_201_CREATED)
