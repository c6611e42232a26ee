"""One database's credit benchmark, run in a subprocess by bench/bench_credits.py (settings from the environment).

Migrates the database DATABASE_URL points at, writes a customer with `--entries` ledger entries
(and one with ten), then times, through django.test.Client with a shop key: balance reads, the
credit page of the API, and redemptions, each a fresh Idempotency-Key; writes JSON to `--out`.
"""

import argparse
import time
from decimal import Decimal

from .workers import setup_django, time_calls, worker_parser, write_result

CHUNK = 20_000


def parse(argv=None) -> argparse.Namespace:
    parser = worker_parser("python -m bench.credits_worker", __doc__)
    parser.add_argument("--entries", type=int, required=True)
    return parser.parse_args(argv)


def _load(entries: int) -> dict:
    """A big ledger: pairs of 1.00 granted and redeemed, then one grant of 100,000.00 to spend from."""
    from django.utils import timezone

    from helpdesk.credits.models import CreditAccount, CreditEntry, CreditLot, CreditReason, EntryKind
    from helpdesk.customers.services import CustomerData, customer_upsert

    reason = CreditReason.objects.get(code="goodwill")
    began = time.monotonic()
    accounts = {}
    for external_id, count in (("bench-big", entries), ("bench-small", 10)):
        customer, _created = customer_upsert(data=CustomerData(external_id=external_id, email=f"{external_id}@x.test"))
        account = CreditAccount.objects.create(customer=customer, currency="USD")
        start = timezone.now() - timezone.timedelta(days=365)
        pending = []
        for index in range(count - 1):
            grant = index % 2 == 0
            pending.append(
                CreditEntry(
                    account=account,
                    kind=EntryKind.GRANT if grant else EntryKind.REDEEM,
                    amount=Decimal("1.00"),
                    balance_after=Decimal("1.00") if grant else Decimal("0.00"),
                    reason=reason if grant else None,
                    actor_label="bench",
                    order="" if grant else f"o-{index}",
                    created_at=start + timezone.timedelta(seconds=index),
                )
            )
            if len(pending) == CHUNK:
                CreditEntry.objects.bulk_create(pending)
                pending = []
        CreditEntry.objects.bulk_create(pending)
        # The pairs cancel out; an odd count of them leaves one grant of 1.00.
        balance = Decimal("100000.00") + (Decimal("1.00") if (count - 1) % 2 else 0)
        CreditAccount.objects.filter(pk=account.pk).update(balance=balance)
        last = CreditEntry.objects.create(
            account=account,
            kind=EntryKind.GRANT,
            amount=Decimal("100000.00"),
            balance_after=balance,
            reason=reason,
            actor_label="bench",
            created_at=timezone.now(),
        )
        CreditLot.objects.create(grant=last, account=account, remaining=last.amount)
        accounts[external_id] = customer
    return {"customers": accounts, "seconds": time.monotonic() - began}


def main(argv=None) -> None:
    options = parse(argv)
    setup_django()
    from django.db import connection
    from django.test import Client

    from helpdesk.api.keys import api_key_create
    from helpdesk.credits.selectors import balances_for_customer

    loaded = _load(options.entries)
    _key, raw = api_key_create(name="bench shop")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    rows = []
    for external_id in ("bench-small", "bench-big"):
        customer = loaded["customers"][external_id]
        size = customer.credit_accounts.get().entries.count()
        rows.append(
            {"entries": size}
            | time_calls(
                "balance read (selector)",
                lambda _i, customer=customer: len(balances_for_customer(customer)) and 200,
                options.requests,
                options.max_seconds,
            )
        )
        url = f"/api/v1/customers/{external_id}/credit"
        rows.append(
            {"entries": size}
            | time_calls(
                "GET …/credit (API)",
                lambda _i, url=url: client.get(url).status_code,
                options.requests,
                options.max_seconds,
            )
        )

        def redeem(index, url=url, external_id=external_id):
            response = client.post(
                f"{url}/redemptions",
                {"amount": "1.00", "currency": "USD", "order": f"{external_id}-{index}"},
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=f"{external_id}-{index}",
            )
            return response.status_code

        rows.append(
            {"entries": size}
            | time_calls("POST …/credit/redemptions (API)", redeem, options.requests, options.max_seconds)
        )
    result = {"database": connection.vendor, "load_seconds": loaded["seconds"], "rows": rows}
    write_result(options.out, result)


if __name__ == "__main__":
    main()
