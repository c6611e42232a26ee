from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


def customer_required(view):
    """Send visitors who are not signed in as a customer to the sign-in page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.customer:
            return redirect(reverse("customers:sign_in") + "?" + urlencode({"next": request.get_full_path()}))
        return view(request, *args, **kwargs)

    return wrapper
