"""`POST /api/v1/exit-surveys`: a customer is leaving the shop; answer with the link to send them to."""

from django.db import transaction
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.authentication import ApiKeyAuthentication
from helpdesk.api.permissions import IsShopKey
from helpdesk.api.schema import error_responses
from helpdesk.customers.serializers import CustomerInSerializer
from helpdesk.customers.services import CustomerData, customer_upsert

from .models import ExitContext
from .sending import survey_url
from .services import exit_survey_create


class ExitSurveyInSerializer(serializers.Serializer):
    customer = CustomerInSerializer()
    context = serializers.ChoiceField(choices=ExitContext.choices)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


ExitSurveyOutSerializer = inline_serializer(
    name="ExitSurveyLink",
    fields={
        "url": serializers.URLField(help_text="The signed survey page to send the customer to."),
        "expires_at": serializers.DateTimeField(),
    },
)

EXAMPLE = {
    "customer": {"external_id": "c-42", "email": "reza@example.com", "name": "رضا محمدی", "locale": "fa"},
    "context": "subscription_cancelled",
    "reference": "sub-981",
}


class ExitSurveyCreateView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsShopKey]

    @extend_schema(
        operation_id="exit_surveys_create",
        request=ExitSurveyInSerializer,
        responses={201: OpenApiResponse(ExitSurveyOutSerializer), **error_responses(400, 401, 403, 413, 415)},
        examples=[OpenApiExample("exit survey", value=EXAMPLE, request_only=True)],
        summary="Open an exit survey for a leaving customer",
        description=(
            "Shop key only. Call it when a customer cancels a subscription or closes their account, then send "
            "the customer to `url`: a page in their language asking why they leave. The link works once and "
            "expires (`expires_at`). The customer is created or updated by its `external_id`."
        ),
        tags=["surveys"],
    )
    def post(self, request):
        serializer = ExitSurveyInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            customer, _created = customer_upsert(data=CustomerData(**data["customer"]))
            survey, signed = exit_survey_create(customer=customer, context=data["context"], reference=data["reference"])
        return Response(
            {"url": survey_url(survey, signed), "expires_at": survey.expires_at}, status=status.HTTP_201_CREATED
        )
