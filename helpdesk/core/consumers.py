import json
from enum import StrEnum

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from helpdesk.realtime import staff_group, staff_user_group, ticket_group
from helpdesk.tickets.presence import Presence, PresenceState, presence_frame, presence_parse

CLOSE_UNAUTHORISED = 4401


class SocketErrorCode(StrEnum):
    INVALID_FRAME = "invalid_frame"
    UNKNOWN_TYPE = "unknown_type"
    INVALID_PRESENCE = "invalid_presence"


class StaffEventsConsumer(AsyncJsonWebsocketConsumer):
    """Live updates for signed-in staff: inbox changes, presence, notifications."""

    presence: Presence | None = None
    # What this browser was last told about each other agent on its ticket: when two agents arrive
    # at once, each hears of the other twice (the announcement and the reply), and says so once.
    told: dict[int, str]

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_staff:
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        self.user = user
        self.groups_joined = [staff_group(), staff_user_group(user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "user": user.email})

    async def disconnect(self, code):
        if self.presence is not None:
            await self._presence_leave()
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Answer a frame that is not a JSON object with an error instead of dropping the socket."""
        try:
            content = json.loads(text_data) if text_data else None
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self.send_error(SocketErrorCode.INVALID_FRAME)
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        handler = self.handlers.get(content.get("type"))
        if handler is None:
            await self.send_error(SocketErrorCode.UNKNOWN_TYPE)
            return
        await handler(self, content)

    # Leading underscores keep frame handlers out of reach of channel-layer message types.
    async def _ping(self, content):
        await self.send_json({"type": "pong"})

    async def _presence(self, content):
        presence = presence_parse(content)
        if presence is None:
            await self.send_error(SocketErrorCode.INVALID_PRESENCE)
            return
        on_ticket = self.presence is not None and self.presence.ticket == presence.ticket
        if presence.state == PresenceState.LEFT:
            if on_ticket:
                await self._presence_leave()
            return
        if self.presence is not None and not on_ticket:
            await self._presence_leave()
        arriving = self.presence is None
        if arriving:
            self.told = {}
            await self.channel_layer.group_add(ticket_group(presence.ticket), self.channel_name)
        self.presence = presence
        # A newcomer asks those already there to say so, or it would not know about them.
        await self._presence_announce(presence, reply_to=self.channel_name if arriving else "")

    handlers = {"ping": _ping, "presence": _presence}

    async def _presence_leave(self) -> None:
        ticket = self.presence.ticket
        self.presence = None
        await self._presence_announce(Presence(ticket=ticket, state=PresenceState.LEFT))
        await self.channel_layer.group_discard(ticket_group(ticket), self.channel_name)

    def _presence_message(self, presence: Presence, *, reply_to: str = "") -> dict:
        frame = presence_frame(presence, user=self.user)
        return {"type": "presence.relay", "frame": frame, "user_id": self.user.pk, "reply_to": reply_to}

    async def _presence_announce(self, presence: Presence, *, reply_to: str = "") -> None:
        message = self._presence_message(presence, reply_to=reply_to)
        await self.channel_layer.group_send(ticket_group(presence.ticket), message)

    async def presence_relay(self, message):
        """Pass another agent's presence on to the browser (never one's own, from any tab)."""
        if message["user_id"] == self.user.pk:
            return
        frame = message["frame"]
        here = self.presence
        if here is None or here.ticket != frame["ticket"]:
            return
        if self.told.get(message["user_id"]) != frame["state"]:
            self.told[message["user_id"]] = frame["state"]
            await self.send_json(frame)
        if message["reply_to"]:
            await self.channel_layer.send(message["reply_to"], self._presence_message(here))

    async def send_error(self, code: SocketErrorCode) -> None:
        await self.send_json({"type": "error", "code": str(code)})

    async def staff_event(self, message):
        """Relay a broadcast `{"type": "staff.event", "event": {...}}` to the browser."""
        await self.send_json(message["event"])
