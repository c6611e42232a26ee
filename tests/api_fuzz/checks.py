"""Two of Schemathesis' checks, narrowed by rules of the API that the schema cannot state.

Everything else Schemathesis checks as it ships: no 5xx, only documented status codes, content
types and headers, bodies that match their schema, schema-valid requests accepted, invalid ones
refused. docs/api.md ("Fuzzing") lists these rules.
"""

import copy

import jsonschema_rs
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.specs.openapi.utils import read_from_wire

# A 422 for schema-valid data is right when the answer depends on what a schema cannot know: stored
# rows (whose order it is, which reason codes exist), the clock (an expiry in the past) or the text
# left once markup and control characters are dropped. `invalid_amount` is not among them: the
# schema says what a valid amount is.
BUSINESS_RULE_422 = frozenset(
    {
        "order_not_customers",
        "unknown_reason",
        "reason_inactive",
        "unknown_ticket",
        "currency_mismatch",
        "idempotency_mismatch",
        "expiry_in_past",
        "empty_subject",
        "empty_body",
    }
)
# A 400 for schema-valid data is right for a rule between two fields, which a schema cannot state.
RULES_BETWEEN_FIELDS = [{"delivered_at": "An order cannot be delivered before it was placed."}]
# What a query string carries as `name=` or not at all.
EMPTY = ("", [], {}, None)
# How DRF reads a JSON value into a field of each JSON Schema type.
DRF_FIELDS = {
    "string": serializers.CharField(trim_whitespace=False),
    "integer": serializers.IntegerField(),
    "boolean": serializers.BooleanField(),
}
UNREADABLE = object()


def positive_data_acceptance_beside_business_rules(ctx, response, case):
    """Schemathesis' check, except for a 422 in BUSINESS_RULE_422 or a 400 in RULES_BETWEEN_FIELDS."""
    if response.status_code in (400, 422):
        error = response.json()["error"]
        if error["code"] in BUSINESS_RULE_422 or error.get("fields") in RULES_BETWEEN_FIELDS:
            return None
    return positive_data_acceptance(ctx, response, case)


def negative_data_rejection_beside_lenient_reading(ctx, response, case):
    """Schemathesis' check, except for what DRF forgives, as docs/api.md ("Errors") says.

    A JSON value of another type is read as DRF's field reads it (`1001` as text is `"1001"`, `"5"`
    as a whole number is 5, `0` as a yes-or-no is false). An optional query parameter sent empty
    (`?locale=`) counts as left out (what OpenAPI's `allowEmptyValue` would say).
    """
    if _only_invalid_at(case, ParameterLocation.BODY) and _valid_as_drf_reads_it(case):
        return None
    if _only_invalid_at(case, ParameterLocation.QUERY) and _valid_without_empty_query_values(case):
        return None
    return negative_data_rejection(ctx, response, case)


def _only_invalid_at(case, location: ParameterLocation) -> bool:
    meta = case.meta
    return (
        meta is not None
        and meta.is_negative_at(location)
        and not any(meta.is_negative_at(other) for other in meta.components if other != location)
    )


def _valid_as_drf_reads_it(case) -> bool:
    body = case.operation.get_body_for_media_type(case.media_type or "application/json")
    if body is None or not isinstance(case.body, dict | list):
        return False
    validator = body.get_validator()
    instance = copy.deepcopy(case.body)
    while errors := list(validator.iter_errors(instance)):
        for error in errors:
            if not isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Type) or not error.instance_path:
                return False
            value = _read_as_drf_reads_it(error.instance, error.kind.types)
            if value is UNREADABLE:
                return False
            *parents, last = error.instance_path
            container = instance
            for key in parents:
                container = container[key]
            container[last] = value
    return True


def _read_as_drf_reads_it(value, types: list[str]):
    for name in types:
        field = DRF_FIELDS.get(name)
        if field is not None:
            try:
                return field.to_internal_value(value)
            except ValidationError:
                continue
    return UNREADABLE


def _valid_without_empty_query_values(case) -> bool:
    query = {name: value for name, value in case.query.items() if value not in EMPTY}
    if len(query) == len(case.query):
        return False
    validator = jsonschema_rs.validator_for(case.operation.query.validation_schema)
    as_read = read_from_wire(case.operation, ParameterLocation.QUERY, query)  # "5" for an integer is 5
    return validator.is_valid(query) or validator.is_valid(as_read)
