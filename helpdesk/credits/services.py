"""Write path for goodwill credit: every change to a balance or a request goes through here.

Each function runs in one transaction, locks the customer's account row before touching it,
writes ledger entries (never edits them) and a CreditEvent, and sends its emails on commit.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from helpdesk.accounts.roles import is_agent, is_manager
from helpdesk.customers.models import Customer
from helpdesk.tickets.models import Ticket

from . import ledger, notifications
from .errors import CreditError, CreditErrorCode
from .limits import Over, allowance
from .models import (
    CreditAccount,
    CreditEntry,
    CreditEvent,
    CreditLot,
    CreditReason,
    CreditRequest,
    EntryKind,
    EventKind,
    RequestStatus,
)
from .money import amount_check, currency_check

SYSTEM = "system"


@dataclass(frozen=True)
class GrantOutcome:
    """A grant made at once (`entry`) or waiting for a manager (`request`)."""

    entry: CreditEntry | None = None
    request: CreditRequest | None = None

    @property
    def status(self) -> str:
        return "granted" if self.entry is not None else "pending_approval"


@dataclass(frozen=True)
class Redemption:
    entry: CreditEntry
    replayed: bool


def _event(customer: Customer, kind: EventKind, *, by=None, label: str = "", **links) -> CreditEvent:
    return CreditEvent.objects.create(
        customer=customer, kind=kind, actor_user=by, actor_label=label, created_at=timezone.now(), **links
    )


def _text(value: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CreditError(CreditErrorCode.NOTE_REQUIRED)
    if len(value) > settings.HELPDESK_CREDIT_TEXT_MAX_CHARS:
        raise CreditError(CreditErrorCode.TEXT_TOO_LONG, max=settings.HELPDESK_CREDIT_TEXT_MAX_CHARS)
    return value


def _is_self(user, customer: Customer) -> bool:
    return bool(user.email) and user.email.strip().lower() == customer.email.strip().lower()


def _grant_checks(*, customer, by, reason: CreditReason, expires_at: datetime | None) -> None:
    if by is None or not is_agent(by):
        raise CreditError(CreditErrorCode.NOT_STAFF)
    if _is_self(by, customer):
        raise CreditError(CreditErrorCode.SELF_GRANT)
    if not reason.active:
        raise CreditError(CreditErrorCode.REASON_INACTIVE)
    if expires_at is not None and expires_at <= timezone.now():
        raise CreditError(CreditErrorCode.EXPIRY_IN_PAST)


def _grant_entry(
    *, customer, amount, currency, reason, by, note, message, expires_at, ticket, chat, request=None, label=""
):
    account = ledger.account_lock(customer, currency, create=True)
    entry = ledger.entry_append(
        account,
        EntryKind.GRANT,
        amount,
        actor_user=by,
        actor_label=label or by.get_full_name() or by.email,
        reason=reason,
        note=note,
        ticket=ticket,
        chat=chat,
        expires_at=expires_at,
    )
    ledger.lot_open(entry)
    transaction.on_commit(lambda: notifications.credit_granted_email.enqueue(entry_id=entry.pk, message=message))
    return entry


@transaction.atomic
def credit_grant(
    *,
    customer: Customer,
    amount,
    currency: str,
    reason: CreditReason,
    by,
    note: str = "",
    message: str = "",
    expires_at: datetime | None = None,
    ticket: Ticket | None = None,
    chat=None,
) -> GrantOutcome:
    """Grant credit, or queue it for a manager when it is over the granter's limits."""
    amount, currency = amount_check(amount), currency_check(currency)
    note, message = _text(note), _text(message)
    _grant_checks(customer=customer, by=by, reason=reason, expires_at=expires_at)
    # One granter at a time, so two grants at once cannot both fit the last of a 30-day budget.
    get_user_model().objects.select_for_update().filter(pk=by.pk).first()
    over = allowance(by, currency, timezone.now()).over(amount)
    details = {"note": note, "message": message, "expires_at": expires_at, "ticket": ticket, "chat": chat}
    if over != Over.NOTHING:
        request = CreditRequest.objects.create(
            customer=customer,
            currency=currency,
            amount=amount,
            reason=reason,
            requested_by=by,
            over=over,
            created_at=timezone.now(),
            **details,
        )
        _event(customer, EventKind.REQUESTED, by=by, request=request, note=note)
        transaction.on_commit(lambda: notifications.credit_request_notify.enqueue(request_id=request.pk))
        return GrantOutcome(request=request)
    entry = _grant_entry(customer=customer, amount=amount, currency=currency, reason=reason, by=by, **details)
    _event(customer, EventKind.GRANTED, by=by, entry=entry, note=note)
    return GrantOutcome(entry=entry)


