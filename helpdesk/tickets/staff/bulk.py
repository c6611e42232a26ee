"""Change many tickets at once: the same services, all in one transaction or none."""

from django.db import transaction

from ..errors import TicketError
from ..models import Ticket
from ..services import ticket_assign, ticket_set_status, ticket_tag
from ..staff_forms import BulkAction


class BulkRefused(Exception):
    """One ticket refused the change, so none was changed."""

    def __init__(self, ticket_id: int, error: TicketError):
        super().__init__(ticket_id, error.code)
        self.ticket_id, self.error = ticket_id, error


def _apply(ticket: Ticket, action: str, value, by) -> None:
    if action == BulkAction.ASSIGN:
        ticket_assign(ticket=ticket, assignee=value, by=by)
    elif action == BulkAction.STATUS:
        ticket_set_status(ticket=ticket, status=value, by=by)
    elif action == BulkAction.TAG:
        ticket_tag(ticket=ticket, by=by, add=value)
    else:
        raise ValueError(action)


@transaction.atomic
def tickets_bulk_apply(*, ids: list[int], action: str, value, by) -> int:
    """Apply one action to each ticket; return how many there were. Merged tickets are skipped."""
    tickets = list(Ticket.objects.filter(pk__in=ids, merged_into__isnull=True).order_by("pk"))
    for ticket in tickets:
        try:
            _apply(ticket, action, value, by)
        except TicketError as error:
            raise BulkRefused(ticket.pk, error) from error
    return len(tickets)
