"""The ticket page's timeline: messages as they were written, every other event as one line."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import EventKind, Message, Priority, Status, TicketEvent

# Events shown as the message they carry; a macro's reply already shows as its own "replied" event.
MESSAGE_KINDS = {EventKind.CREATED, EventKind.REPLIED, EventKind.NOTE}
TARGET_LABELS = {
    "first_response": gettext_lazy("First response"),
    "next_response": gettext_lazy("Next response"),
    "resolution": gettext_lazy("Resolution"),
}


@dataclass(frozen=True)
class TimelineEntry:
    event: TicketEvent
    message: Message | None
    line: SafeString


def _actor(event: TicketEvent) -> SafeString:
    if event.actor_user_id:
        return format_html("<bdi>{}</bdi>", event.actor_user)
    if event.actor_customer_id:
        return format_html("<bdi>{}</bdi>", event.actor_customer)
    return format_html("{}", _("The helpdesk"))


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _bdi(value) -> SafeString:
    return format_html("<bdi>{}</bdi>", value)


def _ticket_link(data: dict) -> SafeString:
    number = data.get("other", data.get("ticket"))
    if not isinstance(number, int):
        return format_html("<bdi>{}</bdi>", data.get("subject", ""))
    url = reverse("inbox:detail", kwargs={"pk": number})
    return format_html(
        '<a href="{}"><span class="ltr">#{}</span> <bdi>{}</bdi></a>', url, number, data.get("subject", "")
    )


def _tags(names) -> SafeString:
    return format_html_join(", ", "<bdi>{}</bdi>", ((name,) for name in names or ()))


def _change(template: str, actor, choices, data) -> SafeString:
    return format_html(
        template, actor=actor, old=_label(choices, data.get("from")), new=_label(choices, data.get("to"))
    )


def _tags_line(actor, data) -> SafeString:
    added, removed = data.get("added") or [], data.get("removed") or []
    if added and removed:
        return format_html(
            _("{actor} added the tags {added} and removed {removed}"),
            actor=actor,
            added=_tags(added),
            removed=_tags(removed),
        )
    if added:
        return format_html(_("{actor} added the tags {added}"), actor=actor, added=_tags(added))
    return format_html(_("{actor} removed the tags {removed}"), actor=actor, removed=_tags(removed))


def _sla_line(kind: str, data: dict) -> SafeString:
    target = TARGET_LABELS.get(data.get("target", "")) or _("SLA target")
    if kind == EventKind.SLA_BREACH:
        return format_html(_("{target}: the SLA target was missed"), target=target)
    return format_html(_("{target}: the SLA target is due soon"), target=target)


def event_line(event: TicketEvent) -> SafeString:
    """One sentence saying what happened, with every user-written name isolated in <bdi>."""
    actor, data, kind = _actor(event), event.data or {}, event.kind
    if kind == EventKind.CREATED:
        return format_html(_("{actor} opened the ticket"), actor=actor)
    if kind == EventKind.REPLIED:
        return format_html(_("{actor} replied"), actor=actor)
    if kind == EventKind.NOTE:
        return format_html(_("{actor} added an internal note"), actor=actor)
    if kind == EventKind.ASSIGNED:
        if data.get("to"):
            return format_html(_("{actor} assigned the ticket to {to}"), actor=actor, to=_bdi(data["to"]))
        return format_html(_("{actor} unassigned the ticket"), actor=actor)
    if kind == EventKind.TEAM:
        if data.get("to"):
            return format_html(_("{actor} moved the ticket to the team {to}"), actor=actor, to=_bdi(data["to"]))
        return format_html(_("{actor} removed the ticket from its team"), actor=actor)
    if kind == EventKind.STATUS:
        return _change(_("{actor} changed the status from {old} to {new}"), actor, Status, data)
    if kind == EventKind.PRIORITY:
        return _change(_("{actor} changed the priority from {old} to {new}"), actor, Priority, data)
    if kind == EventKind.TAGS:
        return _tags_line(actor, data)
    if kind == EventKind.ORDER:
        if data.get("order"):
            order = format_html('<bdi class="ltr">{}</bdi>', data["order"])
            return format_html(_("{actor} linked the order {order}"), actor=actor, order=order)
        return format_html(_("{actor} unlinked the order"), actor=actor)
    if kind == EventKind.MERGED:
        return format_html(_("{actor} merged this ticket into {ticket}"), actor=actor, ticket=_ticket_link(data))
    if kind == EventKind.MERGED_FROM:
        return format_html(_("{actor} merged {ticket} into this ticket"), actor=actor, ticket=_ticket_link(data))
    if kind == EventKind.MACRO:
        return format_html(_("{actor} applied the macro {macro}"), actor=actor, macro=_bdi(data.get("macro", "")))
    if kind in (EventKind.SLA_WARNING, EventKind.SLA_BREACH):
        return _sla_line(kind, data)
    return format_html("{}", _label(EventKind, kind))


def timeline_entries(events) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            event=event,
            message=event.message if event.kind in MESSAGE_KINDS else None,
            line=event_line(event),
        )
        for event in events
    ]
