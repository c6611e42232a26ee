"""Warn agents before a ticket's SLA target is due, and alert them when it breaches.

Run every minute by `manage.py sla_alerts` (see helpdesk/core/schedule.py). Each due time
warns once and alerts once, however often or late the job runs.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from helpdesk.realtime import staff_group, staff_user_group

from . import broadcast
from .models import UNSOLVED, EventKind, Ticket, TicketEvent
from .sla_sync import ticket_sla_refresh

BATCH = 500


@dataclass
class AlertSummary:
    warned: int = 0
    breached: int = 0


def _due_target(ticket: Ticket) -> str:
    for name in ("first_response", "next_response", "resolution"):
        if getattr(ticket, f"{name}_due_at") == ticket.sla_due_at:
            return name
    return ""


def _candidates(now: datetime):
    soon = now + timedelta(minutes=settings.HELPDESK_SLA_WARNING_MINUTES)
    breach = Q(sla_due_at__lte=now) & ~Q(sla_breach_alerted_for=F("sla_due_at"), sla_breach_alerted_for__isnull=False)
    warn = Q(sla_due_at__gt=now, sla_due_at__lte=soon) & ~Q(
        sla_warned_for=F("sla_due_at"), sla_warned_for__isnull=False
    )
    return Ticket.objects.filter(breach | warn, status__in=UNSOLVED, merged_into__isnull=True).order_by("sla_due_at")


def _alert_frame(ticket: Ticket, level: str) -> dict:
    return {
        "type": "sla.alert",
        "level": level,
        "ticket": ticket.pk,
        "subject": ticket.subject,
        "due_at": ticket.sla_due_at.isoformat(),
    }


def _send_alert(ticket: Ticket, level: str) -> None:
    layer = get_channel_layer()
    group = staff_user_group(ticket.assignee_id) if ticket.assignee_id else staff_group()
    if layer is not None:
        async_to_sync(layer.group_send)(group, {"type": "staff.event", "event": _alert_frame(ticket, level)})
    assignee = ticket.assignee
    if assignee is not None and assignee.sla_alert_emails and assignee.is_active:
        with translation.override(assignee.preferred_language or settings.LANGUAGE_CODE):
            context = {
                "ticket": ticket,
                "level": level,
                "url": settings.SITE_URL + reverse("inbox:detail", kwargs={"pk": ticket.pk}),
            }
            send_mail(
                subject=" ".join(render_to_string("tickets/email/sla_alert_subject.txt", context).split()),
                message=render_to_string("tickets/email/sla_alert.txt", context),
                from_email=None,
                recipient_list=[assignee.email],
            )


@transaction.atomic
def ticket_sla_alert(*, ticket: Ticket, now: datetime) -> str:
    """Refresh one ticket's figures and record a warning or a breach if one is due; return which."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=ticket.pk)
    ticket_sla_refresh(ticket, now=now)
    due = ticket.sla_due_at
    if ticket.status not in UNSOLVED or due > now + timedelta(minutes=settings.HELPDESK_SLA_WARNING_MINUTES):
        return ""
    if due <= now:
        if ticket.sla_breach_alerted_for == due:
            return ""
        level, kind, field = "breach", EventKind.SLA_BREACH, "sla_breach_alerted_for"
    else:
        if ticket.sla_warned_for == due:
            return ""
        level, kind, field = "warning", EventKind.SLA_WARNING, "sla_warned_for"
    setattr(ticket, field, due)
    ticket.save(update_fields=[field])
    event = TicketEvent.objects.create(
        ticket=ticket, kind=kind, data={"target": _due_target(ticket), "due_at": due.isoformat()}, created_at=now
    )
    broadcast.on_commit(event)
    transaction.on_commit(lambda: _send_alert(ticket, level), robust=True)
    return level


def sla_alerts_run(*, now: datetime | None = None) -> AlertSummary:
    """Alert on every ticket whose SLA is about to be or has just been breached."""
    now = now or timezone.now()
    summary = AlertSummary()
    for ticket in _candidates(now).only("pk")[:BATCH]:
        level = ticket_sla_alert(ticket=ticket, now=now)
        if level == "warning":
            summary.warned += 1
        elif level == "breach":
            summary.breached += 1
    return summary
