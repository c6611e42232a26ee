"""Tell staff screens, other apps and the customer what happened, once the transaction commits."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from helpdesk.realtime import staff_group

from .notifications import assignee_email, ticket_email
from .signals import ticket_event_recorded


def ticket_frame(event) -> dict:
    """The frame staff screens receive for one ticket event."""
    return {
        "type": "ticket.changed",
        "ticket": event.ticket_id,
        "kind": event.kind,
        "actor": event.actor_user_id,
    }


def _send(event) -> None:
    layer = get_channel_layer()
    try:
        if layer is not None:
            async_to_sync(layer.group_send)(staff_group(), {"type": "staff.event", "event": ticket_frame(event)})
    finally:
        # Other apps hear of the event even when the channel layer is down.
        ticket_event_recorded.send(sender=type(event), event=event)


def on_commit(event) -> None:
    # robust: a channel layer that is down must not turn a saved reply into an error page.
    transaction.on_commit(lambda: _send(event), robust=True)


def notify_customer(ticket, kind: str, message) -> None:
    """Queue the customer's email for `kind` (received, replied, solved) after commit."""
    if ticket.merged_into_id:
        return
    transaction.on_commit(
        lambda: ticket_email.enqueue(ticket_id=ticket.pk, kind=kind, message_id=message.pk if message else None),
        robust=True,
    )


def notify_assignee(ticket, message) -> None:
    """Queue an email with the customer's new message to the assignee, when they asked for such emails."""
    assignee = ticket.assignee
    if ticket.merged_into_id or assignee is None or not assignee.ticket_emails or not assignee.is_active:
        return
    transaction.on_commit(lambda: assignee_email.enqueue(ticket_id=ticket.pk, message_id=message.pk), robust=True)
