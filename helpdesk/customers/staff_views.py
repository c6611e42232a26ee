from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from helpdesk.accounts.decorators import staff_permission_required
from helpdesk.core.sanitize import strip_controls

from .record import record_sections
from .selectors import customers_for_staff, orders_for_customer


@require_safe
@staff_permission_required("customers.view_customer")
def customer_list(request):
    query = strip_controls(request.GET.get("q", "")).strip()[:100]  # PostgreSQL refuses a NUL in a query
    page = Paginator(customers_for_staff(query=query), 50).get_page(request.GET.get("page"))
    return render(request, "customers/staff/list.html", {"page": page, "query": query})


@require_safe
@staff_permission_required("customers.view_customer")
def customer_detail(request, public_id):
    customer = get_object_or_404(customers_for_staff(), public_id=public_id)
    orders = orders_for_customer(customer=customer)
    context = {"customer": customer, "orders": orders, "sections": record_sections(customer)}
    return render(request, "customers/staff/detail.html", context)
