"""`POST /api/v1/orders`: the shop reports an order (upsert by external id)."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.orders.serializers import OrderInSerializer, OrderOutSerializer
from helpdesk.orders.services import order_upsert

from .authentication import ApiKeyAuthentication
from .permissions import IsShopKey
from .schema import error_responses

EXAMPLE_ORDER = {
    "external_id": "1001",
    "customer": {"external_id": "c-42", "email": "reza@example.com", "name": "رضا محمدی", "locale": "fa"},
    "status": "paid",
    "placed_at": "2025-03-01T09:30:00Z",
    "delivered_at": None,
    "total": "25.00",
    "currency": "EUR",
    "lines": [{"sku": "TEA-1", "name": "Saffron tea", "quantity": 2, "price": "12.50"}],
}


class OrderUpsertView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsShopKey]

    @extend_schema(
        operation_id="orders_upsert",
        request=OrderInSerializer,
        responses={
            201: OpenApiResponse(OrderOutSerializer, description="The order is new."),
            200: OpenApiResponse(OrderOutSerializer, description="The order existed and was updated."),
            **error_responses(400, 401, 403, 413, 415),
        },
        examples=[OpenApiExample("order", value=EXAMPLE_ORDER, request_only=True)],
        summary="Create or update an order",
        description=(
            "Shop key only. Upsert by `external_id`: 201 when the order is new, 200 when it was updated. "
            "The customer is created or updated by its `external_id`; the lines replace the order's lines. "
            "Money is a decimal string with at most two places. Nothing is written when the request fails."
        ),
        tags=["orders"],
    )
    def post(self, request):
        serializer = OrderInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order, created = order_upsert(data=serializer.to_order_data())
        return Response(
            OrderOutSerializer(order).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
