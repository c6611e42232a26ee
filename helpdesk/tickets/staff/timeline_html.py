"""The ticket page's timeline in HTML, written in Python.

Every ticket page and every live refresh of it draws the whole timeline; through the template
engine each entry cost about 0.3 ms of server time, a third of a 20-message ticket's page. The
markup is what inbox.css, inbox.js and the tests expect (templates/tickets/staff/_timeline.html
wraps it).
"""

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from helpdesk.core.dates import format_local_date

from .timeline import TimelineEntry

MESSAGE = (
    '<li class="entry message author-{author}{note}" id="event-{pk}">'
    '<article aria-labelledby="event-{pk}-head">'
    '<header id="event-{pk}-head" class="entry-head">{note_label}<span>{line}</span> {time}{via}</header>'
    '<div class="message-body" lang="{locale}" dir="auto">{body}</div>{attachments}'
    "</article></li>"
)
EVENT = '<li class="entry event kind-{kind}" id="event-{pk}"><span>{line}</span> {time}</li>'


def _time(moment) -> SafeString:
    return format_html(
        '<time datetime="{}">{}</time>', localtime(moment).isoformat(), format_local_date(moment, with_time=True)
    )


def _attachments(message) -> SafeString | str:
    attachments = message.attachments.all()
    if not attachments:
        return ""
    items = format_html_join(
        "",
        '<li><a href="{}" download><bdi>{}</bdi></a> <span class="size">({})</span></li>',
        (
            (
                reverse("inbox:attachment", args=[attachment.public_id]),
                attachment.filename,
                filesizeformat(attachment.size),
            )
            for attachment in attachments
        ),
    )
    return format_html('<ul class="attachments" aria-label="{}">{}</ul>', _("Attachments"), items)


def entry_html(entry: TimelineEntry, *, locale: str) -> SafeString:
    event, message = entry.event, entry.message
    if message is None:
        return format_html(EVENT, kind=event.kind, pk=event.pk, line=entry.line, time=_time(event.created_at))
    via = ""
    if message.channel != "web":
        via = format_html(
            ' <span class="via">{}</span>', _("via %(channel)s") % {"channel": message.get_channel_display()}
        )
    return format_html(
        MESSAGE,
        author=message.author_kind,
        note="" if message.public else " note",
        pk=event.pk,
        note_label="" if message.public else format_html('<strong class="note-label">{}</strong> ', _("Internal note")),
        line=entry.line,
        time=_time(event.created_at),
        via=via,
        locale=locale,
        body=mark_safe(message.body_html),  # noqa: S308 (stored sanitised: helpdesk/core/sanitize.py)
        attachments=_attachments(message),
    )


def timeline_html(entries: list[TimelineEntry], *, locale: str) -> SafeString:
    if not entries:
        return format_html('<li class="entry event">{}</li>', _("Nothing has happened on this ticket yet."))
    return mark_safe("".join(entry_html(entry, locale=locale) for entry in entries))  # noqa: S308 (format_html parts)
