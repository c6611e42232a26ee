"""Reads for the chat sockets, each scoped to who is asking: a visitor's key, a customer, an agent."""

import hmac
from datetime import datetime

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from helpdesk.customers.models import Customer

from .models import AuthorKind, ChatMessage, Conversation, ConversationStatus
from .services import visitor_key_hash

PREVIEW_CHARS = 140
QUEUE_LIMIT = 100


def conversation_for_visitor(*, public_id: str, visitor_key: str | None, customer: Customer | None):
    """Return the conversation if this browser's key opened it or the customer owns it, else None."""
    conversation = Conversation.objects.select_related("customer").filter(public_id=public_id).first()
    if conversation is None:
        return None
    if visitor_key and hmac.compare_digest(conversation.visitor_key_hash, visitor_key_hash(visitor_key)):
        return conversation
    if customer is not None and conversation.customer_id == customer.pk:
        return conversation
    return None


def conversation_for_agent(*, public_id: str, agent) -> Conversation | None:
    """Return the conversation if it is assigned to this agent, else None."""
    return Conversation.objects.select_related("customer").filter(public_id=public_id, assignee=agent).first()


def conversation_for_console(*, public_id, agent, any_agent: bool = False) -> Conversation | None:
    """The agent's own chat (or anyone's, for a manager: `any_agent`), with its customer and ticket."""
    chats = Conversation.objects.select_related("customer", "ticket")
    if not any_agent:
        chats = chats.filter(assignee=agent)
    return chats.filter(public_id=public_id).first()


def conversation_by_public_id(public_id: str) -> Conversation | None:
    return Conversation.objects.filter(public_id=public_id).first()


def conversation_for_staff(public_id) -> Conversation | None:
    """Any conversation, with the customer and agent the transcript page names."""
    return Conversation.objects.select_related("customer", "assignee").filter(public_id=public_id).first()


def chats_for_customer(customer, *, limit: int = 20) -> list[Conversation]:
    """The customer's latest chats, newest first, for their record."""
    return list(
        Conversation.objects.select_related("assignee").filter(customer=customer).order_by("-created_at")[:limit]
    )


def _queue_item(conversation: Conversation, now: datetime) -> dict:
    waiting = conversation.status == ConversationStatus.WAITING and conversation.queued_at is not None
    customer = conversation.customer
    return {
        "conversation": str(conversation.public_id),
        "status": conversation.status,
        "waiting_seconds": max(0, int((now - conversation.queued_at).total_seconds())) if waiting else None,
        "locale": conversation.locale,
        "customer": (customer.name or customer.email) if customer else "",
        "preview": (conversation.preview or "")[:PREVIEW_CHARS],
        "assignee": conversation.assignee_id,
    }


def chat_queue(*, agent, now: datetime | None = None) -> list[dict]:
    """Return the waiting chats, longest-waiting first, then the agent's own active chats."""
    now = now or timezone.now()
    last_visitor_words = (
        ChatMessage.objects.filter(conversation=OuterRef("pk"), author_kind=AuthorKind.VISITOR)
        .order_by("-seq")
        .values("body")[:1]
    )
    rows = (
        Conversation.objects.filter(
            Q(status=ConversationStatus.WAITING) | Q(status=ConversationStatus.ACTIVE, assignee=agent)
        )
        .select_related("customer")
        .annotate(preview=Subquery(last_visitor_words))
        .order_by("status", "queued_at", "accepted_at", "pk")[:QUEUE_LIMIT]
    )
    items = [_queue_item(row, now) for row in rows]
    # "active" sorts before "waiting" in the database; the console wants the queue first.
    return sorted(items, key=lambda item: item["status"] != ConversationStatus.WAITING)


def transcript_messages(conversation: Conversation) -> list[ChatMessage]:
    """Return everything said in the conversation, in order, with the agents' names."""
    return list(ChatMessage.objects.filter(conversation=conversation).select_related("author_user").order_by("seq"))
