import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from helpdesk.core.models import ChoiceLabels
from helpdesk.customers.models import Customer
from helpdesk.orders.models import Order
from helpdesk.sla.choices import Channel, Priority

from .storage import attachment_storage, attachment_upload_to

__all__ = ["Channel", "Priority"]

# Tickets without a running SLA target sort after every real due time.
NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "New")
    OPEN = "open", pgettext_lazy("ticket status", "Open")
    PENDING = "pending", pgettext_lazy("ticket status", "Pending")
    ON_HOLD = "on_hold", pgettext_lazy("ticket status", "On hold")
    SOLVED = "solved", pgettext_lazy("ticket status", "Solved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")


UNSOLVED = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
DONE = (Status.SOLVED, Status.CLOSED)


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.SlugField(_("name"), max_length=50, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Ticket(ChoiceLabels, models.Model):
    """A customer's request and everything that happened to it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=200)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    locale = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    created_at = models.DateTimeField(_("created"), db_index=True)
    updated_at = models.DateTimeField(_("updated"))
    # Kept on the row so an inbox page needs no join to messages.
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    last_message_snippet = models.CharField(max_length=200, blank=True)
    search_text = models.TextField(blank=True, editable=False)

    # SLA figures, derived from the stored timestamps by helpdesk.tickets.sla_sync.
    sla_policy = models.ForeignKey("sla.SlaPolicy", on_delete=models.SET_NULL, null=True, blank=True)
    sla_due_at = models.DateTimeField(_("next SLA due"), default=NO_DUE)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    next_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True)
    first_response_business_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_business_seconds = models.PositiveIntegerField(null=True, blank=True)
    first_response_breached = models.BooleanField(default=False)
    next_response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    sla_breached = models.BooleanField(_("SLA breached"), default=False)
    sla_paused = models.BooleanField(default=False)
    # The due time agents were last warned about / alerted of, so each due time alerts once.
    sla_warned_for = models.DateTimeField(null=True, blank=True)
    sla_breach_alerted_for = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["search_text", "last_message_snippet", "updated_at"])

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["sla_due_at", "id"]
        indexes = [
            # Covers the inbox counts too: every view's condition is in the index.
            models.Index(
                fields=["status", "sla_due_at", "id", "assignee", "sla_breached", "merged_into"],
                name="ticket_status_due",
            ),
            models.Index(fields=["assignee", "status", "sla_due_at", "id"], name="ticket_assignee_due"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_created"),
            models.Index(fields=["sla_due_at", "id"], name="ticket_due"),
            # The SLA report's volume and backlog count tickets opened and solved by day, merged ones left out.
            models.Index(fields=["created_at"], condition=Q(merged_into__isnull=True), name="ticket_created_live"),
            models.Index(fields=["solved_at"], condition=Q(merged_into__isnull=True), name="ticket_solved_live"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in UNSOLVED


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", pgettext_lazy("message author", "Customer")
    AGENT = "agent", pgettext_lazy("message author", "Agent")
    SYSTEM = "system", pgettext_lazy("message author", "System")


class Message(ChoiceLabels, models.Model):
    """A public reply or an internal note on a ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=AuthorKind.choices)
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    public = models.BooleanField(default=True)
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    email_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="message_ticket_created")]

    def __str__(self):
        return f"{self.ticket_id}: {self.body[:40]}"


class Attachment(models.Model):
    """A file sent with a message; always served as a download."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=attachment_storage, upload_to=attachment_upload_to, max_length=300)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    REPLIED = "replied", _("Replied")
    NOTE = "note", _("Internal note")
    ASSIGNED = "assigned", _("Assigned")
    TEAM = "team", _("Team changed")
    STATUS = "status", _("Status changed")
    PRIORITY = "priority", _("Priority changed")
    TAGS = "tags", _("Tags changed")
    ORDER = "order", _("Order linked")
    MERGED = "merged", _("Merged")
    MERGED_FROM = "merged_from", _("Merged from another ticket")
    MACRO = "macro", _("Macro applied")
    SLA_WARNING = "sla_warning", _("SLA due soon")
    SLA_BREACH = "sla_breach", _("SLA breached")


class TicketEvent(models.Model):
    """What happened to a ticket and who did it; the ticket page's timeline."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    actor_customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="event_ticket_created")]

    def __str__(self):
        return f"{self.ticket_id} {self.kind}"


class Macro(models.Model):
    """A canned reply, per language, that can also set status, priority and tags."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    set_status = models.CharField(_("set status"), max_length=10, choices=Status.choices, blank=True)
    set_priority = models.CharField(_("set priority"), max_length=10, choices=Priority.choices, blank=True)
    add_tags = models.ManyToManyField(Tag, verbose_name=_("add tags"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(m2m_fields=[add_tags])

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MacroText(models.Model):
    macro = models.ForeignKey(Macro, on_delete=models.CASCADE, related_name="texts")
    locale = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    body = models.TextField(
        _("reply"),
        help_text=_("Placeholders: {first_name}, {customer_name}, {order_number}, {ticket_number}, {agent_name}."),
    )

    class Meta:
        verbose_name = _("macro text")
        verbose_name_plural = _("macro texts")
        constraints = [models.UniqueConstraint(fields=["macro", "locale"], name="macro_text_locale_unique")]

    def __str__(self):
        return f"{self.macro} ({self.locale})"


class TicketRequest(models.Model):
    """A ticket asked for by someone not signed in; it becomes a ticket once the email is confirmed."""

    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    locale = models.CharField(max_length=8, choices=settings.LANGUAGES)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    ticket = models.OneToOneField(Ticket, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("unconfirmed ticket request")
        verbose_name_plural = _("unconfirmed ticket requests")

    def __str__(self):
        return f"{self.email}: {self.subject}"
