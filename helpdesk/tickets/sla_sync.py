"""Keep each ticket's SLA figures in step with its stored timestamps.

The figures are always recomputed from the events and messages, never incremented, so a
restart, a late job or a calendar edit cannot leave them wrong.
"""

from datetime import datetime

from django.utils import timezone

from helpdesk.sla.engine import SlaState, TargetState, TicketTimeline, sla_evaluate
from helpdesk.sla.selectors import business_calendar, paused_statuses_for, policy_for, targets_for

from .models import NO_DUE, UNSOLVED, AuthorKind, EventKind, Message, Ticket, TicketEvent

SLA_FIELDS = [
    "sla_policy",
    "sla_due_at",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "first_responded_at",
    "first_response_seconds",
    "first_response_business_seconds",
    "resolution_seconds",
    "resolution_business_seconds",
    "first_response_breached",
    "next_response_breached",
    "resolution_breached",
    "sla_breached",
    "sla_paused",
]


def timeline_for(ticket: Ticket, paused_statuses: frozenset[str]) -> TicketTimeline:
    status_changes = []
    for created_at, kind, data in (
        TicketEvent.objects.filter(ticket=ticket, kind__in=[EventKind.CREATED, EventKind.STATUS])
        .order_by("created_at", "id")
        .values_list("created_at", "kind", "data")
    ):
        status = data.get("status") if kind == EventKind.CREATED else data.get("to")
        if status:
            status_changes.append((created_at, status))
    if not status_changes or status_changes[0][0] > ticket.created_at:
        status_changes.insert(0, (ticket.created_at, "new"))
    customer, agent = [], []
    for created_at, author_kind in (
        Message.objects.filter(ticket=ticket, public=True)
        .order_by("created_at", "id")
        .values_list("created_at", "author_kind")
    ):
        if author_kind == AuthorKind.CUSTOMER:
            customer.append(created_at)
        elif author_kind == AuthorKind.AGENT:
            agent.append(created_at)
    return TicketTimeline(
        created_at=ticket.created_at,
        status_changes=tuple(status_changes),
        customer_messages=tuple(customer),
        agent_replies=tuple(agent),
        paused_statuses=paused_statuses,
    )


def _due(target: TargetState | None) -> datetime | None:
    return target.due_at if target else None


def _apply(ticket: Ticket, state: SlaState | None) -> None:
    first = state.first_response if state else None
    resolution = state.resolution if state else None
    next_due = state.next_due_at if state else None
    ticket.sla_due_at = next_due if next_due and ticket.status in UNSOLVED else NO_DUE
    ticket.first_response_due_at = _due(first)
    ticket.next_response_due_at = _due(state.next_response) if state else None
    ticket.resolution_due_at = _due(resolution)
    ticket.first_responded_at = first.completed_at if first else None
    ticket.first_response_seconds = first.calendar_seconds if first and first.completed_at else None
    ticket.first_response_business_seconds = first.business_seconds if first and first.completed_at else None
    done = resolution is not None and resolution.completed_at is not None
    ticket.resolution_seconds = resolution.calendar_seconds if done else None
    ticket.resolution_business_seconds = resolution.business_seconds if done else None
    ticket.first_response_breached = bool(first and first.breached)
    ticket.next_response_breached = bool(state and state.next_response_breached)
    ticket.resolution_breached = bool(resolution and resolution.breached)
    ticket.sla_breached = bool(state and state.breached)
    ticket.sla_paused = bool(state) and any(
        target is not None and target.paused for target in (first, state.next_response, resolution)
    )


def _evaluate(ticket: Ticket, policy, now: datetime | None) -> SlaState:
    return sla_evaluate(
        calendar=business_calendar(policy.calendar),
        targets=targets_for(policy),
        timeline=timeline_for(ticket, paused_statuses_for(policy)),
        now=now or timezone.now(),
    )


def sla_state(ticket: Ticket, *, now: datetime | None = None) -> SlaState | None:
    """Evaluate the ticket's SLA as of `now` (None when no policy covers it)."""
    policy = policy_for(priority=ticket.priority, channel=ticket.channel)
    return _evaluate(ticket, policy, now) if policy else None


def ticket_sla_refresh(ticket: Ticket, *, now: datetime | None = None) -> Ticket:
    """Recompute and store the ticket's SLA figures; call inside the change's transaction."""
    policy = policy_for(priority=ticket.priority, channel=ticket.channel)
    ticket.sla_policy = policy
    _apply(ticket, _evaluate(ticket, policy, now) if policy else None)
    ticket.save(update_fields=SLA_FIELDS)
    return ticket
