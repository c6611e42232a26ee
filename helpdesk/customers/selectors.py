"""Reads scoped to who is asking: a customer only ever reaches their own rows."""

from django.db.models import Q, QuerySet

from helpdesk.orders.models import Order

from .models import Customer


def customer_for_sign_in(*, email: str) -> Customer | None:
    return Customer.objects.filter(email__iexact=email).order_by("-created_at").first()


def orders_for_customer(*, customer: Customer) -> QuerySet[Order]:
    return Order.objects.filter(customer=customer).prefetch_related("lines").order_by("-placed_at")


def customers_for_staff(*, query: str = "") -> QuerySet[Customer]:
    customers = Customer.objects.all().order_by("-created_at")
    if query:
        customers = customers.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(external_id__iexact=query)
        )
    return customers
