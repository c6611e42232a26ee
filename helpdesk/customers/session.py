"""Customer sessions: a customer is signed in by id in the session, apart from staff auth."""

from .models import Customer

SESSION_KEY = "_customer_id"


def customer_sign_in(request, customer: Customer) -> None:
    """Attach the customer to a fresh session (a new key defeats session fixation)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = customer.pk
    request.customer = customer


def customer_sign_out(request) -> None:
    """End the session: the customer, and anyone else signed in on this browser, is signed out."""
    request.session.flush()
    request.customer = None


def customer_from_session(session) -> Customer | None:
    customer_id = session.get(SESSION_KEY)
    if customer_id is None:
        return None
    return Customer.objects.filter(pk=customer_id).first()
