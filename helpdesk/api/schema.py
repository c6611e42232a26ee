"""OpenAPI schema pieces: the public paths, the bearer-key scheme and the error shape."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

# Text with a character that is not whitespace (DRF trims text fields and refuses what is left blank).
# Not just `\S`: Schemathesis reads a one-item pattern beside maxLength as the whole string's shape.
NOT_BLANK = r"(?:^|\s)\S"

ERROR_DESCRIPTIONS = {
    400: "The body is not valid JSON (`invalid_json`) or fields are missing or invalid (`validation_error`, "
    "with `fields`).",
    401: "No key was sent (`not_authenticated`), or it is unknown, revoked or expired (`invalid_api_key`).",
    403: "The key may not use this endpoint (`permission_denied`), e.g. a staff key on a shop-only endpoint.",
    404: "Nothing found at this address (`not_found`).",
    409: "The request conflicts with the current state.",
    413: "The body is larger than the server accepts (`payload_too_large`).",
    415: "The body is not `application/json` (`unsupported_media_type`).",
    422: "The request is well formed but cannot be carried out; `code` says why.",
}

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorDetail",
            fields={
                "code": serializers.CharField(help_text="Machine-readable reason, e.g. `validation_error`."),
                "message": serializers.CharField(help_text="Human-readable explanation."),
                "fields": serializers.DictField(
                    required=False,
                    help_text="For `validation_error`: the problem with each field, nested like the request.",
                ),
            },
        )
    },
)

VALIDATION_EXAMPLE = OpenApiExample(
    "validation_error",
    value={
        "error": {
            "code": "validation_error",
            "message": "Some fields are missing or invalid.",
            "fields": {"total": "Ensure that there are no more than 2 decimal places."},
        }
    },
    response_only=True,
    status_codes=["400"],
)
INVALID_JSON_EXAMPLE = OpenApiExample(
    "invalid_json",
    value={"error": {"code": "invalid_json", "message": "The request body is not valid JSON: ..."}},
    response_only=True,
    status_codes=["400"],
)


def error_responses(*status_codes: int) -> dict[int, OpenApiResponse]:
    """Document the error shape for each status, for `@extend_schema(responses={...})`."""
    return {
        code: OpenApiResponse(
            ErrorSerializer,
            description=ERROR_DESCRIPTIONS[code],
            examples=[VALIDATION_EXAMPLE, INVALID_JSON_EXAMPLE] if code == 400 else [],
        )
        for code in status_codes
    }


class TrimmedTextField(OpenApiSerializerFieldExtension):
    """Say in the schema that a text field which may not be blank may not be whitespace either.

    DRF strips a text field before checking it is not blank, so `"  "` is refused like `""`.
    """

    target_class = "rest_framework.fields.CharField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        is_text = schema.get("type") == "string" and "pattern" not in schema
        if direction == "request" and is_text and field.trim_whitespace and not field.allow_blank:
            schema["pattern"] = NOT_BLANK
        return schema


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "helpdesk.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "hd_<prefix>_<secret>",
            "description": "`Authorization: Bearer <key>`. Create keys with `manage.py create_api_key`: "
            "without `--user` the key acts for the shop, with `--user` as that staff member.",
        }


def only_api_paths(endpoints, **kwargs):
    """Keep only the public API in the OpenAPI schema."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
