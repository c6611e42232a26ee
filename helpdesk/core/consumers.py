from channels.generic.websocket import AsyncJsonWebsocketConsumer

from helpdesk.realtime import staff_group, staff_user_group

CLOSE_UNAUTHORISED = 4401


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

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "code": "unknown_type"})

    async def staff_event(self, message):
        """Relay a broadcast `{"type": "staff.event", "event": {...}}` to the browser."""
        await self.send_json(message["event"])