@transaction.atomic
def credit_grant_offer(
    *, customer: Customer, amount, currency: str, reason: CreditReason, offer: str, note: str = ""
) -> CreditEntry:
    """Grant credit the customer accepted from a standing offer managers set up (a win-back offer, say).

    The offer's settings are the managers' decision, kept in their history, so no agent limit applies.
    """
    amount, currency, note = amount_check(amount), currency_check(currency), _text(note)
    entry = _grant_entry(
        customer=customer,
        amount=amount,
        currency=currency,
        reason=reason,
        by=None,
        label=offer,
        note=note,
        message="",
        expires_at=None,
        ticket=None,
        chat=None,
    )
    _event(customer, EventKind.GRANTED, label=offer, entry=entry, note=note)
    return entry


def _pending_locked(request: CreditRequest, by) -> CreditRequest:
    if by is None or not is_manager(by):
        raise CreditError(CreditErrorCode.NOT_MANAGER)
    locked = CreditRequest.objects.select_for_update().select_related("customer", "reason").get(pk=request.pk)
    if locked.status != RequestStatus.PENDING:
        raise CreditError(CreditErrorCode.REQUEST_DECIDED)
    if locked.requested_by_id == by.pk:
        raise CreditError(CreditErrorCode.OWN_REQUEST)
    if _is_self(by, locked.customer):
        raise CreditError(CreditErrorCode.SELF_GRANT)
    return locked


def _decide(request: CreditRequest, by, status: RequestStatus, note: str, grant: CreditEntry | None = None) -> None:
    request.status, request.decided_by, request.decision_note = status, by, note
    request.decided_at, request.grant = timezone.now(), grant
    request.save(update_fields=["status", "decided_by", "decision_note", "decided_at", "grant"])
    kind = EventKind.APPROVED if status == RequestStatus.APPROVED else EventKind.REJECTED
    _event(request.customer, kind, by=by, request=request, entry=grant, note=note)
    transaction.on_commit(lambda: notifications.credit_decision_notify.enqueue(request_id=request.pk))


@transaction.atomic
def credit_request_approve(*, request: CreditRequest, by, note: str = "") -> CreditEntry:
    """Approve a queued grant: the credit is granted as the agent asked, on the manager's word."""
    request = _pending_locked(request, by)
    note = _text(note)
    if request.expires_at is not None and request.expires_at <= timezone.now():
        raise CreditError(CreditErrorCode.EXPIRY_IN_PAST)
    entry = _grant_entry(
        customer=request.customer,
        amount=request.amount,
        currency=request.currency,
        reason=request.reason,
        by=request.requested_by,
        note=request.note,
        message=request.message,
        expires_at=request.expires_at,
        ticket=request.ticket,
        chat=request.chat,
        request=request,
    )
    _decide(request, by, RequestStatus.APPROVED, note, grant=entry)
    return entry


@transaction.atomic
def credit_request_reject(*, request: CreditRequest, by, note: str) -> CreditRequest:
    """Refuse a queued grant; the note tells the agent why."""
    request = _pending_locked(request, by)
    _decide(request, by, RequestStatus.REJECTED, _text(note, required=True))
    return request


def _replay(kind: EntryKind, key: str, digest: str) -> CreditEntry | None:
    earlier = CreditEntry.objects.select_related("account").filter(kind=kind, idempotency_key=key).first()
    if earlier is not None and earlier.request_fingerprint != digest:
        raise CreditError(CreditErrorCode.IDEMPOTENCY_MISMATCH)
    return earlier


def _no_account(customer: Customer, currency: str) -> CreditError:
    held = sorted(customer.credit_accounts.values_list("currency", flat=True))
    if held:
        return CreditError(CreditErrorCode.CURRENCY_MISMATCH, currency=currency, held=", ".join(held))
    return CreditError(CreditErrorCode.INSUFFICIENT_CREDIT, balance="0.00", currency=currency)


