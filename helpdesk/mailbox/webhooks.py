"""Inbound email from a provider through django-anymail: Mailgun's signed webhook, refused once stale.

Anymail checks Mailgun's HMAC signature in constant time; the view below also refuses a signature
older than HELPDESK_EMAIL_WEBHOOK_MAX_AGE seconds, so a captured request cannot be replayed later
(a replay inside the window changes nothing: ingestion is keyed by Message-ID). Every provider's
inbound signal lands in `on_inbound`, which feeds the same `email_ingest` as `manage.py ingest_email`.
"""

import logging
import time

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.conf import settings
from django.http import Http404

from .ingest import EmailTooLarge, email_ingest
from .parse import UnreadableEmail

logger = logging.getLogger(__name__)


class FreshMailgunInboundView(MailgunInboundWebhookView):
    def validate_request(self, request):  # anymail runs every validate_request in the class chain
        try:
            signed_at = int(request.POST["timestamp"])
        except (KeyError, ValueError):
            raise AnymailWebhookValidationFailure("Mailgun webhook called without a timestamp") from None
        if abs(time.time() - signed_at) > settings.HELPDESK_EMAIL_WEBHOOK_MAX_AGE:
            raise AnymailWebhookValidationFailure("Mailgun webhook signature has expired")


def mailgun_inbound(request, *args, **kwargs):
    """The Mailgun route's forward() target; 404 until MAILGUN_WEBHOOK_SIGNING_KEY is set."""
    if not settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY"):
        raise Http404
    return FreshMailgunInboundView.as_view()(request, *args, **kwargs)


def on_inbound(sender, event, esp_name, **kwargs):
    """anymail.signals.inbound receiver. Database errors propagate: the provider then retries."""
    message = event.message
    try:
        result = email_ingest(message.as_bytes(), envelope_recipient=message.envelope_recipient or "")
    except (EmailTooLarge, UnreadableEmail) as error:
        logger.warning("Inbound email from %s not accepted: %r", esp_name, error)
        return
    logger.info("Inbound email from %s: %s %s", esp_name, result.outcome, result.reason)
