"""Surveys sent to customers, their one answer each, and the settings managers keep.

A survey row exists from the moment one is due (scheduled) so the fatigue rule and the
reports see it; the link token is made when the email goes out and only its hash is kept.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helpdesk.core.models import NamedInLanguages
from helpdesk.credits.models import MONEY, CreditEntry, CreditReason
from helpdesk.customers.models import Customer
from helpdesk.orders.models import Order
from helpdesk.sla.choices import Channel, Priority
from helpdesk.tickets.models import Ticket

NPS_MAX = 10
CSAT_MAX = 5


class RatingScale(models.TextChoices):
    FIVE = "five", _("1 to 5 stars")
    BINARY = "binary", _("Good or bad")


class SurveySettings(models.Model):
    """The one row of survey settings; every change is kept in its history."""

    post_purchase_enabled = models.BooleanField(_("send post-purchase surveys"), default=True)
    post_purchase_delay_days = models.PositiveSmallIntegerField(
        _("days after delivery"),
        default=3,
        validators=[MaxValueValidator(90)],
        help_text=_("How long after an order is delivered its survey goes out."),
    )
    fatigue_days = models.PositiveSmallIntegerField(
        _("quiet days between surveys"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("A customer who was sent a survey this recently is not sent a post-purchase survey."),
    )
    link_valid_days = models.PositiveSmallIntegerField(
        _("days a survey link works"), default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    ticket_rating_enabled = models.BooleanField(_("ask for a rating when a ticket is solved"), default=True)
    ticket_rating_delay_hours = models.PositiveSmallIntegerField(
        _("hours after a ticket is solved"),
        default=24,
        validators=[MaxValueValidator(720)],
        help_text=_("Reopened tickets are not asked about until they are solved again."),
    )
    rating_scale = models.CharField(
        _("rating scale"), max_length=10, choices=RatingScale.choices, default=RatingScale.FIVE
    )
    nps_question = models.CharField(_("NPS question (English)"), max_length=300, blank=True)
    nps_question_ar = models.CharField(_("NPS question (Arabic)"), max_length=300, blank=True)
    nps_question_fa = models.CharField(_("NPS question (Persian)"), max_length=300, blank=True)
    csat_question = models.CharField(_("order satisfaction question (English)"), max_length=300, blank=True)
    csat_question_ar = models.CharField(_("order satisfaction question (Arabic)"), max_length=300, blank=True)
    csat_question_fa = models.CharField(_("order satisfaction question (Persian)"), max_length=300, blank=True)
    rating_question = models.CharField(_("support rating question (English)"), max_length=300, blank=True)
    rating_question_ar = models.CharField(_("support rating question (Arabic)"), max_length=300, blank=True)
    rating_question_fa = models.CharField(_("support rating question (Persian)"), max_length=300, blank=True)
    nps_follow_up_at_most = models.PositiveSmallIntegerField(
        _("follow up NPS scores up to"), default=6, validators=[MaxValueValidator(NPS_MAX)]
    )
    csat_follow_up_at_most = models.PositiveSmallIntegerField(
        _("follow up satisfaction ratings up to"),
        default=2,
        validators=[MaxValueValidator(CSAT_MAX)],
        help_text=_("On the good-or-bad scale, bad counts as 1 and good as 5."),
    )
    score_follow_up_priority = models.CharField(
        _("priority of follow-ups for low scores"), max_length=10, choices=Priority.choices, default=Priority.HIGH
    )
    exit_follow_up_priority = models.CharField(
        _("priority of follow-ups for exit reasons"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    winback_enabled = models.BooleanField(_("offer credit to leaving customers"), default=False)
    winback_amount = models.DecimalField(_("win-back credit amount"), default=0, **MONEY)
    winback_currency = models.CharField(_("win-back credit currency"), max_length=3, blank=True)
    winback_reason = models.ForeignKey(
        CreditReason, verbose_name=_("win-back credit reason"), on_delete=models.PROTECT, null=True, blank=True
    )
    exit_intent_enabled = models.BooleanField(
        _("ask visitors leaving the shop's page why"),
        default=False,
        help_text=_(
            "The chat widget asks one question when a visitor's pointer leaves the page, at most once "
            "in 30 days per visitor. Desktop browsers only."
        ),
    )
    exit_intent_question = models.CharField(_("exit-intent question (English)"), max_length=300, blank=True)
    exit_intent_question_ar = models.CharField(_("exit-intent question (Arabic)"), max_length=300, blank=True)
    exit_intent_question_fa = models.CharField(_("exit-intent question (Persian)"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")
        constraints = [
            models.CheckConstraint(condition=Q(winback_amount__gte=0), name="survey_winback_amount_not_negative"),
        ]

    def __str__(self):
        return str(_("Survey settings"))


class ExitReason(NamedInLanguages):
    """Why a customer leaves, from a list managers keep."""

    active = models.BooleanField(_("offered to customers"), default=True)
    offers_winback = models.BooleanField(
        _("offer win-back credit"), default=False, help_text=_("Only when win-back credit is switched on.")
    )
    opens_follow_up = models.BooleanField(_("open a follow-up ticket"), default=False)

    history = HistoricalRecords()

    class Meta(NamedInLanguages.Meta):
        verbose_name = _("exit reason")
        verbose_name_plural = _("exit reasons")


class SurveyKind(models.TextChoices):
    POST_PURCHASE = "post_purchase", _("Post-purchase")
    TICKET = "ticket", _("Ticket rating")
    EXIT = "exit", _("Exit")


class SurveyStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")
    ANSWERED = "answered", _("Answered")


class SkipReason(models.TextChoices):
    FATIGUE = "fatigue", _("Surveyed recently")
    OPTED_OUT = "opted_out", _("Opted out")
    NO_EMAIL = "no_email", _("No email address")
    STALE = "stale", _("Too late to ask")
    REOPENED = "reopened", _("Ticket reopened")
    DISABLED = "disabled", _("Switched off")


class ExitContext(models.TextChoices):
    SUBSCRIPTION_CANCELLED = "subscription_cancelled", _("Cancelled a subscription")
    ACCOUNT_CLOSED = "account_closed", _("Closed the account")
    OTHER = "other", _("Other")


class Survey(models.Model):
    """One survey for one customer, from scheduling to its answer."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=SurveyKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.SCHEDULED)
    skip_reason = models.CharField(_("skipped because"), max_length=10, choices=SkipReason.choices, blank=True)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="surveys")
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.SET_NULL, null=True, blank=True)
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.SET_NULL, null=True, blank=True)
    # Whom a ticket rating counts for: the assignee when the ticket was solved.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.SET_NULL, null=True, blank=True
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    locale = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    context = models.CharField(_("context"), max_length=30, choices=ExitContext.choices, blank=True)
    reference = models.CharField(_("shop reference"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"))
    send_after = models.DateTimeField(_("send after"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(kind="post_purchase"), name="survey_one_per_order"),
            models.UniqueConstraint(fields=["ticket"], condition=Q(kind="ticket"), name="survey_one_per_ticket"),
            models.UniqueConstraint(fields=["token_hash"], condition=~Q(token_hash=""), name="survey_token_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="survey_due"),
            models.Index(fields=["customer", "sent_at"], name="survey_customer_sent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.customer}"


class WouldReturn(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class SurveyResponse(models.Model):
    """The one answer a survey link can give: scores on the first click, the rest when the form is sent."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="response")
    kind = models.CharField(_("kind"), max_length=20, choices=SurveyKind.choices)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.SET_NULL, null=True, blank=True
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    nps = models.PositiveSmallIntegerField(_("NPS score"), null=True, blank=True)
    csat = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    rating_scale = models.CharField(_("rating scale"), max_length=10, choices=RatingScale.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    exit_reasons = models.ManyToManyField(ExitReason, verbose_name=_("exit reasons"), blank=True)
    would_return = models.CharField(_("would come back"), max_length=5, choices=WouldReturn.choices, blank=True)
    follow_up_ticket = models.ForeignKey(
        Ticket, verbose_name=_("follow-up ticket"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    winback_entry = models.ForeignKey(
        CreditEntry, verbose_name=_("win-back credit"), on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(_("answered"), db_index=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(nps__isnull=True) | Q(nps__lte=NPS_MAX), name="survey_nps_range"),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=CSAT_MAX), name="survey_csat_range"
            ),
        ]
        indexes = [models.Index(fields=["kind", "created_at"], name="survey_response_kind_created")]

    def __str__(self):
        return f"{self.survey} · {self.created_at:%Y-%m-%d}"


class SurveyOptOut(models.Model):
    """A customer who asked not to be sent surveys."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="survey_opt_out")
    created_at = models.DateTimeField(_("opted out"))

    class Meta:
        verbose_name = _("survey opt-out")
        verbose_name_plural = _("survey opt-outs")

    def __str__(self):
        return str(self.customer)


class ExitIntentAnswer(models.Model):
    """A visitor about to leave the shop's page said why, in the widget's one-question survey."""

    visitor_hash = models.CharField(max_length=64, db_index=True)  # of the widget's random visitor id
    reason = models.ForeignKey(
        ExitReason, verbose_name=_("reason"), on_delete=models.SET_NULL, null=True, related_name="exit_intent_answers"
    )
    comment = models.TextField(_("comment"), blank=True)
    locale = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    page = models.CharField(_("page"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("answered"), db_index=True)

    class Meta:
        verbose_name = _("exit-intent answer")
        verbose_name_plural = _("exit-intent answers")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.reason or '—'}: {self.comment[:50]}"
