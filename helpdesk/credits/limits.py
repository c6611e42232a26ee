"""How much a staff member may grant without a manager: their own limit, else their role's."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Sum

from helpdesk.accounts.roles import is_manager

from .models import CreditEntry, CreditLimit, EntryKind, LimitRole

BUDGET_WINDOW = timedelta(days=30)
ZERO = Decimal("0.00")


class Over:
    NOTHING = ""
    PER_GRANT = "per_grant"
    PER_30_DAYS = "per_30_days"


@dataclass(frozen=True)
class Allowance:
    currency: str
    per_grant: Decimal
    per_30_days: Decimal
    used: Decimal

    @property
    def left(self) -> Decimal:
        return max(self.per_30_days - self.used, ZERO)

    def over(self, amount: Decimal) -> str:
        if amount > self.per_grant:
            return Over.PER_GRANT
        if amount > self.left:
            return Over.PER_30_DAYS
        return Over.NOTHING


def limit_for(user, currency: str) -> CreditLimit | None:
    """The user's own limit in `currency`, else their role's; None means every grant needs approval."""
    own = CreditLimit.objects.filter(user=user, currency=currency).first()
    role = LimitRole.MANAGER if is_manager(user) else LimitRole.AGENT
    return own or CreditLimit.objects.filter(role=role, currency=currency).first()


def granted_within_limit(user, currency: str, now: datetime) -> Decimal:
    """What `user` granted on their own authority in the last 30 days (approved requests excluded)."""
    total = CreditEntry.objects.filter(
        kind=EntryKind.GRANT,
        actor_user=user,
        account__currency=currency,
        created_at__gt=now - BUDGET_WINDOW,
        request__isnull=True,
    ).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def allowance(user, currency: str, now: datetime) -> Allowance:
    limit = limit_for(user, currency)
    if limit is None:
        return Allowance(currency=currency, per_grant=ZERO, per_30_days=ZERO, used=ZERO)
    used = granted_within_limit(user, currency, now)
    return Allowance(currency=currency, per_grant=limit.per_grant, per_30_days=limit.per_30_days, used=used)
