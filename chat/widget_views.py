"""The chat widget's pages: the chat itself (framed by the loader on any shop's site) and the launcher's words."""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from surveys.models import RatingScale
from surveys.selectors import survey_settings

from .frames import PROTOCOL_VERSION
from .services import MAX_BODY, chat_rating_scale

# What chat.js writes on its own; every label the page shows by itself is in the template.
CHAT_STRINGS = {
    "connecting": _("Connecting…"),
    "reconnecting": _("Reconnecting… Anything you write is sent when the connection is back."),
    "status_bot": _("You're chatting with our help bot."),
    "status_waiting": _("Waiting for a person to join. They'll see everything you've written."),
    "status_active": _("You're chatting with %(name)s."),
    "status_ended": _("This chat has ended."),
    "you": _("You"),
    "bot": _("Help bot"),
    "team": _("Support team"),
    "sending": _("Sending…"),
    "not_sent": _("Not sent."),
    "seen": _("Seen"),
    "typing": _("%(name)s is typing…"),
    "joined": _("%(name)s joined the chat."),
    "transferred": _("%(name)s is taking over the chat."),
    "ended": _("The chat has ended."),
    "announce": _("%(name)s: %(text)s"),
    "articles": _("Articles from our help centre"),
    "new_tab": _("(opens in a new tab)"),
    "search_found": _("Articles that match your search:"),
    "search_none": _("No articles match your search. Try other words, or chat with us."),
    "search_failed": _("Search isn't available right now. Please try again in a moment."),
    "rated": _("Thank you for rating this chat. It helps us get better."),
    "failed": _("Something went wrong. Please try again."),
    "reload": _("This chat window is out of date. Please reload the page."),
}

LAUNCHER_STRINGS = {
    "launcher": _("Chat with us"),
    "frame": _("Help chat"),
    "unread": _("New messages"),
    "exit_frame": _("A quick question"),
}


def _strings(table: dict) -> dict:
    return {key: str(text) for key, text in table.items()}


@require_GET
@xframe_options_exempt
def widget(request):
    """The chat window: any shop's page may frame it, since the loader opens it in an iframe there."""
    language = get_language()
    config = {
        "v": PROTOCOL_VERSION,
        "locale": language,
        "socket": "/ws/chat/",
        "search": reverse("api:kb_search"),
        "maxBody": MAX_BODY,
        "strings": _strings(CHAT_STRINGS),
    }
    context = {
        "config": config,
        "bidi": get_language_bidi(),
        "max_body": MAX_BODY,
        "binary_rating": chat_rating_scale() == RatingScale.BINARY,
    }
    return render(request, "chat/widget/chat.html", context)


@require_GET
@cache_control(public=True, max_age=3600)
def launcher_strings(request):
    """The launcher's words in the page's language; a shop's page reads them, so any origin may."""
    # exit_intent: whether the loader may ask a leaving visitor the surveys' exit-intent question.
    words = {**_strings(LAUNCHER_STRINGS), "exit_intent": survey_settings().exit_intent_enabled}
    response = JsonResponse(words, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
