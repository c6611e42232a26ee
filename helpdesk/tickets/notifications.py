"""Emails about a ticket, sent by the task worker: to the customer in the ticket's language, and to the
assignee who asked for them in theirs. helpdesk/mailbox/outbound.py threads them and signs the
address a reply goes to."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from helpdesk.mailbox.outbound import send_ticket_email

from .models import Channel, Message, Ticket

KINDS = ("received", "replied", "solved")


def _context(ticket: Ticket, message: Message | None, url: str) -> dict:
    return {
        "ticket": ticket,
        "customer": ticket.customer,
        "message": message,
        "url": url,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "direction": "rtl" if translation.get_language_bidi() else "ltr",
        "language": translation.get_language(),
    }


def _automatic(ticket: Ticket, kind: str) -> str:
    if kind == "replied":
        return ""
    # RFC 3834: an acknowledgement of the customer's own email is an auto-reply.
    return "auto-replied" if kind == "received" and ticket.channel == Channel.EMAIL else "auto-generated"


@task()
def ticket_email(*, ticket_id: int, kind: str, message_id: int | None) -> bool:
    """Send the customer the `kind` email about their ticket; False when there is nothing to send."""
    ticket = Ticket.objects.select_related("customer").filter(pk=ticket_id).first()
    if ticket is None or kind not in KINDS or not ticket.customer.email:
        return False
    message = Message.objects.filter(pk=message_id, ticket=ticket, public=True).first() if message_id else None
    with translation.override(ticket.locale):
        url = settings.SITE_URL + reverse("tickets:portal_detail", kwargs={"public_id": ticket.public_id})
        send_ticket_email(
            ticket=ticket,
            kind=kind,
            template=f"tickets/email/{kind}",
            context=_context(ticket, message, url),
            recipient=ticket.customer.email,
            name=ticket.customer.name,
            automatic=_automatic(ticket, kind),
        )
    return True


@task()
def assignee_email(*, ticket_id: int, message_id: int) -> bool:
    """Email the assignee the customer's new message; replying to it answers the customer."""
    ticket = Ticket.objects.select_related("customer", "assignee").filter(pk=ticket_id).first()
    message = Message.objects.filter(pk=message_id, ticket_id=ticket_id, public=True).first()
    assignee = ticket.assignee if ticket else None
    if message is None or assignee is None or not assignee.ticket_emails or not assignee.is_active:
        return False
    with translation.override(assignee.preferred_language or settings.LANGUAGE_CODE):
        url = settings.SITE_URL + reverse("inbox:detail", kwargs={"pk": ticket.pk})
        send_ticket_email(
            ticket=ticket,
            kind="assignee",
            template="tickets/email/assignee",
            context={**_context(ticket, message, url), "agent": assignee},
            recipient=assignee.email,
            name=assignee.get_full_name(),
            user=assignee,
        )
    return True
