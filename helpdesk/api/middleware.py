"""Errors under /api/ that Django or a non-JSON view produced, rewritten into the API's error shape."""

from django.http import JsonResponse
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext_lazy as _

from .errors import error_body

API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After", "Vary")

ERRORS_BY_STATUS = {
    400: ("bad_request", _("The request could not be understood.")),
    401: ("not_authenticated", _("Authentication credentials were not provided.")),
    403: ("permission_denied", _("You do not have permission to do this.")),
    404: ("not_found", _("Not found.")),
    405: ("method_not_allowed", _("This method is not allowed here.")),
    406: ("not_acceptable", _("This endpoint answers in JSON only.")),
    413: ("payload_too_large", _("The request body is too large.")),
    415: ("unsupported_media_type", _("Send the request body as application/json.")),
    429: ("rate_limited", _("Too many requests. Please wait a minute and try again.")),
}


def _is_json(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


class ApiErrorMiddleware(MiddlewareMixin):
    """Give every 4xx under /api/ a JSON body with an error code, e.g. Django's debug 404 page or a 405."""

    def process_response(self, request, response):
        if not request.path.startswith(API_PREFIX) or not 400 <= response.status_code < 500 or _is_json(response):
            return response
        code, message = ERRORS_BY_STATUS.get(response.status_code, ("error", _("The request failed.")))
        replacement = JsonResponse(error_body(code, message), status=response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                replacement[header] = response[header]
        return replacement
