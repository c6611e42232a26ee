"""The ticket page's timeline written in Python gives the markup its template gave."""
# ruff: noqa: E501 (the template as it was, line for line)

import re
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import engines
from django.utils import translation

from helpdesk.tickets import services
from helpdesk.tickets.models import Priority, Status
from helpdesk.tickets.selectors import ticket_timeline
from helpdesk.tickets.staff.timeline import timeline_entries
from helpdesk.tickets.staff.timeline_html import timeline_html

pytestmark = pytest.mark.django_db

# templates/tickets/staff/_timeline.html before the timeline moved to Python, kept to compare with.
TEMPLATE = """{% load i18n helpdesk %}<ol class="timeline">
  {% for entry in entries %}{% with event=entry.event message=entry.message %}
    {% if message %}
      <li class="entry message author-{{ message.author_kind }}{% if not message.public %} note{% endif %}" id="event-{{ event.pk }}">
        <article aria-labelledby="event-{{ event.pk }}-head">
          <header id="event-{{ event.pk }}-head" class="entry-head">
            {% if not message.public %}<strong class="note-label">{% translate "Internal note" %}</strong>{% endif %}
            <span>{{ entry.line }}</span>
            <time datetime="{{ event.created_at|date:'c' }}">{{ event.created_at|localdate:"time" }}</time>
            {% if message.channel != "web" %}<span class="via">{% blocktranslate with channel=message.get_channel_display %}via {{ channel }}{% endblocktranslate %}</span>{% endif %}
          </header>
          <div class="message-body" lang="{{ ticket.locale }}" dir="auto">{{ message.body_html|safe }}</div>
          {% with attachments=message.attachments.all %}{% if attachments %}
            <ul class="attachments" aria-label="{% translate 'Attachments' %}">
              {% for attachment in attachments %}
                <li><a href="{% url 'inbox:attachment' attachment.public_id %}" download><bdi>{{ attachment.filename }}</bdi></a> <span class="size">({{ attachment.size|filesizeformat }})</span></li>
              {% endfor %}
            </ul>
          {% endif %}{% endwith %}
        </article>
      </li>
    {% else %}
      <li class="entry event kind-{{ event.kind }}" id="event-{{ event.pk }}">
        <span>{{ entry.line }}</span>
        <time datetime="{{ event.created_at|date:'c' }}">{{ event.created_at|localdate:"time" }}</time>
      </li>
    {% endif %}
  {% endwith %}{% empty %}
    <li class="entry event">{% translate "Nothing has happened on this ticket yet." %}</li>
  {% endfor %}
</ol>"""


def _normalised(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def _both(ticket) -> tuple[str, str]:
    entries = timeline_entries(ticket_timeline(ticket))
    old = engines["django"].from_string(TEMPLATE).render({"entries": entries, "ticket": ticket})
    new = f'<ol class="timeline">{timeline_html(entries, locale=ticket.locale)}</ol>'
    return _normalised(old), _normalised(new)


@pytest.mark.parametrize("language", ["en", "fa", "ar"])
def test_a_busy_timeline_renders_as_the_template_did(customer_reza, agent_sara, language):
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 11, 16, 10, 0, tzinfo=UTC)):
        ticket = services.ticket_create(
            customer=customer_reza, subject="سفارش من کجاست؟", body="سفارش <b>ORD-1</b> & هنوز نرسیده", channel="email"
        )
        services.ticket_reply(ticket=ticket, body="We are **on it**.", by=agent_sara)
        services.ticket_add_note(
            ticket=ticket,
            body="Check with <the> courier",
            by=agent_sara,
            attachments=[SimpleUploadedFile("label <1>.pdf", b"%PDF-1.4 x" * 300, content_type="application/pdf")],
        )
        services.ticket_set_priority(ticket=ticket, priority=Priority.URGENT, by=agent_sara)
        services.ticket_tag(ticket=ticket, by=agent_sara, add=["late", "refund"])
        services.ticket_set_status(ticket=ticket, status=Status.PENDING, by=agent_sara)

    with translation.override(language):
        old, new = _both(ticket)

    assert new == old
    assert new.count('class="entry message') == 3 and 'class="attachments"' in new and "kind-priority" in new


def test_an_empty_timeline_says_so(customer_reza):
    ticket = services.ticket_create(customer=customer_reza, subject="Hello", body="Hi")
    ticket.events.all().delete()

    old, new = _both(ticket)

    assert new == old and "Nothing has happened on this ticket yet." in new
