"""Reads of the ledger, scoped and with their joins, for pages and the API."""

from datetime import datetime, timedelta

from django.db.models import Count, Q

from helpdesk.customers.models import Customer

from .models import CreditAccount, CreditEntry, CreditReason, CreditRequest, EntryKind, RequestStatus

RECENT_ENTRIES = 50
PATTERN_WINDOW = timedelta(days=30)
REPEAT_CUSTOMER_GRANTS = 3


def balances_for_customer(customer: Customer) -> list[CreditAccount]:
    return list(CreditAccount.objects.filter(customer=customer).order_by("currency"))


def entries_for_customer(customer: Customer, *, limit: int = RECENT_ENTRIES) -> list[CreditEntry]:
    """The newest entries across the customer's accounts: each account's through its index, then merged."""
    newest = []
    for account in CreditAccount.objects.filter(customer=customer):
        newest += (
            CreditEntry.objects.filter(account=account)
            .select_related("account", "reason", "actor_user", "ticket", "reverses")
            .order_by("-created_at", "-id")[:limit]
        )
    return sorted(newest, key=lambda entry: (entry.created_at, entry.pk), reverse=True)[:limit]


def reasons_offered() -> list[CreditReason]:
    return list(CreditReason.objects.filter(active=True))


def requests_pending() -> list[CreditRequest]:
    return list(
        CreditRequest.objects.filter(status=RequestStatus.PENDING)
        .select_related("customer", "reason", "requested_by", "ticket")
        .order_by("created_at", "id")
    )


def requests_by(user, *, limit: int = 20) -> list[CreditRequest]:
    return list(
        CreditRequest.objects.filter(requested_by=user)
        .select_related("customer", "reason", "decided_by")
        .order_by("-created_at", "-id")[:limit]
    )


def customers_credited_often(customer_ids, now: datetime) -> dict[int, int]:
    """For each customer, how many grants they received in the last 30 days, when that is 3 or more."""
    rows = (
        CreditEntry.objects.filter(
            kind=EntryKind.GRANT, account__customer__in=customer_ids, created_at__gt=now - PATTERN_WINDOW
        )
        .values("account__customer")
        .annotate(grants=Count("id"))
        .filter(grants__gte=REPEAT_CUSTOMER_GRANTS - 1)
    )
    return {row["account__customer"]: row["grants"] for row in rows}


def agents_granting_unusually(agent_ids, now: datetime) -> dict[int, tuple[int, int]]:
    """Agents whose grants in the last 30 days are more than twice those of the 30 days before (and 5+)."""
    recent = Q(created_at__gt=now - PATTERN_WINDOW)
    before = Q(created_at__gt=now - 2 * PATTERN_WINDOW, created_at__lte=now - PATTERN_WINDOW)
    rows = (
        CreditEntry.objects.filter(kind=EntryKind.GRANT, actor_user__in=agent_ids)
        .values("actor_user")
        .annotate(recent=Count("id", filter=recent), before=Count("id", filter=before))
    )
    return {
        row["actor_user"]: (row["recent"], row["before"])
        for row in rows
        if row["recent"] >= 5 and row["recent"] > 2 * row["before"]
    }
