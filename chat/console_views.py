"""The agents' chat console: the page, and the small endpoints its script calls about one chat.

The chat itself travels over the agent's socket (chat/consumers/agent.py); these views serve
what a socket frame should not carry: the customer panel, canned replies, and converting a
chat to a ticket. Only the chat's assignee, or a manager, may call them about a chat.
"""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from helpdesk.accounts.decorators import staff_permission_required
from helpdesk.accounts.roles import is_manager
from helpdesk.core.dates import to_persian_digits
from helpdesk.tickets.errors import TicketError
from helpdesk.tickets.macros import macro_text_for, placeholder_values, placeholders_fill
from helpdesk.tickets.models import Macro
from helpdesk.tickets.requests import ticket_request_submit
from helpdesk.tickets.selectors import customer_panel
from helpdesk.tickets.staff.pickers import agents_for_assignment, macros_active

from .botflow import SUBJECT_CHARS
from .console_config import console_config
from .console_forms import ConvertForm
from .errors import ChatError
from .models import AuthorKind, ChatMessage, Conversation, ConversationStatus
from .selectors import chat_queue, conversation_for_console
from .services import chat_to_ticket
from .transcript import chat_transcript_text

VIEW_PERMISSION = "chat.view_conversation"


def wait_text(seconds: int | None) -> str:
    """A wait as a clock, `1:05` or `1:02:05`, in the page's digits (the script keeps it ticking the same way)."""
    seconds = max(0, seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"
    return to_persian_digits(text) if translation.get_language() == "fa" else text


@require_safe
@staff_permission_required(VIEW_PERMISSION)
def console(request):
    agents = agents_for_assignment()
    queue = chat_queue(agent=request.user)
    languages = dict(settings.LANGUAGES)
    for item in queue:
        item["wait_text"] = wait_text(item["waiting_seconds"])
        item["language"] = languages.get(item["locale"], item["locale"])
    context = {
        "waiting": [item for item in queue if item["status"] == ConversationStatus.WAITING],
        "mine": [item for item in queue if item["status"] != ConversationStatus.WAITING],
        "colleagues": [agent for agent in agents if agent.pk != request.user.pk],
        "macros": macros_active(),
        "config": console_config(request, agents=agents),
    }
    return render(request, "chat/console/console.html", context)


def chat_or_404(request, public_id) -> Conversation:
    """The chat, if the signed-in agent holds it or is a manager; otherwise nobody learns it exists."""
    conversation = conversation_for_console(public_id=public_id, agent=request.user, any_agent=is_manager(request.user))
    if conversation is None:
        raise Http404
    return conversation


def default_subject(conversation: Conversation) -> str:
    """The visitor's first own words (not a button they pressed), shortened; else a neutral subject."""
    said = ChatMessage.objects.filter(conversation=conversation, author_kind=AuthorKind.VISITOR).order_by("seq")
    for body, payload in said.values_list("body", "payload")[:20]:
        if not (payload or {}).get("button"):
            text = " ".join(body.split())
            return text if len(text) <= SUBJECT_CHARS else text[: SUBJECT_CHARS - 1].rstrip() + "…"
    return _("Message from the chat")


def _panel(request, conversation: Conversation, *, form=None, status: int = 200, **extra):
    customer = conversation.customer
    context = {
        "conversation": conversation,
        "customer": customer,
        "panel": customer_panel(customer, exclude_ticket=conversation.ticket) if customer else None,
        "form": form or ConvertForm(initial={"subject": default_subject(conversation)}),
        "error": "",
        "notice": "",
    } | extra
    return render(request, "chat/console/_panel.html", context, status=status)


@require_safe
@staff_permission_required(VIEW_PERMISSION)
def panel(request, public_id):
    return _panel(request, chat_or_404(request, public_id))


def chat_macro_values(conversation: Conversation, agent) -> dict[str, str]:
    """What each macro placeholder stands for in this chat (the customer's latest order is the order)."""
    customer = conversation.customer
    order = customer.orders.order_by("-placed_at").only("external_id").first() if customer else None
    number = str(conversation.ticket_id or "")
    return placeholder_values(customer=customer, order=order, ticket_number=number, agent=agent)


@require_safe
@staff_permission_required(VIEW_PERMISSION)
def macro_text(request, public_id, pk: int):
    """The canned reply in the chat's language, placeholders filled, for the reply box."""
    conversation = chat_or_404(request, public_id)
    macro = Macro.objects.filter(pk=pk, active=True).prefetch_related("texts").first()
    if macro is None:
        raise Http404
    text = macro_text_for(macro, conversation.locale)
    body = placeholders_fill(text.body, chat_macro_values(conversation, request.user)) if text else ""
    return JsonResponse({"body": body})


def _convert(conversation: Conversation, subject: str) -> dict:
    """Open the ticket (or, for an address the visitor only typed, ask them to confirm it); say what happened."""
    with translation.override(conversation.locale):
        body = chat_transcript_text(conversation, subject)
    if conversation.customer_id is not None:
        return {"ticket": chat_to_ticket(conversation=conversation, subject=subject, body=body)}
    if conversation.email:
        # An unproven address gets the web form's confirmation link: the chat cannot write to a stranger's inbox.
        ticket_request_submit(email=conversation.email, name="", subject=subject, body=body, locale=conversation.locale)
        notice = _("We've emailed %(email)s a link. The ticket opens once they confirm their address.")
        return {"notice": notice % {"email": conversation.email}}
    return {
        "error": _(
            "This visitor is anonymous and gave no email address, so a ticket would reach no one. "
            "Ask them for their email address, or to sign in, first."
        )
    }


@require_POST
@staff_permission_required("tickets.add_ticket")
def to_ticket(request, public_id):
    """Turn the chat into a ticket with its transcript; answer with the refreshed panel."""
    conversation = chat_or_404(request, public_id)
    form = ConvertForm(request.POST)
    if conversation.ticket_id is not None:
        return _panel(request, conversation, error=_("This chat is already a ticket."), status=409)
    if not form.is_valid():
        return _panel(request, conversation, form=form, status=400)
    try:
        outcome = _convert(conversation, form.cleaned_data["subject"])
    except (ChatError, TicketError) as refused:
        return _panel(request, conversation, form=form, error=refused.message, status=400)
    if "error" in outcome:
        return _panel(request, conversation, form=form, error=outcome["error"], status=400)
    return _panel(request, conversation, **outcome)
