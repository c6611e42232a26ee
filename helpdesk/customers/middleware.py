from django.utils.functional import SimpleLazyObject

from .session import customer_from_session


class CustomerMiddleware:
    """Set `request.customer` to the signed-in customer, or None, looked up on first use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.customer = SimpleLazyObject(lambda: customer_from_session(request.session))
        return self.get_response(request)
