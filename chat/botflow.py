"""Glue between the visitor's socket and the bot: run chat.bot, post its reply, act on it through services.

The bot itself is pure (chat/bot.py). Here it meets the database: its state lives on the
conversation, its replies become BOT messages (numbered like every other message), and its
actions become a handoff to the agents' queue or a ticket with the transcript.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpdesk.core.sanitize import plain_text
from helpdesk.customers.models import Customer
from helpdesk.sla.clock import business_seconds
from helpdesk.sla.selectors import business_calendar
from helpdesk.tickets.requests import ticket_request_submit
from kb.services import search_query_record

from . import bot
from .bot import Action, BotConfig, BotReply, BotState, button_label
from .bot_phrases import DEFAULT_HANDOFF_KEYWORDS
from .kb_answers import kb_search_links
from .models import AuthorKind, ChatSettings, Conversation, ConversationStatus
from .services import (
    Posted,
    agents_online,
    chat_handoff,
    chat_message_post,
    chat_to_ticket,
    conversation_bot_state_save,
    conversation_email_set,
    conversation_start,
)
from .transcript import chat_transcript_text

logger = logging.getLogger(__name__)

SUBJECT_CHARS = 80


def bot_config(row: ChatSettings | None) -> BotConfig:
    """Build the bot's configuration from the managers' chat settings (built-in defaults without any)."""
    if row is None:
        return BotConfig(handoff_keywords=DEFAULT_HANDOFF_KEYWORDS)
    keywords = tuple(line.strip() for line in row.handoff_keywords.splitlines() if line.strip())
    greeting = {"en": row.greeting_en, "ar": row.greeting_ar, "fa": row.greeting_fa}
    return BotConfig(greeting=greeting, handoff_keywords=keywords)


def _chat_settings() -> ChatSettings | None:
    return ChatSettings.objects.select_related("calendar").order_by("pk").first()


def humans_available(*, now: datetime | None = None, row: ChatSettings | None = None) -> bool:
    """Tell whether a person can take a chat now: an agent online and the chat's opening hours open."""
    now = now or timezone.now()
    if agents_online(now=now) == 0:
        return False
    calendar = business_calendar(row.calendar if row is not None else None)
    return business_seconds(calendar, now, now + timedelta(seconds=60)) > 0


def reply_payload(reply: BotReply, *, locale: str) -> dict:
    """The widget's view of a bot reply: article links and labelled buttons, never HTML."""
    payload = {
        "articles": [{"title": a.title, "snippet": a.snippet, "url": a.url} for a in reply.articles],
        "buttons": [{"id": str(b), "label": button_label(b, locale=locale)} for b in reply.buttons],
    }
    if reply.action:
        payload["action"] = str(reply.action)
    return payload


def _post_reply(conversation: Conversation, reply: BotReply, *, text: str = "") -> None:
    payload = reply_payload(reply, locale=conversation.locale)
    chat_message_post(conversation=conversation, body=text or reply.text, by=AuthorKind.BOT, payload=payload)


@transaction.atomic
def _search_recorded(query: str, locale: str) -> list:
    """Search the help centre for the bot, and count the search in the KB's report like any other."""
    links = kb_search_links(query, locale)
    search_query_record(query=query, locale=locale, result_count=len(links), source="bot")
    return links


def conversation_open(*, visitor_key: str, locale: str, customer: Customer | None = None, origin: str = ""):
    """Start a conversation and post the bot's greeting as its first message."""
    conversation = conversation_start(visitor_key=visitor_key, locale=locale, customer=customer, origin=origin)
    reply = bot.bot_greet(locale=conversation.locale, config=bot_config(_chat_settings()))
    _post_reply(conversation, reply)
    return conversation


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_related("customer").select_for_update(of=("self",)).get(pk=conversation.pk)


def _context(conversation: Conversation, now: datetime | None) -> dict:
    row = _chat_settings()
    state = BotState.from_dict(conversation.bot_state)
    return {
        "locale": conversation.locale,
        "state": state,
        "config": bot_config(row),
        "humans_available": humans_available(now=now, row=row),
        "visitor_known": bool(conversation.customer_id or conversation.email or state.email),
    }


@transaction.atomic
def bot_on_message(*, conversation: Conversation, text: str, now: datetime | None = None) -> BotReply | None:
    """Let the bot answer what the visitor wrote, while the chat is still with the bot."""
    conversation = _locked(conversation)
    if conversation.status != ConversationStatus.BOT:
        return None
    context = _context(conversation, now)
    reply, state = bot.bot_reply(text=text, search=_search_recorded, **context)
    _act(conversation, reply, state)
    return reply


@transaction.atomic
def bot_on_button(
    *, conversation: Conversation, button: str, client_id: str = "", now: datetime | None = None
) -> Posted | None:
    """Act on a button the visitor pressed: their choice is posted as their message, then the bot's reply."""
    conversation = _locked(conversation)
    earlier = conversation.messages.filter(client_id=client_id).first() if client_id else None
    if earlier is not None:
        return Posted(earlier, created=False)
    if conversation.status != ConversationStatus.BOT:
        return None
    reply, state = bot.bot_button(button=button, **_context(conversation, now))
    if reply.silent:
        return None
    label = button_label(button, locale=conversation.locale) or button
    posted = chat_message_post(conversation=conversation, body=label, client_id=client_id, payload={"button": button})
    _act(conversation, reply, state)
    return posted


def _act(conversation: Conversation, reply: BotReply, state: BotState) -> None:
    conversation_bot_state_save(conversation=conversation, state=state.to_dict())
    if reply.silent:
        return
    if reply.action == Action.OPEN_TICKET:
        _post_reply(conversation, reply, text=_leave_message(conversation, reply))
        return
    _post_reply(conversation, reply)
    if reply.action == Action.HANDOFF:
        chat_handoff(conversation=conversation)


def _leave_message(conversation: Conversation, reply: BotReply) -> str:
    """Open a ticket with the visitor's message and the transcript; return what the bot tells them."""
    with translation.override(conversation.locale):
        body = chat_transcript_text(conversation, reply.message)
        # The subject is plain text: a message that is only markup leaves nothing of its own for it.
        subject = " ".join(plain_text(reply.message).split())[:SUBJECT_CHARS] or _("Message from the chat")
        if conversation.customer is not None:
            chat_to_ticket(conversation=conversation, subject=subject, body=body)
            return reply.text
        # An address typed into the chat is unproven: it gets the same confirmation link as the
        # web form, so the chat cannot be used to put words in a stranger's inbox or account.
        conversation_email_set(conversation=conversation, email=reply.email)
        ticket_request_submit(email=reply.email, name="", subject=subject, body=body, locale=conversation.locale)
        return _(
            "Thank you! We've sent a link to %(email)s. Open it to confirm your address, "
            "and your message goes to our team."
        ) % {"email": reply.email}
