"""Group names for live updates, in one place so senders and consumers agree."""


def staff_group() -> str:
    """Every signed-in staff member's socket joins this group."""
    return "staff"


def staff_user_group(user_id: int) -> str:
    return f"staff.user.{user_id}"


def ticket_group(ticket_id: int) -> str:
    """Sockets of the staff who have one ticket open, for presence notices."""
    return f"ticket.{ticket_id}"
