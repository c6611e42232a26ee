import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from helpdesk.api.errors import error_body

from .health import run_checks

# Django's wrappers of what a driver raises when the server is gone or refuses connections.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


@require_GET
def home(request):
    return render(request, "core/home.html")


@require_POST
def set_language(request):
    """Django's set_language, reading `next` in its own language so its translated URL is found."""
    # Otherwise `next` resolves in the browser's language: from /fa/ with an English browser the
    # switcher would send the visitor back to /fa/.
    page_language = translation.get_language_from_path(request.POST.get("next", ""))
    if page_language:
        translation.activate(page_language)
    return i18n.set_language(request)


@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def rate_limited(request, exception=None):
    message = _("Too many attempts. Please wait a minute and try again.")
    if _is_api(request):
        return JsonResponse(error_body("rate_limited", message), status=429)
    return render(request, "core/error.html", {"title": _("Slow down"), "message": message}, status=429)


def not_found(request, exception=None):
    message = _("We could not find that page.")
    if _is_api(request):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return render(request, "core/error.html", {"title": _("Page not found"), "message": message}, status=404)


def server_error(request):
    if isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        return _unavailable(request)
    message = _("Something went wrong on our side. Please try again in a moment.")
    if _is_api(request):
        return JsonResponse(error_body("server_error", message), status=500)
    return render(request, "core/error.html", {"title": _("Server error"), "message": message}, status=500)


def _unavailable(request):
    """503 while the database cannot be reached (restarting, failing over): a wait, not a bug."""
    message = _("The help desk is briefly unavailable. Please try again in a moment.")
    if _is_api(request):
        response = JsonResponse(error_body("unavailable", message), status=503)
    else:
        try:
            response = render(
                request, "core/error.html", {"title": _("Briefly unavailable"), "message": message}, status=503
            )
        except DATABASE_UNREACHABLE:  # the page shell looks up the signed-in viewer, in the database too
            response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request, exception=None):
    message = _("The request could not be understood.")
    if _is_api(request):
        return JsonResponse(error_body("bad_request", message), status=400)
    return render(request, "core/error.html", {"title": _("Bad request"), "message": message}, status=400)


def permission_denied(request, exception=None):
    message = _("You do not have access to this page.")
    if _is_api(request):
        return JsonResponse(error_body("permission_denied", message), status=403)
    return render(request, "core/error.html", {"title": _("Access denied"), "message": message}, status=403)
