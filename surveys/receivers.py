"""What surveys do when the core reports something: a delivered order, a solved ticket."""

from helpdesk.tickets.models import EventKind, Status, Ticket

from .services import survey_schedule_post_purchase, survey_schedule_ticket_rating


def on_order_status_changed(sender, order, previous_status=None, **kwargs) -> None:
    survey_schedule_post_purchase(order=order)


def on_ticket_event(sender, event, **kwargs) -> None:
    if event.kind == EventKind.STATUS and event.data.get("to") == Status.SOLVED:
        ticket = Ticket.objects.select_related("customer").filter(pk=event.ticket_id).first()
        if ticket is not None and ticket.status == Status.SOLVED:
            survey_schedule_ticket_rating(ticket=ticket)
