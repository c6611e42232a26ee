"""The SLA report's per-ticket CSV: one row per ticket created in the period."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from .sla import ticket_rows


def _flag(value: bool) -> int:
    return 1 if value else 0


def sla_ticket_rows(start: date, end: date) -> tuple[list, object]:
    header = [
        _("Ticket"),
        _("Created"),
        _("Priority"),
        _("Channel"),
        _("Language"),
        _("Agent"),
        _("Status"),
        _("First response (business seconds)"),
        _("Resolution (business seconds)"),
        _("First response breached"),
        _("Next response breached"),
        _("Resolution breached"),
        _("SLA breached"),
    ]
    rows = (
        [
            ticket.pk,
            timezone.localtime(ticket.created_at).isoformat(timespec="minutes"),
            ticket.priority,
            ticket.channel,
            ticket.locale,
            str(ticket.assignee) if ticket.assignee else "",
            ticket.status,
            ticket.first_response_business_seconds,
            ticket.resolution_business_seconds,
            _flag(ticket.first_response_breached),
            _flag(ticket.next_response_breached),
            _flag(ticket.resolution_breached),
            _flag(ticket.sla_breached),
        ]
        for ticket in ticket_rows(start, end)
    )
    return header, rows
