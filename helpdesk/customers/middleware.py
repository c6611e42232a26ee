from .session import customer_from_session


class CustomerMiddleware:
    """Set `request.customer` to the signed-in customer, or None.

    A plain value rather than a lazy proxy, so `request.customer is None` means what it says;
    the base template asks on every page anyway.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.customer = customer_from_session(request.session)
        return self.get_response(request)
