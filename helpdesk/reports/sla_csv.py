"""The SLA report's per-ticket CSV: one row per ticket created in the period, read as plain values."""

from collections.abc import Iterator
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from .sla import ticket_rows

_FIELDS = (
    "pk",
    "created_at",
    "priority",
    "channel",
    "locale",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__email",
    "status",
    "first_response_business_seconds",
    "resolution_business_seconds",
    "first_response_breached",
    "next_response_breached",
    "resolution_breached",
    "sla_breached",
)


def _header() -> list[str]:
    return [
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


def _rows(start: date, end: date) -> Iterator[list]:
    zone = timezone.get_current_timezone()  # read now: the rows are written after the view returns
    values = ticket_rows(start, end).values_list(*_FIELDS).iterator(chunk_size=2000)
    for pk, created, priority, channel, locale, first_name, last_name, email, status, *rest in values:
        agent = f"{first_name or ''} {last_name or ''}".strip() or email or ""  # str(user), or no assignee
        first_seconds, resolution_seconds, *flags = rest
        yield [
            pk,
            created.astimezone(zone).isoformat(timespec="minutes"),
            priority,
            channel,
            locale,
            agent,
            status,
            first_seconds,
            resolution_seconds,
            *(1 if flag else 0 for flag in flags),
        ]


def sla_ticket_rows(start: date, end: date) -> tuple[list, Iterator[list]]:
    """The header and the rows (read lazily, oldest ticket first)."""
    return _header(), _rows(start, end)
