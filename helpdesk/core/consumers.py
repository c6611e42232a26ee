import json
from enum import StrEnum

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from helpdesk.realtime import staff_group, staff_user_group

CLOSE_UNAUTHORISED = 4401


class SocketErrorCode(StrEnum):
    INVALID_FRAME = "invalid_frame"
    UNKNOWN_TYPE = "unknown_type"


class StaffEventsConsumer(AsyncJsonWebsocketConsumer):
    """Live updates for signed-in staff: inbox changes, presence, notifications."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_staff:
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        self.groups_joined = [staff_group(), staff_user_group(user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "user": user.email})

    async def disconnect(self, code):
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

    handlers = {"ping": _ping}

    async def send_error(self, code: SocketErrorCode) -> None:
        await self.send_json({"type": "error", "code": str(code)})

    async def staff_event(self, message):
        """Relay a broadcast `{"type": "staff.event", "event": {...}}` to the browser."""
        await self.send_json(message["event"])
