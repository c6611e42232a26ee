"""/ws/chat/agent/: the agent's console, one socket for the queue and every chat the agent has open."""

from functools import partial

from django.contrib.auth import get_user_model

from helpdesk.accounts.roles import is_agent
from helpdesk.realtime import chat_queue_group

from ..errors import ChatError, ChatErrorCode
from ..frames import PROTOCOL_VERSION
from ..models import Conversation, ConversationStatus, PresenceStatus
from ..protocol import AGENT_SCHEMAS, CLOSE_INTERNAL_ERROR, CLOSE_UNAUTHORISED, FrameError, SocketErrorCode
from ..selectors import chat_queue, conversation_by_public_id, conversation_for_agent
from ..services import agent_presence_beat, chat_accept, chat_end, chat_message_post, chat_read, chat_transfer
from .base import ChatSocket, stored_frames
from .database import database_call
from .lanes import Lanes


@database_call
def _agent(user):
    """Return the signed-in user if they may answer chats, else None."""
    if user is None or not user.is_authenticated or not user.is_staff or not is_agent(user):
        return None
    return get_user_model().objects.get(pk=user.pk)


@database_call
def _beat(agent, status: str) -> None:
    agent_presence_beat(agent=agent, status=status)


@database_call
def _queue_items(agent) -> list[dict]:
    return chat_queue(agent=agent)


def _summary(conversation: Conversation) -> dict:
    customer = conversation.customer
    return {
        "type": "conversation",
        "conversation": str(conversation.public_id),
        "status": conversation.status,
        "locale": conversation.locale,
        "customer": {"name": customer.name, "email": customer.email, "external_id": customer.external_id}
        if customer
        else None,
        "email": conversation.email,
        "origin": conversation.origin,
        "assignee": conversation.assignee_id,
        "last_seq": conversation.last_seq,
        "visitor_read_seq": conversation.visitor_read_seq,
        "agent_read_seq": conversation.agent_read_seq,
    }


def _mine(agent, public_id: str) -> Conversation:
    conversation = conversation_for_agent(public_id=public_id, agent=agent)
    if conversation is None:
        raise ChatError(ChatErrorCode.NOT_YOUR_CHAT)
    return conversation


@database_call
def _check_mine(agent, public_id: str) -> int:
    return _mine(agent, public_id).pk


@database_call
def _take(agent, public_id: str) -> int:
    conversation = conversation_by_public_id(public_id)
    if conversation is None:
        raise FrameError(SocketErrorCode.NOT_FOUND, "conversation")
    return chat_accept(conversation=conversation, agent=agent).pk


@database_call
def _load_chat(agent, public_id: str, last_seq: int) -> tuple[int, dict, int, list[dict]]:
    conversation = _mine(agent, public_id)
    seen = min(last_seq, conversation.last_seq)
    return conversation.pk, _summary(conversation), seen, stored_frames(conversation.pk, seen)


@database_call
def _post(agent, pk: int, body: str, client_id: str) -> int:
    # chat_message_post checks, under its lock, that the chat is still this agent's.
    try:
        posted = chat_message_post(conversation=Conversation(pk=pk), body=body, by=agent, client_id=client_id)
    except Conversation.DoesNotExist:
        raise ChatError(ChatErrorCode.NOT_YOUR_CHAT) from None
    return posted.message.seq


@database_call
def _mark_read(agent, public_id: str, seq: int) -> None:
    chat_read(conversation=_mine(agent, public_id), seq=seq, by_agent=True)


@database_call
def _hand_over(agent, public_id: str, to: int) -> None:
    colleague = get_user_model().objects.filter(pk=to, is_active=True).first()
    if colleague is None:
        raise ChatError(ChatErrorCode.NOT_STAFF)
    chat_transfer(conversation=_mine(agent, public_id), to_agent=colleague, by=agent)


@database_call
def _end_chat(agent, public_id: str) -> None:
    chat_end(conversation=_mine(agent, public_id), by=agent)


