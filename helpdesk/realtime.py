"""Group names for live updates, in one place so senders and consumers agree."""


def staff_group() -> str:
    """Every signed-in staff member's socket joins this group."""
    return "staff"


def staff_user_group(user_id: int) -> str:
    return f"staff.user.{user_id}"


def ticket_group(ticket_id: int) -> str:
    """Sockets of the staff who have one ticket open, for presence notices."""
    return f"ticket.{ticket_id}"


def chat_group(conversation_id) -> str:
    """Every socket on one conversation: the visitor's tabs and the agent's console."""
    return f"chat.{conversation_id}"


def chat_queue_group() -> str:
    """Agents' consoles: the waiting queue and who took what."""
    return "chat.queue"
