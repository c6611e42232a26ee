"""Nudge the sockets of a conversation after commit; the frames carry the stored message.

A nudge that is lost (a slow consumer, a restart) costs nothing: clients resynchronise from
their last sequence number, and the database has every message.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from helpdesk.realtime import chat_group, chat_queue_group

from .frames import message_frame


def _send(group: str, frame: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, {"type": "chat.frame", "frame": frame})


def message_on_commit(message) -> None:
    frame = message_frame(message)
    group = chat_group(message.conversation.public_id)
    transaction.on_commit(lambda: _send(group, frame), robust=True)


def read_on_commit(conversation, *, seq: int, by_agent: bool) -> None:
    frame = {
        "type": "read",
        "conversation": str(conversation.public_id),
        "seq": seq,
        "by": "agent" if by_agent else "visitor",
    }
    group = chat_group(conversation.public_id)
    transaction.on_commit(lambda: _send(group, frame), robust=True)


def queue_on_commit(conversation) -> None:
    frame = {
        "type": "queue.changed",
        "conversation": str(conversation.public_id),
        "status": conversation.status,
        "assignee": conversation.assignee_id,
    }
    transaction.on_commit(lambda: _send(chat_queue_group(), frame), robust=True)
