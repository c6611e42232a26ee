"""What other apps (surveys, chat) may react to; sent after the transaction commits."""

from django.dispatch import Signal

# kwargs: event (TicketEvent). Surveys listen for solved tickets, for example.
ticket_event_recorded = Signal()
