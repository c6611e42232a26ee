"""Macros: canned replies with placeholders, per language, that can also set status, priority and tags."""

from string import Formatter

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from helpdesk.accounts.roles import is_agent

from . import broadcast
from .errors import TicketError, TicketErrorCode
from .models import EventKind, Macro, MacroText, Message, Status, Ticket, TicketEvent
from .services import ticket_reply, ticket_set_priority, ticket_set_status, ticket_tag

PLACEHOLDERS = ("first_name", "customer_name", "order_number", "ticket_number", "agent_name")


def placeholder_values(*, customer, order, ticket_number: str, agent) -> dict[str, str]:
    """What each placeholder stands for, wherever a canned reply is used (a ticket, a chat)."""
    name = customer.name.strip() if customer is not None else ""
    return {
        "first_name": name.split()[0] if name else "",
        "customer_name": name,
        "order_number": order.external_id if order is not None else "",
        "ticket_number": ticket_number,
        "agent_name": (agent.get_full_name() or agent.email) if agent is not None else "",
    }


def macro_values(*, ticket: Ticket, agent) -> dict[str, str]:
    """What each placeholder stands for on this ticket."""
    order = ticket.order if ticket.order_id else None
    return placeholder_values(customer=ticket.customer, order=order, ticket_number=str(ticket.pk), agent=agent)


def placeholders_fill(text: str, values: dict[str, str]) -> str:
    """Replace `{name}` placeholders; anything else (unknown names, `{a.b}`, `{a[0]}`, format specs) stays as typed."""
    try:
        parts = list(Formatter().parse(text))
    except ValueError:  # an unmatched brace: the text is not a template, so it is sent as written
        return text
    out = []
    for literal, field, spec, conversion in parts:
        out.append(literal)
        if field is None:
            continue
        if field in values and not spec and not conversion:
            out.append(values[field])
        else:
            # Never evaluated: attribute and index lookups would reach into Python objects.
            out.append("{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return "".join(out)


def macro_text_for(macro: Macro, locale: str) -> MacroText | None:
    """The macro's text in the ticket's language, else in English, else in any language it has."""
    texts = {text.locale: text for text in macro.texts.all()}
    for candidate in (locale, settings.LANGUAGE_CODE, "en"):
        if candidate in texts:
            return texts[candidate]
    return next(iter(sorted(texts.values(), key=lambda text: text.locale)), None)


def macro_render(*, macro: Macro, ticket: Ticket, agent) -> str:
    """The macro's reply for this ticket with its placeholders filled ("" when it has no text)."""
    text = macro_text_for(macro, ticket.locale)
    return placeholders_fill(text.body, macro_values(ticket=ticket, agent=agent)) if text else ""


@transaction.atomic
def ticket_apply_macro(*, ticket: Ticket, macro: Macro, by, body_override: str = "") -> Message | None:
    """Send the macro's reply (or the agent's edit of it) and apply its status, priority and tags.

    A macro without text in any language only changes the ticket; then no message is returned.
    """
    if not is_agent(by):
        raise TicketError(TicketErrorCode.NOT_STAFF)
    if not macro.active:
        raise TicketError(TicketErrorCode.MACRO_INACTIVE)
    body = body_override.strip() or macro_render(macro=macro, ticket=ticket, agent=by)
    # The reply's status step cannot reopen a ticket as "new"; such a macro leaves the status alone.
    status = macro.set_status if macro.set_status != Status.NEW else ""
    message = None
    if body:
        message = ticket_reply(ticket=ticket, body=body, by=by, status=status)
    elif status:
        ticket_set_status(ticket=ticket, status=status, by=by)
    if macro.set_priority:
        ticket_set_priority(ticket=ticket, priority=macro.set_priority, by=by)
    tags = [tag.name for tag in macro.add_tags.all()]
    if tags:
        ticket_tag(ticket=ticket, by=by, add=tags)
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.MACRO,
        actor_user=by,
        message=message,
        data={"macro": macro.name, "macro_id": macro.pk},
        created_at=timezone.now(),
    )
    broadcast.on_commit(event)
    return message
