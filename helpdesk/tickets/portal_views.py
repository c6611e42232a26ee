"""The customer portal for tickets and the sign-in-free request form."""

from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from helpdesk.customers.decorators import customer_required
from helpdesk.customers.session import customer_sign_in
from kb.beacon import opted_out
from kb.models import NextKind
from kb.services import article_contact_record

from .downloads import attachment_response
from .errors import TicketError, TicketErrorCode
from .forms import KbSessionField, ReplyForm, TicketForm, TicketRequestForm
from .models import Status, Ticket
from .requests import ticket_request_confirm, ticket_request_kb_session_take, ticket_request_submit
from .selectors import attachment_for_customer, ticket_for_customer, ticket_timeline, tickets_for_customer
from .services import ticket_create, ticket_reply, ticket_set_status

NEW_TICKET_RATE_PER_IP = "10/m"
NEW_TICKET_RATE_PER_CUSTOMER = "10/h"
# Each anonymous request emails the address given: a stranger's inbox gets at most this many.
NEW_REQUEST_RATE_PER_EMAIL = "3/h"
REPLY_RATE_PER_CUSTOMER = "20/m"
CONFIRM_RATE_PER_IP = "20/m"
PAGE_SIZE = 25


def _sender(group, request) -> str:
    if request.customer is not None:
        return f"customer:{request.customer.pk}"
    return "email:" + request.POST.get("email", "").strip().lower()


def _sender_rate(group, request) -> str:
    return NEW_TICKET_RATE_PER_CUSTOMER if request.customer is not None else NEW_REQUEST_RATE_PER_EMAIL


def _customer_key(group, request) -> str:
    return f"customer:{request.customer.pk}"


def mask_email(email: str) -> str:
    """Show enough of an address to recognise it: 'reza@example.com' becomes 'r•••@example.com'."""
    local, _at, domain = email.strip().lower().partition("@")
    return f"{local[:1]}•••@{domain}"


def _status(form) -> int:
    return 400 if form.errors else 200


def _kb_session(request, form=None) -> str:
    """The help-centre reading session the "Open a ticket" link carried, or the form sent back (docs/analytics.md).

    Empty when the browser asks not to be tracked (Do-Not-Track, Global Privacy Control).
    """
    if opted_out(request.headers):
        return ""
    if form is not None:
        return form.cleaned_data["kb_session"]
    return KbSessionField().clean(request.GET.get("kb_session"))


def _contact_on_commit(request, *, session: str, locale: str) -> None:
    """Count a new ticket as a contact for its reading session, with nothing that names the ticket."""
    if session and not opted_out(request.headers):
        record = partial(article_contact_record, session=session, channel=NextKind.TICKET, locale=locale)
        transaction.on_commit(record, robust=True)  # a lost reading statistic must never fail the ticket


@require_safe
@customer_required
def portal_list(request):
    page = Paginator(tickets_for_customer(request.customer), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tickets/portal/list.html", {"page": page})


@ratelimit(key="ip", rate=NEW_TICKET_RATE_PER_IP, method="POST", block=True)
@ratelimit(key=_sender, rate=_sender_rate, method="POST", block=True)
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    if request.customer is None:
        return _request_new(request)
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    initial = {"order": request.GET.get("order", "")[:36], "kb_session": _kb_session(request)}
    form = TicketForm(*data, customer=request.customer, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            ticket = ticket_create(
                customer=request.customer,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["message"],
                order=form.cleaned_data["order"],
                locale=get_language(),
                attachments=form.cleaned_data["attachments"],
            )
        except TicketError as error:
            form.add_ticket_error(error)
        else:
            _contact_on_commit(request, session=form.cleaned_data["kb_session"], locale=ticket.locale)
            messages.success(request, _("We've got your message. We will answer here and by email."))
            return redirect("tickets:portal_detail", public_id=ticket.public_id)
    return render(request, "tickets/portal/new.html", {"form": form}, status=_status(form))


def _request_new(request):
    form = TicketRequestForm(
        request.POST if request.method == "POST" else None, initial={"kb_session": _kb_session(request)}
    )
    if form.is_bound and form.is_valid():
        try:
            ticket_request_submit(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["message"],
                locale=get_language(),
                kb_session=_kb_session(request, form),
            )
        except TicketError as error:
            form.add_ticket_error(error)
        else:
            return render(
                request, "tickets/request/sent.html", {"masked_email": mask_email(form.cleaned_data["email"])}
            )
    return render(request, "tickets/request/new.html", {"form": form}, status=_status(form))


@ratelimit(key="ip", rate=CONFIRM_RATE_PER_IP, method="POST", block=True)
@require_http_methods(["GET", "POST"])
def request_confirm(request, token):
    # A GET only shows a button: mail scanners that prefetch links must not create tickets.
    if request.method == "GET":
        return render(request, "tickets/request/confirm.html")
    try:
        ticket = ticket_request_confirm(token=token)
    except TicketError as error:
        expired = error.code == TicketErrorCode.LINK_EXPIRED
        context = {"error": error.message, "expired": expired}
        return render(request, "tickets/request/confirm_failed.html", context, status=410 if expired else 400)
    _contact_on_commit(request, session=ticket_request_kb_session_take(token=token), locale=ticket.locale)
    customer_sign_in(request, ticket.customer)
    messages.success(request, _("Thank you for confirming. We've got your message and will answer here and by email."))
    return redirect("tickets:portal_detail", public_id=ticket.public_id)


def _own_ticket(request, public_id) -> Ticket:
    ticket = ticket_for_customer(request.customer, public_id)
    if ticket is None:
        raise Http404
    return ticket


def _render_detail(request, ticket: Ticket, form: ReplyForm, *, status: int = 200):
    # One entry per message, even if two public events point at the same one.
    conversation = list(dict.fromkeys(event.message for event in ticket_timeline(ticket, public_only=True)))
    context = {"ticket": ticket, "conversation": conversation, "form": form}
    return render(request, "tickets/portal/detail.html", context, status=status)


@require_safe
@customer_required
def portal_detail(request, public_id):
    ticket = _own_ticket(request, public_id)
    if ticket.merged_into_id:
        messages.info(
            request, _("This request was joined with another of yours. Here is where the conversation goes on.")
        )
        return redirect("tickets:portal_detail", public_id=ticket.merged_into.public_id)
    return _render_detail(request, ticket, ReplyForm())


@require_POST
@customer_required
@ratelimit(key=_customer_key, rate=REPLY_RATE_PER_CUSTOMER, method="POST", block=True)
def portal_reply(request, public_id):
    ticket = _own_ticket(request, public_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        body, files = form.cleaned_data["message"], form.cleaned_data["attachments"]
        try:
            ticket_reply(ticket=ticket, body=body, by=request.customer, attachments=files)
        except TicketError as error:
            form.add_ticket_error(error)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("tickets:portal_detail", public_id=ticket.public_id)
    return _render_detail(request, ticket, form, status=400)


@require_POST
@customer_required
def portal_solve(request, public_id):
    ticket = _own_ticket(request, public_id)
    try:
        ticket_set_status(ticket=ticket, status=Status.SOLVED, by=request.customer)
    except TicketError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Thank you. We've marked your ticket as solved; write again any time to reopen it.")
        )
    return redirect("tickets:portal_detail", public_id=ticket.public_id)


@require_safe
@customer_required
def portal_attachment(request, public_id):
    return attachment_response(attachment_for_customer(request.customer, public_id))
