from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from .forms import StaffSignInForm
from .ratelimits import SIGN_IN_RATE_PER_ACCOUNT, SIGN_IN_RATE_PER_IP, posted_email


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
