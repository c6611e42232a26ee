"""Goodwill credit as a ledger: append-only entries, a stored balance per customer and currency.

A grant opens a *lot* (what is left of that grant to spend); redemptions draw from the lots that
expire soonest, and remember how much they took from each, so a reversal puts it back where it
came from and expiry removes exactly what was never spent.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helpdesk.core.models import NamedInLanguages
from helpdesk.customers.models import Customer
from helpdesk.tickets.models import Ticket

MONEY = {"max_digits": 14, "decimal_places": 2}


class CreditReason(NamedInLanguages):
    """Why credit is granted, from a list managers keep; names in each language customers read."""

    history = HistoricalRecords()

    class Meta(NamedInLanguages.Meta):
        verbose_name = _("credit reason")
        verbose_name_plural = _("credit reasons")


class CreditAccount(models.Model):
    """One customer's credit in one currency; `balance` always equals the sum of its entries."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_accounts")
    currency = models.CharField(_("currency"), max_length=3)
    balance = models.DecimalField(_("balance"), default=0, **MONEY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("credit account")
        verbose_name_plural = _("credit accounts")
        constraints = [
            models.UniqueConstraint(fields=["customer", "currency"], name="credit_account_one_per_currency"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="credit_balance_never_negative"),
        ]

    def __str__(self):
        return f"{self.customer} {self.balance} {self.currency}"


class EntryKind(models.TextChoices):
    GRANT = "grant", _("Granted")
    REDEEM = "redeem", _("Redeemed")
    REVERSE = "reverse", _("Redemption reversed")
    EXPIRE = "expire", _("Expired")


# How each kind moves the balance.
SIGN = {EntryKind.GRANT: 1, EntryKind.REDEEM: -1, EntryKind.REVERSE: 1, EntryKind.EXPIRE: -1}


class CreditEntry(models.Model):
    """One line of the ledger. Never edited: a correction is another entry."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    balance_after = models.DecimalField(_("balance after"), **MONEY)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=120, blank=True)
    reason = models.ForeignKey(CreditReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    chat = models.UUIDField(_("chat"), null=True, blank=True)
    order = models.CharField(_("order"), max_length=100, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal")
    # NULL (not "") without a key, so the plain unique index below serves lookups on every database.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 (see above)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_entry_amount_positive"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="credit_entry_balance_never_negative"),
            models.UniqueConstraint(fields=["idempotency_key", "kind"], name="credit_entry_idempotency_key_once"),
        ]
        indexes = [
            models.Index(fields=["account", "-created_at", "-id"], name="credit_entry_account_recent"),
            models.Index(fields=["kind", "created_at"], name="credit_entry_kind_created"),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount} {self.account.currency}"

    @property
    def signed_amount(self):
        return self.amount * SIGN[self.kind]


class CreditLot(models.Model):
    """What is left to spend of one grant; bookkeeping beside the ledger, never shown as money."""

    grant = models.OneToOneField(CreditEntry, on_delete=models.PROTECT, related_name="lot")
    account = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="lots")
    remaining = models.DecimalField(**MONEY)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(remaining__gte=0), name="credit_lot_never_negative")]
        indexes = [
            models.Index(
                fields=["expires_at"], condition=Q(remaining__gt=0, expires_at__isnull=False), name="credit_lot_due"
            ),
        ]

    def __str__(self):
        return f"{self.remaining} left of {self.grant_id}"


class CreditAllocation(models.Model):
    """How much one redemption took from one lot, so a reversal can put it back."""

    redemption = models.ForeignKey(CreditEntry, on_delete=models.PROTECT, related_name="allocations")
    lot = models.ForeignKey(CreditLot, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(**MONEY)

    def __str__(self):
        return f"{self.amount} from lot {self.lot_id}"


class LimitRole(models.TextChoices):
    AGENT = "agent", _("Agents")
    MANAGER = "manager", _("Managers")


class CreditLimit(models.Model):
    """How much a role, or one staff member, may grant without approval, per grant and per 30 days."""

    role = models.CharField(_("role"), max_length=10, choices=LimitRole.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="credit_limits",
        verbose_name=_("staff member"),
        help_text=_("Set for one person to override their role's limit."),
    )
    currency = models.CharField(_("currency"), max_length=3)
    per_grant = models.DecimalField(_("per grant"), **MONEY)
    per_30_days = models.DecimalField(_("per 30 days"), **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit limit")
        verbose_name_plural = _("credit limits")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="") & Q(user__isnull=False)) | (~Q(role="") & Q(user__isnull=True)),
                name="credit_limit_role_or_user",
            ),
            models.UniqueConstraint(fields=["role", "currency"], condition=~Q(role=""), name="credit_limit_role_once"),
            models.UniqueConstraint(
                fields=["user", "currency"], condition=Q(user__isnull=False), name="credit_limit_user_once"
            ),
            models.CheckConstraint(condition=Q(per_grant__gte=0, per_30_days__gte=0), name="credit_limit_not_negative"),
        ]

    def __str__(self):
        who = self.user or self.get_role_display()
        return f"{who}: {self.per_grant} / {self.per_30_days} {self.currency}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CreditRequest(models.Model):
    """A grant over the granter's limits, waiting for a manager."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_requests")
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.ForeignKey(CreditReason, on_delete=models.PROTECT, related_name="+", verbose_name=_("reason"))
    note = models.TextField(_("internal note"), blank=True)
    message = models.TextField(_("message to the customer"), blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    chat = models.UUIDField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    over = models.CharField(max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    grant = models.OneToOneField(CreditEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="request")
    created_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit request")
        verbose_name_plural = _("credit requests")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="credit_request_amount_positive")]
        indexes = [models.Index(fields=["status", "created_at"], name="credit_request_status")]

    def __str__(self):
        return f"{self.amount} {self.currency} for {self.customer}"


class EventKind(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REQUESTED = "requested", _("Approval requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REDEEMED = "redeemed", _("Redeemed")
    REVERSED = "reversed", _("Redemption reversed")
    EXPIRED = "expired", _("Expired")


class CreditEvent(models.Model):
    """What happened to a customer's credit and why, in the staff member's words."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    entry = models.ForeignKey(CreditEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    request = models.ForeignKey(CreditRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["customer", "created_at"], name="credit_event_customer")]

    def __str__(self):
        return f"{self.customer_id} {self.kind}"
