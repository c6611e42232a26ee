import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class ConversationStatus(models.TextChoices):
    BOT = "bot", pgettext_lazy("chat status", "With the bot")
    WAITING = "waiting", pgettext_lazy("chat status", "Waiting for an agent")
    ACTIVE = "active", pgettext_lazy("chat status", "With an agent")
    ENDED = "ended", pgettext_lazy("chat status", "Ended")


RATING_MAX = 5


class Conversation(models.Model):
    """One chat between a visitor (maybe a known customer), the bot and agents."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The visitor's random key is a bearer secret kept in their browser; only its hash is stored.
    visitor_key_hash = models.CharField(max_length=64, db_index=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    email = models.EmailField(_("email"), blank=True)
    locale = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.BOT
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    origin = models.URLField(_("page"), max_length=500, blank=True)
    last_seq = models.PositiveIntegerField(default=0)
    visitor_read_seq = models.PositiveIntegerField(default=0)
    agent_read_seq = models.PositiveIntegerField(default=0)
    bot_state = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("started"))
    queued_at = models.DateTimeField(_("asked for a person"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    first_agent_reply_at = models.DateTimeField(null=True, blank=True)
    # Stored with the first agent reply (chat.metrics.first_response_verdict), as tickets store theirs:
    # queued → first reply in business seconds against the chat policy then, and whether it was late
    # (None: no target). Empty for a chat answered without asking for a person.
    first_response_business_seconds = models.PositiveIntegerField(null=True, blank=True)
    first_response_breached = models.BooleanField(null=True, blank=True)
    # Stored when a chat that asked for a person ends with no agent reply (chat.metrics.unanswered_verdict):
    # its business seconds in the queue, with first_response_breached True when that alone was over
    # the target (None: nothing to judge).
    unanswered_business_seconds = models.PositiveIntegerField(null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # The visitor's rating once the chat has ended, for the agent it was with (the assignee).
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "queued_at"], name="chat_queue"),
            models.Index(fields=["created_at"], name="chat_started"),  # the reports' periods
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=RATING_MAX),
                name="chat_rating_range",
            )
        ]

    def __str__(self):
        return f"{self.public_id} ({self.status})"

    @property
    def wait_seconds(self) -> int | None:
        if self.queued_at is None or self.accepted_at is None:
            return None
        return int((self.accepted_at - self.queued_at).total_seconds())


class AuthorKind(models.TextChoices):
    VISITOR = "visitor", pgettext_lazy("chat author", "Visitor")
    BOT = "bot", pgettext_lazy("chat author", "Bot")
    AGENT = "agent", pgettext_lazy("chat author", "Agent")
    SYSTEM = "system", pgettext_lazy("chat author", "System")


class ChatMessage(models.Model):
    """A message in a conversation, numbered in order before anyone is sent it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    author_kind = models.CharField(max_length=10, choices=AuthorKind.choices)
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    body = models.TextField()
    # What the bot attached: article links and buttons (rendered by the widget, never as HTML).
    payload = models.JSONField(default=dict, blank=True)
    # The sender's own id for the message, so a resend after a dropped connection is not stored twice.
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="chat_message_seq_unique"),
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=~models.Q(client_id=""),
                name="chat_message_client_id_unique",
            ),
        ]

    def __str__(self):
        return f"{self.conversation_id}#{self.seq}"


class ChatSettings(models.Model):
    """What managers set for the chat: the bot's greeting, handoff keywords and the hours people answer."""

    greeting_en = models.TextField(_("greeting (English)"), blank=True, help_text=_("Empty: the built-in greeting."))
    greeting_ar = models.TextField(_("greeting (Arabic)"), blank=True, help_text=_("Empty: the built-in greeting."))
    greeting_fa = models.TextField(_("greeting (Persian)"), blank=True, help_text=_("Empty: the built-in greeting."))
    handoff_keywords = models.TextField(
        _("words that call a person"),
        blank=True,
        default="refund\ncomplaint\nاسترداد\nشكوى\nبازگشت وجه\nشکایت",
        help_text=_("One word or phrase per line. A visitor who writes one is handed to a person straight away."),
    )
    calendar = models.ForeignKey(
        "sla.Calendar",
        verbose_name=_("opening hours"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("People answer chats in these hours. Empty: the default business calendar."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chat settings")
        verbose_name_plural = _("chat settings")

    def __str__(self):
        return str(_("Chat settings"))


class PresenceStatus(models.TextChoices):
    ONLINE = "online", pgettext_lazy("agent presence", "Online")
    AWAY = "away", pgettext_lazy("agent presence", "Away")


class AgentPresence(models.Model):
    """An agent's chat availability, renewed by heartbeat; it lapses by itself when the heartbeats stop."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_presence")
    status = models.CharField(max_length=10, choices=PresenceStatus.choices, default=PresenceStatus.ONLINE)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("agent presence")
        verbose_name_plural = _("agent presence")

    def __str__(self):
        return f"{self.user} {self.status}"
