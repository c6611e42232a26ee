from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse


def customer_required(view):
    """Send visitors who are not signed in as a customer to the customer sign-in page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "customer", None) is None:
            return redirect_to_login(request.get_full_path(), reverse("customers:sign_in"))
        return view(request, *args, **kwargs)

    return wrapper