@database_call
def _histories(seen: dict[str, int]) -> dict[str, list[dict]]:
    pks = dict(Conversation.objects.filter(public_id__in=list(seen)).values_list("public_id", "pk"))
    return {str(public_id): stored_frames(pk, seen[str(public_id)]) for public_id, pk in pks.items()}


@database_call
def _read_marks(public_ids: list[str]) -> dict[str, tuple[int, int]]:
    rows = Conversation.objects.filter(public_id__in=public_ids).values_list(
        "public_id", "visitor_read_seq", "agent_read_seq"
    )
    return {str(public_id): (visitor, agent) for public_id, visitor, agent in rows}


class AgentConsumer(ChatSocket):
    """Signed-in agents only: the queue, accepting, and any number of the agent's own chats at once."""

    role = "agent"
    schemas = AGENT_SCHEMAS
    user = None
    # On disconnect, what the console already sent may finish for this long before it is cancelled.
    drain_seconds = 5.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each chat's frames and nudges in order, the chats side by side: a slow post holds up no other chat.
        self.lanes = Lanes(failed=partial(self.close, code=CLOSE_INTERNAL_ERROR))
        self.pks: dict[str, int] = {}  # conversation public id → pk, for the chats open here

    async def connect(self):
        self.user = await _agent(self.scope.get("user"))
        if self.user is None:
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        self.locale = self.user.preferred_language or self.locale
        self.read_marks: dict[str, tuple[int, int]] = {}  # conversation → (visitor_read_seq, agent_read_seq) sent
        await self.channel_layer.group_add(chat_queue_group(), self.channel_name)
        await self.accept()
        await _beat(self.user, PresenceStatus.ONLINE)
        await self.send_json({"type": "welcome", "v": PROTOCOL_VERSION, "user": self.user.pk})
        await self._on_queue({})

    async def disconnect(self, code):
        if self.user is None:
            return
        await self.lanes.close(grace=self.drain_seconds)
        await self.channel_layer.group_discard(chat_queue_group(), self.channel_name)
        await super().disconnect(code)
        # Gone now rather than when the last heartbeat lapses; another open tab says otherwise within seconds.
        await _beat(self.user, PresenceStatus.AWAY)

    def addressed(self, public_id: str, frame: dict) -> dict:
        return frame | {"conversation": public_id}

    async def leave_conversation(self, public_id: str) -> None:
        self.pks.pop(public_id, None)
        await super().leave_conversation(public_id)

    async def act(self, kind: str, frame: dict) -> None:
        self.lanes.submit(frame.get("conversation"), partial(super().act, kind, frame))

    async def chat_frame(self, event):
        frame = event["frame"]
        public_id = frame.get("conversation")
        if public_id is None and frame.get("type") in ("message", "read"):
            # A nudge that does not say which chat it is about: every open chat catches up, in its own lane.
            catch_up = self._catch_up if frame["type"] == "message" else self._send_read_marks
            for public_id in list(self.joined):
                self.lanes.submit(public_id, partial(catch_up, public_id))
            return
        self.lanes.submit(public_id, partial(super().chat_frame, event))

    def handler_for(self, kind: str):
        handler = self.handlers[kind]
        if kind in self.CONVERSATION_FRAMES:
            return self._joined_only(handler)
        return handler

    @staticmethod
    def _joined_only(handler):
        async def guarded(self, frame):
            if frame["conversation"] not in self.joined:
                await self.send_error(SocketErrorCode.NOT_JOINED, conversation=frame["conversation"])
                return
            await handler(self, frame)

        return guarded

    async def _on_heartbeat(self, frame):
        await _beat(self.user, frame["status"])
        await self.send_json({"type": "presence", "status": frame["status"]})

    async def _on_queue(self, frame):
        await self.send_json({"type": "queue", "items": await _queue_items(self.user)})

    async def _on_accept(self, frame):
        await _take(self.user, frame["conversation"])
        await self._open_chat(frame["conversation"], 0)

    async def _on_join(self, frame):
        await _check_mine(self.user, frame["conversation"])
        await self._open_chat(frame["conversation"], frame["last_seq"])

    async def _open_chat(self, public_id: str, last_seq: int) -> None:
        # Join before reading the history: a message stored meanwhile arrives as a nudge, and is sent once.
        await self.join_conversation(public_id, seen=last_seq)
        try:
            pk, summary, seen, frames = await _load_chat(self.user, public_id, last_seq)
        except ChatError:
            await self.leave_conversation(public_id)
            raise
        self.pks[public_id] = pk
        self.joined[public_id] = seen
        self.read_marks[public_id] = (summary["visitor_read_seq"], summary["agent_read_seq"])
        await self.send_json(summary)
        await self.send_messages(public_id, frames)

    async def _on_leave(self, frame):
        await self.leave_conversation(frame["conversation"])

    async def _on_message(self, frame):
        seq = await _post(self.user, self.pks[frame["conversation"]], frame["body"], frame["client_id"])
        await self.send_json(
            {"type": "ack", "conversation": frame["conversation"], "client_id": frame["client_id"], "seq": seq}
        )

    async def _on_sync(self, frame):
        frames = (await _histories({frame["conversation"]: frame["last_seq"]})).get(frame["conversation"], [])
        for message in frames:
            await self.send_json(self.addressed(frame["conversation"], message))
        if frames:
            seen = self.joined[frame["conversation"]]
            self.joined[frame["conversation"]] = max(seen, frames[-1]["seq"])

    async def _on_typing(self, frame):
        name = self.user.first_name or self.user.get_full_name()
        await self.send_typing(
            frame["conversation"], {"type": "typing", "by": "agent", "name": name, "on": frame["on"]}
        )

    async def _on_read(self, frame):
        await _mark_read(self.user, frame["conversation"], frame["seq"])

    async def _on_transfer(self, frame):
        public_id = frame["conversation"]
        await _hand_over(self.user, public_id, frame["to"])
        # The handover note is the last this console sees of the chat.
        caught_up = await _histories({public_id: self.joined[public_id]})
        await self.send_messages(public_id, caught_up.get(public_id, []))
        await self.leave_conversation(public_id)

    async def _on_end(self, frame):
        await _end_chat(self.user, frame["conversation"])

    # Channel-layer nudges: the database says what they were about.

    async def on_message_nudge(self, frame: dict) -> None:
        public_id = frame["conversation"]
        if public_id not in self.joined:
            return
        if frame["seq"] == self.joined[public_id] + 1:
            await self.send_messages(public_id, [frame])
        else:
            await self._catch_up(public_id)

    async def _catch_up(self, public_id: str) -> None:
        if public_id not in self.joined:
            return
        frames = (await _histories({public_id: self.joined[public_id]})).get(public_id, [])
        await self.send_messages(public_id, frames)

    async def on_read_nudge(self, frame: dict) -> None:
        await self._send_read_marks(frame["conversation"])

    async def _send_read_marks(self, public_id: str) -> None:
        if public_id not in self.joined:
            return
        marks = await _read_marks([public_id])
        for public_id, (visitor, agent) in marks.items():
            before = self.read_marks.get(public_id, (0, 0))
            if visitor > before[0]:
                await self.send_json({"type": "read", "conversation": public_id, "seq": visitor, "by": "visitor"})
            if agent > before[1]:
                await self.send_json({"type": "read", "conversation": public_id, "seq": agent, "by": "agent"})
            self.read_marks[public_id] = (max(visitor, before[0]), max(agent, before[1]))

    async def on_queue(self, frame: dict) -> None:
        await self.send_json(frame)
        public_id = frame.get("conversation")
        handed_on = frame.get("status") == ConversationStatus.ACTIVE and frame.get("assignee") != self.user.pk
        if public_id in self.joined and handed_on:
            await self.leave_conversation(public_id)

    CONVERSATION_FRAMES = frozenset({"message", "sync", "typing", "read", "transfer", "end"})

    handlers = {
        "heartbeat": _on_heartbeat,
        "queue": _on_queue,
        "accept": _on_accept,
        "join": _on_join,
        "leave": _on_leave,
        "message": _on_message,
        "sync": _on_sync,
        "typing": _on_typing,
        "read": _on_read,
        "transfer": _on_transfer,
        "end": _on_end,
        "ping": ChatSocket._on_ping,
    }
