"""Demo credit limits in each demo market's currency (idempotent)."""

from decimal import Decimal

from helpdesk.core.demo import CURRENCY_BY_LOCALE

from .models import CreditLimit, LimitRole

# Per grant and per 30 days, in USD; converted with the demo markets' rates.
DEMO_LIMITS_USD = {
    LimitRole.AGENT: (Decimal("25"), Decimal("100")),
    LimitRole.MANAGER: (Decimal("250"), Decimal("2500")),
}


def credits_demo_ensure() -> None:
    for currency, rate in CURRENCY_BY_LOCALE.values():
        for role, (per_grant, per_30_days) in DEMO_LIMITS_USD.items():
            CreditLimit.objects.get_or_create(
                role=role,
                currency=currency,
                defaults={"per_grant": per_grant * rate, "per_30_days": per_30_days * rate},
            )
