from django.shortcuts import render
from django.views.decorators.http import require_safe

from helpdesk.customers.decorators import customer_required

from .selectors import balances_for_customer, entries_for_customer


@require_safe
@customer_required
def portal(request):
    """The signed-in customer's credit: balance per currency and the latest entries."""
    customer = request.customer
    context = {"balances": balances_for_customer(customer), "entries": entries_for_customer(customer)}
    return render(request, "credits/portal.html", context)