@transaction.atomic
def credit_redeem(
    *, customer: Customer, amount, currency: str, order: str, idempotency_key: str, by_label: str
) -> Redemption:
    """Spend credit on an order, once per idempotency key; a replay returns the first redemption.

    The account lock comes first: it orders requests with the same key, so one replay check after
    it is enough, and each redemption costs as few round trips as the ledger allows.
    """
    amount, currency = amount_check(amount), currency_check(currency)
    digest = ledger.fingerprint(customer=customer.external_id, amount=amount, currency=currency, order=order)
    account = ledger.account_lock(customer, currency)
    if earlier := _replay(EntryKind.REDEEM, idempotency_key, digest):
        return Redemption(entry=earlier, replayed=True)
    if account is None:
        raise _no_account(customer, currency)
    now = timezone.now()
    lots = ledger.lots_open(account)
    if any(lot.expires_at is not None and lot.expires_at <= now for lot in lots):
        _expire_locked(account, now)
        lots = ledger.lots_open(account)
    if account.balance < amount:
        raise CreditError(CreditErrorCode.INSUFFICIENT_CREDIT, balance=account.balance, currency=currency)
    entry = ledger.entry_append(
        account,
        EntryKind.REDEEM,
        amount,
        actor_label=by_label,
        order=order,
        idempotency_key=idempotency_key,
        request_fingerprint=digest,
        created_at=now,
    )
    ledger.lots_spend(account, entry, lots)
    _event(customer, EventKind.REDEEMED, label=by_label, entry=entry)
    return Redemption(entry=entry, replayed=False)


@transaction.atomic
def credit_reverse(*, customer: Customer, redemption_id, idempotency_key: str, by_label: str) -> Redemption:
    """Put a redemption's amount back (an order cancelled or refunded), once."""
    digest = ledger.fingerprint(customer=customer.external_id, redemption=redemption_id)
    if earlier := _replay(EntryKind.REVERSE, idempotency_key, digest):
        return Redemption(entry=earlier, replayed=True)
    redemption = (
        CreditEntry.objects.select_related("account")
        .filter(public_id=redemption_id, kind=EntryKind.REDEEM, account__customer=customer)
        .first()
    )
    if redemption is None:
        raise CreditError(CreditErrorCode.NOT_FOUND)
    account = ledger.account_lock(customer, redemption.account.currency)
    if earlier := _replay(EntryKind.REVERSE, idempotency_key, digest):
        return Redemption(entry=earlier, replayed=True)
    if CreditEntry.objects.filter(reverses=redemption).exists():
        raise CreditError(CreditErrorCode.ALREADY_REVERSED)
    entry = ledger.entry_append(
        account,
        EntryKind.REVERSE,
        redemption.amount,
        actor_label=by_label,
        order=redemption.order,
        reverses=redemption,
        idempotency_key=idempotency_key,
        request_fingerprint=digest,
    )
    ledger.lots_restore(redemption)
    _event(customer, EventKind.REVERSED, label=by_label, entry=entry)
    now = timezone.now()
    if ledger.lots_due(account, now).exists():
        _expire_locked(account, now)
    return Redemption(entry=entry, replayed=False)


def _expire_locked(account: CreditAccount, now: datetime) -> list[CreditEntry]:
    entries = ledger.lots_expire(account, now, actor_label=SYSTEM)
    for entry in entries:
        _event(account.customer, EventKind.EXPIRED, label=SYSTEM, entry=entry)
    return entries


def credit_expire_due(*, now: datetime | None = None) -> int:
    """Expire what is left of every grant past its expiry; running it again finds nothing to do."""
    now = now or timezone.now()
    accounts = (
        CreditLot.objects.filter(remaining__gt=0, expires_at__lte=now).values_list("account_id", flat=True).distinct()
    )
    written = 0
    for account_id in list(accounts):
        with transaction.atomic():
            account = CreditAccount.objects.select_related("customer").get(pk=account_id)
            account = ledger.account_lock(account.customer, account.currency)
            written += len(_expire_locked(account, now))
    return written
