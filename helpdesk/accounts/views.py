from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from .forms import StaffPreferencesForm, StaffSignInForm
from .ratelimits import SIGN_IN_RATE_PER_ACCOUNT, SIGN_IN_RATE_PER_IP, posted_email
from .services import staff_preferences_update


@method_decorator(ratelimit(key="ip", rate=SIGN_IN_RATE_PER_IP, method="POST", block=True), name="post")
@method_decorator(
    ratelimit(key=posted_email("username"), rate=SIGN_IN_RATE_PER_ACCOUNT, method="POST", block=True), name="post"
)
class StaffSignInView(auth_views.LoginView):
    form_class = StaffSignInForm
    template_name = "accounts/sign_in.html"

    def dispatch(self, request, *args, **kwargs):
        # Someone signed in who is sent here with a `next` lacks access to that page (both admins
        # send such people here): show the form instead of bouncing back, which would loop.
        if request.method == "GET" and request.user.is_authenticated and not self.get_redirect_url():
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # LoginView names the site after the request's host; the shell already names it.
        context.pop("site_name", None)
        return context


class StaffSignOutView(auth_views.LogoutView):
    pass


@login_required
def staff_preferences(request):
    """Let a staff member choose their email language and whether SLA alerts also come by email."""
    if not request.user.is_staff:
        raise PermissionDenied
    user = request.user
    form = StaffPreferencesForm(
        request.POST or None,
        initial={
            "preferred_language": user.preferred_language,
            "sla_alert_emails": user.sla_alert_emails,
            "ticket_emails": user.ticket_emails,
        },
    )
    if request.method == "POST" and form.is_valid():
        staff_preferences_update(user=user, **form.cleaned_data)
        messages.success(request, _("Your preferences are saved."))
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form}, status=400 if form.errors else 200)
