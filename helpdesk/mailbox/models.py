from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Outcome(models.TextChoices):
    CREATED = "created", pgettext_lazy("email outcome", "Opened a ticket")
    REPLIED = "replied", pgettext_lazy("email outcome", "Added to a ticket")
    FOLLOW_UP = "follow_up", pgettext_lazy("email outcome", "Opened a follow-up ticket")
    IGNORED = "ignored", pgettext_lazy("email outcome", "Ignored: sent automatically")
    REJECTED = "rejected", pgettext_lazy("email outcome", "Rejected")


class InboundEmail(models.Model):
    """One email the helpdesk received and what it did with it; the key makes a redelivery a no-op."""

    key = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=255, blank=True)
    sender = models.EmailField(_("sender"), db_index=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_emails"
    )
    size = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(_("received"), db_index=True)

    class Meta:
        verbose_name = _("received email")
        verbose_name_plural = _("received emails")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.sender}: {self.subject}"


class OutboundEmail(models.Model):
    """One email the helpdesk sent about a ticket: its Message-ID is how replies find their ticket."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="outbound_emails")
    message_id = models.CharField(max_length=255, unique=True)
    recipient = models.EmailField()
    recipient_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    kind = models.CharField(max_length=20)
    sent_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("sent email")
        verbose_name_plural = _("sent emails")
        ordering = ["sent_at", "id"]

    def __str__(self):
        return self.message_id
