"""The staff ticket page, its timeline fragment, attachment downloads and macro previews."""

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from helpdesk.accounts.decorators import staff_permission_required

from ..downloads import attachment_response
from ..macros import macro_render
from ..models import UNSOLVED, Macro, Priority, Ticket
from ..selectors import attachment_for_staff, customer_panel, ticket_for_staff, ticket_timeline
from ..staff_forms import SETTABLE_STATUSES, assignee_choices, ticket_number
from .live import live_config
from .pickers import agents_and_teams, macros_active
from .sla import sla_badge, sla_figures
from .timeline import timeline_entries
from .timeline_html import timeline_html

RTL_LOCALES = {"ar", "fa"}


def ticket_or_404(pk: int) -> Ticket:
    ticket = ticket_for_staff(pk)
    if ticket is None:
        raise Http404
    return ticket


def _timeline_context(ticket: Ticket) -> dict:
    return {
        "ticket": ticket,
        "timeline": timeline_html(timeline_entries(ticket_timeline(ticket)), locale=ticket.locale),
        "conversation_dir": "rtl" if ticket.locale in RTL_LOCALES else "ltr",
    }


def detail_context(request, ticket: Ticket, **overrides) -> dict:
    """Everything the ticket page shows; `overrides` carry a refused form's input and error back."""
    now = timezone.now()
    agents, teams = agents_and_teams()
    context = _timeline_context(ticket) | {
        "now": now,
        "sla": sla_figures(ticket, now=now),
        "sla_badge": sla_badge(ticket, now=now),
        "panel": customer_panel(ticket.customer, exclude_ticket=ticket),
        "assignees": assignee_choices(agents),
        "teams": teams,
        "macros": macros_active(),
        "statuses": SETTABLE_STATUSES,
        "priorities": Priority.choices,
        "tag_names": [tag.name for tag in ticket.tags.all()],
        "is_open": ticket.status in UNSOLVED,
        "live": live_config(request, page="ticket", ticket_id=ticket.pk),
        "error": "",
        "reply_body": "",
    }
    return context | overrides


@require_safe
@staff_permission_required("tickets.view_ticket")
def ticket_detail(request, pk: int):
    ticket = ticket_or_404(pk)
    if request.GET.get("fragment") == "timeline":
        return render(request, "tickets/staff/_timeline.html", _timeline_context(ticket))
    return render(request, "tickets/staff/detail.html", detail_context(request, ticket))


@require_safe
@staff_permission_required("tickets.view_ticket")
def attachment_download(request, public_id):
    return attachment_response(attachment_for_staff(public_id))


@require_safe
@staff_permission_required("tickets.view_ticket")
def macro_preview(request, pk: int):
    """The macro's reply for one ticket, placeholders filled, for the reply box."""
    macro = Macro.objects.filter(pk=pk, active=True).prefetch_related("texts").first()
    number = ticket_number(request.GET.get("ticket", ""))
    ticket = Ticket.objects.select_related("customer", "order").filter(pk=number).first() if number else None
    if macro is None or ticket is None:
        raise Http404
    return JsonResponse({"body": macro_render(macro=macro, ticket=ticket, agent=request.user)})
