"""Who else has a ticket open: the frames staff sockets exchange, checked before they travel."""

from dataclasses import dataclass
from enum import StrEnum


class PresenceState(StrEnum):
    VIEWING = "viewing"
    REPLYING = "replying"
    LEFT = "left"


STATES = frozenset(state.value for state in PresenceState)
# Ticket ids are positive database keys; anything larger is not one of ours.
MAX_TICKET_ID = 2**63 - 1


@dataclass(frozen=True)
class Presence:
    ticket: int
    state: PresenceState


def presence_parse(content: dict) -> Presence | None:
    """Return the presence a browser frame announces, or None when the frame is malformed."""
    ticket, state = content.get("ticket"), content.get("state")
    if isinstance(ticket, bool) or not isinstance(ticket, int) or not 0 < ticket <= MAX_TICKET_ID:
        return None
    if not isinstance(state, str) or state not in STATES:
        return None
    return Presence(ticket=ticket, state=PresenceState(state))


def presence_frame(presence: Presence, *, user) -> dict:
    """The frame the other agents on the ticket receive."""
    return {
        "type": "presence",
        "ticket": presence.ticket,
        "user": user.get_full_name() or user.email,
        "state": str(presence.state),
    }
