from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

SIGN_IN_RATE_PER_IP = "20/m"
SIGN_IN_RATE_PER_ACCOUNT = "5/m"


@method_decorator(ratelimit(key="ip", rate=SIGN_IN_RATE_PER_IP, method="POST", block=True), name="post")
@method_decorator(ratelimit(key="post:username", rate=SIGN_IN_RATE_PER_ACCOUNT, method="POST", block=True), name="post")
class StaffSignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class StaffSignOutView(auth_views.LogoutView):
    pass
