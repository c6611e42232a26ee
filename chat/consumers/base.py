"""What both chat sockets share: reading frames safely, answering errors, relaying the channel layer."""

from collections.abc import Awaitable, Callable, Mapping

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation

from helpdesk.realtime import chat_group

from ..errors import ChatError
from ..frames import message_frame
from ..models import Conversation
from ..protocol import (
    CLOSE_RATE_ABUSE,
    CLOSE_TOO_LARGE,
    FrameError,
    Key,
    SocketErrorCode,
    TokenBucket,
    Verdict,
    echo_fields,
    error_message,
    parse_frame,
    validate_frame,
)
from ..services import messages_after

Handler = Callable[["ChatSocket", dict], Awaitable[None]]

PAGE = 200


def stored_frames(pk: int, after: int) -> list[dict]:
    """Return every stored message after `after`, as frames, page by page."""
    frames: list[dict] = []
    while True:
        page = messages_after(Conversation(pk=pk), after, limit=PAGE)
        frames += [message_frame(message) for message in page]
        if len(page) < PAGE:
            return frames
        after = page[-1].seq


class ChatSocket(AsyncJsonWebsocketConsumer):
    """A chat socket: every frame is rate-limited, size-capped and checked against its schema before a handler runs.

    Subclasses set `role` ("visitor" or "agent"), `schemas` and `handlers` (frame type → coroutine).
    Handlers' names start with an underscore, which keeps them out of reach of channel-layer
    message types.
    """

    role = ""
    schemas: Mapping[str, Mapping[str, Key]] = {}
    handlers: Mapping[str, Handler] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bucket = TokenBucket()
        self.closing = False
        self.locale = settings.LANGUAGE_CODE
        self.joined: dict[str, int] = {}  # conversation public id → the last seq this socket was sent

    async def dispatch(self, message):
        # Channels first closes the old connections of the one database thread, a hop to that thread
        # for every frame and every nudge, queued behind whatever database work it is doing. These
        # sockets touch the database only through calls that close their own (chat/consumers/database.py).
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if self.closing:
            return
        verdict = self.bucket.take()
        if verdict != Verdict.ALLOW:
            await self.send_error(SocketErrorCode.RATE_LIMITED)
            if verdict == Verdict.CLOSE:
                await self.close_with(CLOSE_RATE_ABUSE)
            return
        try:
            content = parse_frame(text_data, bytes_data)
        except FrameError as error:
            await self.send_error(error.code, field=error.field)
            if error.code == SocketErrorCode.FRAME_TOO_LARGE:
                await self.close_with(CLOSE_TOO_LARGE)
            return
        try:
            kind, frame = validate_frame(content, self.schemas)
        except FrameError as error:
            await self.send_error(error.code, field=error.field, **echo_fields(content))
            return
        await self.act(kind, frame)

    async def act(self, kind: str, frame: dict) -> None:
        """Run a valid frame's handler; a domain or frame error goes back to the client as an error frame."""
        try:
            await self.handler_for(kind)(self, frame)
        except ChatError as error:
            await self.send_error(error.code, **echo_fields(frame))
        except FrameError as error:
            await self.send_error(error.code, field=error.field, **echo_fields(frame))

    def handler_for(self, kind: str) -> Handler:
        return self.handlers[kind]

    async def close_with(self, code: int) -> None:
        self.closing = True
        await self.close(code=code)

    async def send_error(self, code: str, *, field: str = "", **echo) -> None:
        with translation.override(self.locale):
            frame = {"type": "error", "code": str(code), "message": error_message(code)}
        if field:
            frame["field"] = field
        await self.send_json(frame | echo)

    async def disconnect(self, code):
        for public_id in list(self.joined):
            await self.leave_conversation(public_id)

    async def join_conversation(self, public_id: str, *, seen: int) -> None:
        if public_id not in self.joined:
            await self.channel_layer.group_add(chat_group(public_id), self.channel_name)
        self.joined[public_id] = seen

    async def leave_conversation(self, public_id: str) -> None:
        if self.joined.pop(public_id, None) is not None:
            await self.channel_layer.group_discard(chat_group(public_id), self.channel_name)

    async def _on_ping(self, frame):
        await self.send_json({"type": "pong"})

    async def send_messages(self, public_id: str, frames: list[dict]) -> None:
        """Send stored messages in order, each once: frames at or below what this socket was sent are skipped."""
        for frame in frames:
            if public_id not in self.joined or frame["seq"] <= self.joined[public_id]:
                continue
            # Counted before the send yields, so no other task of this socket sends it too.
            self.joined[public_id] = frame["seq"]
            await self.send_json(self.addressed(public_id, frame))

    def addressed(self, public_id: str, frame: dict) -> dict:
        """Return the frame as this socket's client expects it (an agent's console needs the conversation)."""
        return frame

    # Channel-layer messages (chat.broadcast and this module send them).

    async def chat_frame(self, event):
        """Relay a broadcast frame; a message nudge that is not the next one triggers a catch-up from the database."""
        frame = event["frame"]
        handlers = {"message": self.on_message_nudge, "read": self.on_read_nudge, "queue.changed": self.on_queue}
        await handlers.get(frame.get("type"), self.send_json)(frame)

    async def chat_typing(self, event):
        """Relay someone else's typing indicator (never to the side that is typing)."""
        frame = event["frame"]
        if event["sender"] == self.channel_name or frame["by"] == self.role or event["conversation"] not in self.joined:
            return
        await self.send_json(self.addressed(event["conversation"], frame))

    async def send_typing(self, public_id: str, frame: dict) -> None:
        message = {"type": "chat.typing", "frame": frame, "conversation": public_id, "sender": self.channel_name}
        await self.channel_layer.group_send(chat_group(public_id), message)

    async def on_message_nudge(self, frame: dict) -> None:
        raise NotImplementedError

    async def on_read_nudge(self, frame: dict) -> None:
        raise NotImplementedError

    async def on_queue(self, frame: dict) -> None:
        """Visitors are not in the queue group; only agents' consoles hear queue changes."""
