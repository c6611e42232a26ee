"""The inbox list and its bulk actions."""

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from helpdesk.accounts.decorators import staff_permission_required

from ..selectors import COUNT_CAP, InboxView, inbox_counts, tickets_for_agent
from ..staff_forms import SETTABLE_STATUSES, VIEW_LABELS, BulkForm, InboxFilterForm, assignee_choices
from .bulk import BulkRefused, tickets_bulk_apply
from .live import live_config
from .pickers import agents_and_teams, agents_for_assignment
from .rows import InboxRow
from .sla import sla_badge


def _count_text(count: int) -> str:
    """Counts stop at COUNT_CAP: beyond it the exact number costs more than it tells."""
    return f"{intcomma(COUNT_CAP)}+" if count > COUNT_CAP else intcomma(count)


def _regions_context(request, form: InboxFilterForm) -> dict:
    view, now = form.selected_view(), timezone.now()
    page = tickets_for_agent(
        agent=request.user, view=view, filters=form.filters(), cursor=request.GET.get("after", "")[:200], now=now
    )
    counts = inbox_counts(agent=request.user, now=now)
    params = request.GET.copy()
    params.pop("fragment", None)
    params.pop("after", None)
    first_url = f"?{params.urlencode()}"
    params["after"] = page.next_cursor
    return {
        "view": view,
        "view_label": VIEW_LABELS[view],
        "views": [(item, VIEW_LABELS[item], _count_text(counts[item.value])) for item in InboxView],
        "rows": [InboxRow(ticket, sla_badge(ticket, now=now)) for ticket in page.tickets],
        "next_url": f"?{params.urlencode()}" if page.next_cursor else "",
        "first_url": first_url if request.GET.get("after") else "",
    }


@require_safe
@staff_permission_required("tickets.view_ticket")
def inbox_list(request):
    if request.GET.get("fragment") == "list":
        form = InboxFilterForm(request.GET)
        form.is_valid()
        return render(request, "tickets/staff/_inbox_regions.html", _regions_context(request, form))
    agents, teams = agents_and_teams()
    form = InboxFilterForm(request.GET, agents=agents, teams=teams)
    form.is_valid()
    context = _regions_context(request, form) | {
        "form": form,
        "bulk_assignees": assignee_choices(agents, me=request.user),
        "statuses": SETTABLE_STATUSES,
        "live": live_config(request, page="list"),
    }
    return render(request, "tickets/staff/inbox.html", context)


def _back(request) -> str:
    target = request.POST.get("next", "")
    # A path of this site only: redirect() would read a bare word as a view's name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("inbox:list")


@require_POST
@staff_permission_required("tickets.change_ticket")
def inbox_bulk(request):
    form = BulkForm(request.POST, user=request.user, agents=agents_for_assignment())
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(_back(request))
    data = form.cleaned_data
    try:
        count = tickets_bulk_apply(ids=data["tickets"], action=data["action"], value=data["value"], by=request.user)
    except BulkRefused as refused:
        reason = {"number": refused.ticket_id, "reason": refused.error.message}
        messages.error(request, _("Nothing was changed: ticket #%(number)s: %(reason)s") % reason)
        return redirect(_back(request))
    messages.success(
        request, ngettext("%(count)s ticket updated.", "%(count)s tickets updated.", count) % {"count": count}
    )
    return redirect(_back(request))
