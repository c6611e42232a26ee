"""The ticket page's POST endpoints: parse one form, call one service, redirect back (PRG).

A refused change re-renders the page with status 400, the reason and whatever the agent typed.
"""

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.accounts.decorators import staff_permission_required

from ..errors import TicketError
from ..macros import ticket_apply_macro
from ..models import Priority, Status, Ticket
from ..services import (
    ticket_add_note,
    ticket_assign,
    ticket_link_order,
    ticket_merge,
    ticket_reply,
    ticket_set_priority,
    ticket_set_status,
    ticket_set_team,
    ticket_tag,
)
from ..staff_forms import (
    AssignForm,
    BodyForm,
    MacroForm,
    MergeForm,
    OrderForm,
    PriorityForm,
    ReplyForm,
    StatusForm,
    TagsForm,
    TeamForm,
)
from .pickers import agents_for_assignment
from .ticket import detail_context, ticket_or_404

change_permission = staff_permission_required("tickets.change_ticket")


def _first_error(form) -> str:
    return next(iter(error for errors in form.errors.values() for error in errors))


def _act(request, pk: int, make_form: Callable, act: Callable[[Ticket, dict], tuple[Ticket, str]]):
    ticket = ticket_or_404(pk)
    form = make_form(ticket)
    if form.is_valid():
        try:
            target, done = act(ticket, form.cleaned_data)
        except TicketError as error:
            problem = error.message
        else:
            messages.success(request, done)
            return redirect("inbox:detail", pk=target.pk)
    else:
        problem = _first_error(form)
    context = detail_context(request, ticket, error=problem, reply_body=request.POST.get("body", ""))
    return render(request, "tickets/staff/detail.html", context, status=400)


@require_POST
@change_permission
def reply(request, pk: int):
    def act(ticket, data):
        files = request.FILES.getlist("attachments")
        ticket_reply(ticket=ticket, body=data["body"], by=request.user, attachments=files, status=data["status"])
        return ticket, _("Reply sent.")

    return _act(request, pk, lambda ticket: ReplyForm(request.POST), act)


@require_POST
@change_permission
def note(request, pk: int):
    def act(ticket, data):
        files = request.FILES.getlist("attachments")
        ticket_add_note(ticket=ticket, body=data["body"], by=request.user, attachments=files)
        return ticket, _("Internal note added.")

    return _act(request, pk, lambda ticket: BodyForm(request.POST), act)


@require_POST
@change_permission
def assign(request, pk: int):
    def act(ticket, data):
        assignee = data["assignee"]
        ticket_assign(ticket=ticket, assignee=assignee, by=request.user)
        if assignee is None:
            return ticket, _("The ticket is unassigned.")
        return ticket, _("Assigned to %(name)s.") % {"name": assignee.get_full_name() or assignee.email}

    agents = agents_for_assignment()
    return _act(request, pk, lambda ticket: AssignForm(request.POST, user=request.user, agents=agents), act)


@require_POST
@change_permission
def status(request, pk: int):
    def act(ticket, data):
        ticket_set_status(ticket=ticket, status=data["status"], by=request.user)
        return ticket, _("Status set to %(status)s.") % {"status": Status(data["status"]).label}

    return _act(request, pk, lambda ticket: StatusForm(request.POST), act)


@require_POST
@change_permission
def priority(request, pk: int):
    def act(ticket, data):
        ticket_set_priority(ticket=ticket, priority=data["priority"], by=request.user)
        return ticket, _("Priority set to %(priority)s.") % {"priority": Priority(data["priority"]).label}

    return _act(request, pk, lambda ticket: PriorityForm(request.POST), act)


@require_POST
@change_permission
def tags(request, pk: int):
    def act(ticket, data):
        ticket_tag(ticket=ticket, by=request.user, add=data["add"], remove=data["remove"])
        return ticket, _("Tags updated.")

    def make_form(ticket):
        return TagsForm(request.POST, current=[tag.name for tag in ticket.tags.all()])

    return _act(request, pk, make_form, act)


@require_POST
@change_permission
def team(request, pk: int):
    def act(ticket, data):
        ticket_set_team(ticket=ticket, team=data["team"], by=request.user)
        return ticket, _("Team changed.")

    return _act(request, pk, lambda ticket: TeamForm(request.POST), act)


@require_POST
@change_permission
def order(request, pk: int):
    def act(ticket, data):
        ticket_link_order(ticket=ticket, order=data["order"], by=request.user)
        return ticket, _("Order linked.") if data["order"] else _("Order unlinked.")

    return _act(request, pk, lambda ticket: OrderForm(request.POST), act)


@require_POST
@change_permission
def merge(request, pk: int):
    def act(ticket, data):
        target = ticket_merge(source=ticket, target=data["target"], by=request.user)
        return target, _("Ticket #%(source)s was merged into this one.") % {"source": ticket.pk}

    return _act(request, pk, lambda ticket: MergeForm(request.POST), act)


@require_POST
@change_permission
def macro(request, pk: int):
    def act(ticket, data):
        ticket_apply_macro(ticket=ticket, macro=data["macro"], by=request.user, body_override=data["body"])
        return ticket, _("Macro “%(name)s” applied.") % {"name": data["macro"].name}

    return _act(request, pk, lambda ticket: MacroForm(request.POST), act)
