import json
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.parsers import JSONParser


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


class NonFiniteNumber(ValueError):
    """JSON has no NaN or Infinity; Python's decoder accepts them unless told not to."""


def _reject_constant(name: str):
    raise NonFiniteNumber(name)


UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _text_problem(text: str):
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("Null characters are not allowed.")
    return _("Unpaired surrogate characters (U+%(code)X) are not allowed.") % {"code": ord(found.group())}


def _nested(path: tuple, message) -> dict:
    error = {path[-1]: message} if path else {"non_field_errors": message}
    for key in reversed(path[:-1]):
        error = {key: error}
    return error


def check_text(data) -> None:
    """Refuse strings the database cannot store (NUL) or encode (lone surrogates), naming where they are."""
    stack = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                raise ValidationError(_nested(path, problem))
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = _text_problem(key)
                if problem:
                    raise ValidationError(_nested(path, problem))
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, str(index)), item) for index, item in enumerate(value))


class BoundedJSONParser(JSONParser):
    """Strict JSON: refuses bodies over API_MAX_BODY_BYTES, NaN and Infinity, and NUL or lone surrogates.

    Django caps the body it reads at DATA_UPLOAD_MAX_MEMORY_SIZE first; the exception handler answers
    that with 413 too.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge()
        if not body.strip():
            raise ParseError(_("The request body is empty; send a JSON object."), code="invalid_json")
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            text = body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            raise ParseError(_("The request body is not UTF-8 text."), code="invalid_json") from None
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except NonFiniteNumber:
            message = _("The request body is not valid JSON: NaN and Infinity are not numbers in JSON.")
            raise ParseError(message, code="invalid_json") from None
        except json.JSONDecodeError as exc:
            message = _("The request body is not valid JSON: %(error)s (line %(line)d, column %(column)d).") % {
                "error": exc.msg,
                "line": exc.lineno,
                "column": exc.colno,
            }
            raise ParseError(message, code="invalid_json") from None
        except (ValueError, RecursionError):
            raise ParseError(_("The request body is not valid JSON."), code="invalid_json") from None
        check_text(data)
        return data
