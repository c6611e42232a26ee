"""Signals other apps react to; the core never imports them."""

from django.dispatch import Signal

# Sent after commit when an order's status changes (or a new order arrives).
# Arguments: order, previous_status (None for a new order).
order_status_changed = Signal()
