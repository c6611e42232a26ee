"""How SLA figures read on staff screens: always words, with a colour on top."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from ..models import DONE, NO_DUE, Ticket
from ..selectors import DUE_SOON


class Tone(StrEnum):
    OK = "ok"
    SOON = "soon"
    OVERDUE = "overdue"
    PAUSED = "paused"
    DONE = "done"


@dataclass(frozen=True)
class SlaBadge:
    tone: Tone
    text: str


@dataclass(frozen=True)
class SlaFigure:
    label: str
    due_at: datetime | None
    done_at: datetime | None
    business_time: str
    badge: SlaBadge | None


def duration(seconds: int) -> str:
    """Say how long `seconds` is, in the active language ("2 hours, 5 minutes")."""
    base = datetime(2000, 1, 1)
    return timesince(base, base + timedelta(seconds=max(0, int(seconds))), depth=2)


def _running(due: datetime, *, now: datetime, depth: int) -> SlaBadge:
    if due <= now:
        return SlaBadge(Tone.OVERDUE, _("Overdue by %(time)s") % {"time": timesince(due, now, depth=depth)})
    tone = Tone.SOON if due - now <= DUE_SOON else Tone.OK
    return SlaBadge(tone, _("Due in %(time)s") % {"time": timeuntil(due, now, depth=depth)})


def sla_badge(ticket: Ticket, *, now: datetime) -> SlaBadge | None:
    """The inbox row's badge: time left or overdue for the nearest target (None when nothing runs)."""
    if ticket.status in DONE:
        return None
    if ticket.sla_paused and ticket.sla_due_at >= NO_DUE:
        return SlaBadge(Tone.PAUSED, _("SLA paused"))
    if ticket.sla_due_at >= NO_DUE:
        return None
    badge = _running(ticket.sla_due_at, now=now, depth=1)
    if ticket.sla_breached and badge.tone != Tone.OVERDUE:
        return SlaBadge(Tone.OVERDUE, _("Breached; next due in %(time)s") % {"time": timeuntil(ticket.sla_due_at, now)})
    return badge


def _figure(label, *, due, done, business, breached, paused, now) -> SlaFigure:
    if done is not None:
        badge = SlaBadge(Tone.OVERDUE, _("Breached")) if breached else SlaBadge(Tone.DONE, _("Met"))
    elif due is not None:
        badge = _running(due, now=now, depth=2)
        if breached and badge.tone != Tone.OVERDUE:
            badge = SlaBadge(Tone.OVERDUE, _("Breached"))
    elif paused:
        badge = SlaBadge(Tone.PAUSED, _("Paused"))
    else:
        badge = None
    return SlaFigure(
        label=label,
        due_at=due,
        done_at=done,
        business_time=duration(business) if business is not None else "",
        badge=badge,
    )


def sla_figures(ticket: Ticket, *, now: datetime) -> list[SlaFigure]:
    """First response, next response and resolution as the ticket page shows them."""
    resolved = ticket.solved_at if ticket.resolution_seconds is not None else None
    return [
        _figure(
            _("First response"),
            due=ticket.first_response_due_at,
            done=ticket.first_responded_at,
            business=ticket.first_response_business_seconds,
            breached=ticket.first_response_breached,
            paused=ticket.sla_paused,
            now=now,
        ),
        _figure(
            _("Next response"),
            due=ticket.next_response_due_at,
            done=None,
            business=None,
            breached=ticket.next_response_breached,
            paused=ticket.sla_paused and ticket.first_responded_at is not None,
            now=now,
        ),
        _figure(
            _("Resolution"),
            due=None if resolved else ticket.resolution_due_at,
            done=resolved,
            business=ticket.resolution_business_seconds,
            breached=ticket.resolution_breached,
            paused=ticket.sla_paused,
            now=now,
        ),
    ]
