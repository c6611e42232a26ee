"""Emails to the customer about their ticket, in the ticket's language, sent by the task worker."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from helpdesk.core.mail import templated_email

from .models import Message, Ticket

KINDS = ("received", "replied", "solved")


def _context(ticket: Ticket, message: Message | None) -> dict:
    return {
        "ticket": ticket,
        "customer": ticket.customer,
        "message": message,
        "url": settings.SITE_URL + reverse("tickets:portal_detail", kwargs={"public_id": ticket.public_id}),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "direction": "rtl" if translation.get_language_bidi() else "ltr",
        "language": ticket.locale,
    }


@task()
def ticket_email(*, ticket_id: int, kind: str, message_id: int | None) -> bool:
    """Send the customer the `kind` email about their ticket; False when there is nothing to send."""
    ticket = Ticket.objects.select_related("customer").filter(pk=ticket_id).first()
    if ticket is None or kind not in KINDS or not ticket.customer.email:
        return False
    message = Message.objects.filter(pk=message_id, ticket=ticket, public=True).first() if message_id else None
    with translation.override(ticket.locale):
        context = _context(ticket, message)
        templated_email(
            template=f"tickets/email/{kind}",
            context=context,
            to=[ticket.customer.email],
            headers={"Auto-Submitted": "auto-generated"} if kind != "replied" else {},
        ).send()
    return True
