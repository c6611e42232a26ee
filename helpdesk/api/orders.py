"""`POST /api/v1/orders`: the shop reports an order (upsert by external id)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.orders.serializers import OrderInSerializer, OrderOutSerializer
from helpdesk.orders.services import order_upsert

from .permissions import IsShopKey


class OrderUpsertView(APIView):
    permission_classes = [IsShopKey]

    @extend_schema(
        request=OrderInSerializer,
        responses={201: OrderOutSerializer, 200: OrderOutSerializer},
        summary="Create or update an order",
        description="Upsert by `external_id`: 201 when the order is new, 200 when it was updated.",
    )
    def post(self, request):
        serializer = OrderInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order, created = order_upsert(data=serializer.to_order_data())
        return Response(
            OrderOutSerializer(order).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
