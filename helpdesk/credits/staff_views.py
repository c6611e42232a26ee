"""Staff pages: grant credit (from a ticket, a chat or the customer record) and the approval queue."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from helpdesk.accounts.decorators import staff_permission_required
from helpdesk.accounts.roles import is_manager
from helpdesk.core.money import format_money
from helpdesk.customers.models import Customer
from helpdesk.tickets.models import Ticket

from . import services
from .errors import CreditError
from .limits import allowance
from .models import CreditRequest
from .selectors import (
    agents_granting_unusually,
    balances_for_customer,
    customers_credited_often,
    requests_by,
    requests_pending,
)
from .staff_forms import DecisionForm, GrantForm


def _uuid(value) -> str:
    try:
        return str(uuid.UUID(str(value or "")))
    except ValueError:
        return ""


def _context_of(source) -> tuple[Customer, Ticket | None, str]:
    """The customer the grant is for, and the ticket or chat it comes from (both optional)."""
    customer_id = _uuid(source.get("customer"))
    if not customer_id:
        raise Http404
    customer = get_object_or_404(Customer, public_id=customer_id)
    ticket_id = source.get("ticket", "")
    ticket = None
    if ticket_id.isdecimal() and len(ticket_id) < 19:
        ticket = Ticket.objects.filter(pk=ticket_id, customer=customer).first()
    return customer, ticket, _uuid(source.get("chat"))


def _back(customer: Customer, ticket: Ticket | None, chat: str) -> str:
    if ticket is not None:
        return reverse("inbox:detail", args=[ticket.pk])
    if chat:
        return reverse("chat_console:console")
    return reverse("staff_customers:detail", args=[customer.public_id])


def _granted_text(outcome) -> str:
    if outcome.entry is not None:
        amount = format_money(outcome.entry.amount, outcome.entry.account.currency)
        return _("Granted %(amount)s. The customer gets an email.") % {"amount": amount}
    amount = format_money(outcome.request.amount, outcome.request.currency)
    return _("%(amount)s is over your limit: a manager has been asked to approve it.") % {"amount": amount}


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required("customers.view_customer")
def grant(request):
    source = request.POST if request.method == "POST" else request.GET
    customer, ticket, chat = _context_of(source)
    form = GrantForm(request.POST or None, customer=customer)
    if form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.credit_grant(
                customer=customer,
                amount=data["amount"],
                currency=data["currency"],
                reason=data["reason"],
                by=request.user,
                note=data["note"],
                message=data["message"],
                expires_at=data["expires_on"],
                ticket=ticket,
                chat=chat or None,
            )
        except CreditError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _granted_text(outcome))
            return redirect(_back(customer, ticket, chat))
    context = {
        "form": form,
        "customer": customer,
        "ticket": ticket,
        "chat": chat,
        "balances": balances_for_customer(customer),
        "allowances": [
            allowance(request.user, code, timezone.now()) for code, _label in form.fields["currency"].choices
        ],
        "back": _back(customer, ticket, chat),
    }
    return render(request, "credits/staff/grant.html", context, status=400 if form.errors else 200)


@require_safe
@staff_permission_required("customers.view_customer")
def approvals(request):
    """Managers: requests waiting for a decision, with the patterns worth a second look. Agents: their own."""
    manager = is_manager(request.user)
    pending = requests_pending() if manager else []
    now = timezone.now()
    often = customers_credited_often({item.customer_id for item in pending}, now)
    unusual = agents_granting_unusually({item.requested_by_id for item in pending}, now)
    for item in pending:
        item.often, item.unusual = often.get(item.customer_id), unusual.get(item.requested_by_id)
    context = {"manager": manager, "pending": pending, "mine": requests_by(request.user)}
    return render(request, "credits/staff/approvals.html", context)


@require_POST
@staff_permission_required("customers.view_customer")
def decide(request, public_id):
    if not is_manager(request.user):
        raise PermissionDenied
    credit_request = get_object_or_404(CreditRequest, public_id=public_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("credits_staff:approvals")
    note = form.cleaned_data["note"]
    try:
        if form.cleaned_data["decision"] == "approve":
            services.credit_request_approve(request=credit_request, by=request.user, note=note)
            messages.success(request, _("Approved. The customer gets an email."))
        else:
            services.credit_request_reject(request=credit_request, by=request.user, note=note)
            messages.success(request, _("Rejected. The agent is told why."))
    except CreditError as error:
        messages.error(request, error.message)
    return redirect("credits_staff:approvals")
