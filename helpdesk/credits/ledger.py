"""The ledger's primitives: lock an account, append an entry, spend and restore lots.

Every function here runs inside the caller's transaction, with the account row locked by
`account_lock`; `services.py` is the only caller.
"""

import hashlib
import json
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import OperationalError, connection
from django.db.models import F
from django.utils import timezone

from helpdesk.customers.models import Customer

from .errors import CreditError, CreditErrorCode
from .models import SIGN, CreditAccount, CreditAllocation, CreditEntry, CreditLot, EntryKind


def fingerprint(**request) -> str:
    """A stable digest of what a request asked for, to tell a replay from a reused key."""
    canonical = json.dumps({key: str(value) for key, value in request.items()}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _limit_lock_wait() -> None:
    """Give up on a held row lock after a while instead of queueing forever (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = %s", [f"{settings.HELPDESK_CREDIT_LOCK_WAIT_MS}ms"])


def account_lock(customer: Customer, currency: str, *, create: bool = False) -> CreditAccount | None:
    """Return the customer's account in `currency`, row-locked until the transaction ends."""
    _limit_lock_wait()
    try:
        if create:
            CreditAccount.objects.get_or_create(customer=customer, currency=currency)
        return CreditAccount.objects.select_for_update().filter(customer=customer, currency=currency).first()
    except OperationalError as error:  # a lock wait ran out (PostgreSQL) or the database was locked (SQLite)
        raise CreditError(CreditErrorCode.BUSY) from error


def entry_append(account: CreditAccount, kind: EntryKind, amount: Decimal, **fields) -> CreditEntry:
    """Move the balance by one entry; the conditional update refuses to go below zero."""
    delta = amount * SIGN[kind]
    moved = CreditAccount.objects.filter(pk=account.pk, balance__gte=-delta).update(
        balance=F("balance") + delta, updated_at=timezone.now()
    )
    if not moved:
        raise CreditError(CreditErrorCode.INSUFFICIENT_CREDIT, balance=account.balance, currency=account.currency)
    account.balance += delta
    fields.setdefault("created_at", timezone.now())
    return CreditEntry.objects.create(
        account=account, kind=kind, amount=amount, balance_after=account.balance, **fields
    )


def lot_open(grant: CreditEntry) -> CreditLot:
    return CreditLot.objects.create(
        grant=grant, account=grant.account, remaining=grant.amount, expires_at=grant.expires_at
    )


def lots_open(account: CreditAccount) -> list[CreditLot]:
    """The account's lots with something left, locked, soonest expiry first (expired ones included)."""
    lots = CreditLot.objects.filter(account=account, remaining__gt=0)
    return list(lots.order_by(F("expires_at").asc(nulls_last=True), "pk").select_for_update())


def lots_spend(account: CreditAccount, redemption: CreditEntry, lots: list[CreditLot]) -> None:
    """Take the redemption's amount from `lots_open`'s lots, those that expire soonest first."""
    owed, allocations = redemption.amount, []
    for lot in lots:
        if lot.expires_at is not None and lot.expires_at <= redemption.created_at:
            continue
        taken = min(owed, lot.remaining)
        CreditLot.objects.filter(pk=lot.pk).update(remaining=F("remaining") - taken)
        allocations.append(CreditAllocation(redemption=redemption, lot=lot, amount=taken))
        owed -= taken
        if not owed:
            CreditAllocation.objects.bulk_create(allocations)
            return
    raise CreditError(CreditErrorCode.INSUFFICIENT_CREDIT, balance=account.balance, currency=account.currency)


def lots_restore(redemption: CreditEntry) -> None:
    """Put a reversed redemption's amounts back into the lots they came from."""
    for allocation in redemption.allocations.all():
        CreditLot.objects.filter(pk=allocation.lot_id).update(remaining=F("remaining") + allocation.amount)


def lots_due(account: CreditAccount, now: datetime):
    return CreditLot.objects.filter(account=account, remaining__gt=0, expires_at__lte=now).select_related("grant")


def lots_expire(account: CreditAccount, now: datetime, *, actor_label: str) -> list[CreditEntry]:
    """Write an expire entry for what is left of each lot past its expiry."""
    entries = []
    for lot in lots_due(account, now).order_by("expires_at", "pk"):
        CreditLot.objects.filter(pk=lot.pk).update(remaining=0)
        entries.append(
            entry_append(
                account,
                EntryKind.EXPIRE,
                lot.remaining,
                actor_label=actor_label,
                reason_id=lot.grant.reason_id,
                note=f"grant {lot.grant.public_id}",
                created_at=now,
            )
        )
    return entries
