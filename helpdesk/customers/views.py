from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from helpdesk.accounts.ratelimits import posted_email

from .decorators import customer_required
from .forms import SignInLinkForm
from .record import record_sections
from .selectors import customer_for_sign_in, orders_for_customer
from .services import MagicLinkError, MagicLinkErrorCode, magic_link_issue, magic_link_redeem
from .session import customer_sign_in, customer_sign_out

LINK_REQUEST_RATE_PER_IP = "10/m"
LINK_REQUEST_RATE_PER_EMAIL = "3/m"

LINK_ERRORS = {
    MagicLinkErrorCode.EXPIRED: _("This sign-in link has expired. Enter your email and we will send you a new one."),
    MagicLinkErrorCode.USED: _(
        "This sign-in link has already been used. Enter your email and we will send you a new one."
    ),
    MagicLinkErrorCode.INVALID: _("This sign-in link is not valid. Enter your email and we will send you a new one."),
}


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site only: redirect() would read a bare word ("?next=portal") as a view's name.
    allowed = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else default


@ratelimit(key="ip", rate=LINK_REQUEST_RATE_PER_IP, method="POST", block=True)
@ratelimit(key=posted_email("email"), rate=LINK_REQUEST_RATE_PER_EMAIL, method="POST", block=True)
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.method == "GET" and request.customer is not None:
        return redirect(_safe_next(request, "customers:portal"))
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the address is known, so the page reveals no accounts.
        customer = customer_for_sign_in(email=form.cleaned_data["email"])
        if customer is not None:
            magic_link_issue(customer=customer, next_url=_safe_next(request, ""))
        return render(request, "customers/sign_in_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "customers/sign_in.html", {"form": form, "next": _safe_next(request, "")})


@require_http_methods(["GET", "POST"])
def magic_link(request, token):
    # A GET only shows a button: mail scanners that prefetch links must not use them up.
    if request.method == "GET":
        return render(request, "customers/magic_link.html", {"next": _safe_next(request, "")})
    try:
        customer = magic_link_redeem(signed_token=token)
    except MagicLinkError as error:
        context = {"form": SignInLinkForm(), "link_error": LINK_ERRORS[error.code], "next": _safe_next(request, "")}
        return render(request, "customers/sign_in.html", context, status=400)
    customer_sign_in(request, customer)
    return redirect(_safe_next(request, "customers:portal"))


@require_POST
def sign_out(request):
    customer_sign_out(request)
    return redirect("core:home")


@require_safe
@customer_required
def portal(request):
    orders = orders_for_customer(customer=request.customer)
    sections = record_sections(request.customer, place="portal")
    return render(request, "customers/portal.html", {"orders": orders, "sections": sections})


@require_safe
@customer_required
def order_detail(request, public_id):
    order = get_object_or_404(orders_for_customer(customer=request.customer), public_id=public_id)
    return render(request, "customers/order_detail.html", {"order": order})
