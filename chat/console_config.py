"""What static/js/console.js needs from the page: where to connect, whom to hand chats to, the words to say."""

import uuid

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import ConversationStatus

# The script swaps this id (and the macro's 0) for the chat's own.
URL_PLACEHOLDER = uuid.UUID(int=0)
HEARTBEAT_SECONDS = 20


def _strings() -> dict[str, str]:
    return {
        "visitor": _("Visitor"),
        "bot": _("Bot"),
        "you": _("You"),
        "waiting": _("Waiting %(time)s"),
        "accept": _("Accept"),
        "queueEmpty": _("No one is waiting."),
        "mineEmpty": _("You have no open chats."),
        "newWaiting": _("A chat is waiting: %(name)s"),
        "newMessage": _("New message from %(name)s"),
        "unread": _("New: %(count)s"),
        "joined": _("%(name)s joined the chat."),
        "transferred": _("The chat was passed to %(name)s."),
        "handedOn": _("The chat with %(name)s is now with a colleague."),
        "ended": _("The chat ended."),
        "typing": _("Visitor is typing…"),
        "seen": _("Seen"),
        "sending": _("Sending…"),
        "notSent": _("Not sent: %(reason)s"),
        "suggested": _("Articles the bot suggested"),
        "online": _("You are online: new chats can reach you."),
        "away": _("You are away: the bot will not hand chats to you."),
        "connecting": _("Connecting…"),
        "offline": _("Connection lost: reconnecting…"),
        "signedOut": _("You are signed out. Sign in again to answer chats."),
        "macroFailed": _("The canned reply could not be loaded."),
        "panelFailed": _("The customer's details could not be loaded."),
        "failed": _("Something went wrong. Please try again."),
    }


def console_config(request, *, agents: list) -> dict:
    """The JSON the console page embeds for its script (user-visible strings translated here)."""
    return {
        "socket": "/ws/chat/agent/",
        "user": request.user.pk,
        "language": get_language(),
        "heartbeatSeconds": HEARTBEAT_SECONDS,
        "placeholder": str(URL_PLACEHOLDER),
        "panelUrl": reverse("chat_console:panel", args=[URL_PLACEHOLDER]),
        "macroUrl": reverse("chat_console:macro", args=[URL_PLACEHOLDER, 0]),
        "languages": dict(settings.LANGUAGES),
        "statuses": dict(ConversationStatus.choices),
        "agents": {str(agent.pk): agent.get_full_name() or agent.email for agent in agents},
        "strings": _strings(),
    }
