"""Nudge the sockets of a conversation after commit; the frames carry the stored message.

A nudge that is lost (a slow consumer, a restart) costs nothing: clients resynchronise from
their last sequence number, and the database has every message.

Views, the API and commands have their nudges sent from their own thread on commit. A chat
socket's database call holds them instead (`held`), and the socket sends them from its event
loop once the call returns (`relay`): the database thread is not kept waiting on Redis.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

from helpdesk.realtime import chat_group, chat_queue_group

from .frames import message_frame

logger = logging.getLogger(__name__)

Nudge = tuple[str, dict]  # (group, frame)

_held: ContextVar[list[Nudge] | None] = ContextVar("chat_held_nudges", default=None)


def _event(frame: dict) -> dict:
    return {"type": "chat.frame", "frame": frame}


def _send(group: str, frame: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, _event(frame))


def _on_commit(group: str, frame: dict) -> None:
    held = _held.get()
    if held is None:
        transaction.on_commit(lambda: _send(group, frame), robust=True)
    else:
        transaction.on_commit(lambda: held.append((group, frame)), robust=True)


@contextmanager
def held() -> Iterator[list[Nudge]]:
    """Collect the nudges committed inside this block, in order, for the caller to `relay`.

    Enter it outside any transaction, so that everything committed in the block has committed
    when it ends. If the block fails, what did commit is sent from this thread as usual.
    """
    if connection.in_atomic_block:
        raise RuntimeError("held() must wrap whole transactions")
    nudges: list[Nudge] = []
    token = _held.set(nudges)
    try:
        yield nudges
    except BaseException:
        for group, frame in nudges:
            _send(group, frame)
        raise
    finally:
        _held.reset(token)


async def relay(nudges: list[Nudge]) -> None:
    """Send held nudges from the caller's event loop, in the order they were committed."""
    layer = get_channel_layer()
    if layer is None:
        return
    for group, frame in nudges:
        try:
            await layer.group_send(group, _event(frame))
        except Exception:
            # As robust as an on-commit hook: the message is stored, and a socket that missed it catches up.
            logger.exception("A chat nudge could not be sent")


def message_on_commit(message) -> None:
    _on_commit(chat_group(message.conversation.public_id), message_frame(message))


def read_on_commit(conversation, *, seq: int, by_agent: bool) -> None:
    frame = {
        "type": "read",
        "conversation": str(conversation.public_id),
        "seq": seq,
        "by": "agent" if by_agent else "visitor",
    }
    _on_commit(chat_group(conversation.public_id), frame)


def queue_on_commit(conversation) -> None:
    frame = {
        "type": "queue.changed",
        "conversation": str(conversation.public_id),
        "status": conversation.status,
        "assignee": conversation.assignee_id,
    }
    _on_commit(chat_queue_group(), frame)
