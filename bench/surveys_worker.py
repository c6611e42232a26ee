"""One database's survey benchmark, run in a subprocess by bench/bench_surveys.py (settings from the environment).

Migrates the database DATABASE_URL points at and bulk-creates `--surveys` customers with a
delivered order each. Then times scheduling their post-purchase surveys (order_status_changed
sent per order, as order_upsert does after its commit, so survey_schedule_post_purchase runs
in its own transaction each time) and surveys_send_due() sending them all (locmem email
backend). Then, with rate limiting off, times through django.test.Client the survey page of
surveys already scored and the click with a score (?nps=8) on fresh ones, each a survey of its
own with a link token made by surveys.tokens.link_issue. Writes JSON to `--out`.
"""

import argparse
import time
from datetime import timedelta
from decimal import Decimal

from .workers import QueryCount, setup_django, time_calls, worker_parser, write_result

CHUNK = 5_000
LOCALES = ("en", "en", "fa", "ar")  # half of the customers in English, as in the inbox data set
CLICK_SCORE = 8  # above the follow-up threshold (6): the common click, which opens no ticket
SCORED_WITH = 9


def parse(argv=None) -> argparse.Namespace:
    parser = worker_parser("python -m bench.surveys_worker", __doc__)
    parser.add_argument("--surveys", type=int, required=True)
    return parser.parse_args(argv)


def _delivered_orders(count: int, prefix: str, *, delivered_at, locales=LOCALES) -> list:
    """`count` customers with one delivered order each, bulk-created; the orders carry their customer."""
    from helpdesk.customers.models import Customer
    from helpdesk.orders.models import Order, OrderStatus

    orders = []
    for start in range(0, count, CHUNK):
        numbers = range(start, min(count, start + CHUNK))
        customers = Customer.objects.bulk_create(
            Customer(
                external_id=f"{prefix}-{number}",
                email=f"{prefix}-{number}@example.test",
                name=f"Customer {number}",
                locale=locales[number % len(locales)],
            )
            for number in numbers
        )
        orders += Order.objects.bulk_create(
            Order(
                external_id=f"{prefix}-order-{customer.external_id}",
                customer=customer,
                status=OrderStatus.DELIVERED,
                placed_at=delivered_at - timedelta(days=2),
                delivered_at=delivered_at,
                total=Decimal("42.00"),
                currency="USD",
            )
            for customer in customers
        )
    return orders


def _schedule_and_send(count: int) -> tuple[float, list[dict]]:
    """Seconds the bulk load took, and the rows for scheduling, sending and both."""
    from django.core import mail
    from django.db import connection
    from django.utils import timezone

    from helpdesk.orders.models import Order
    from helpdesk.orders.signals import order_status_changed
    from surveys.models import Survey, SurveyStatus
    from surveys.sending import surveys_send_due

    # Delivered four days ago: the surveys (three days after delivery) are due now.
    began = time.perf_counter()
    orders = _delivered_orders(count, "bench", delivered_at=timezone.now() - timedelta(days=4))
    load_seconds = time.perf_counter() - began

    def schedule(index):
        order_status_changed.send(sender=Order, order=orders[index], previous_status="shipped")

    scheduling = QueryCount()
    began = time.perf_counter()
    with connection.execute_wrapper(scheduling):
        timed = time_calls("schedule", schedule, count, float("inf"))
    schedule_seconds = time.perf_counter() - began
    scheduled = Survey.objects.filter(status=SurveyStatus.SCHEDULED).count()

    sending = QueryCount()
    began = time.perf_counter()
    with connection.execute_wrapper(sending):
        report = surveys_send_due()
    send_seconds = time.perf_counter() - began
    emails = len(mail.outbox)
    mail.outbox.clear()
    skipped = sum(report.skipped.values())
    per_survey = max(1, count)
    return load_seconds, [
        {
            "kind": "schedule",
            "label": "schedule (order_status_changed, per order)",
            "count": count,
            "p50": timed["p50"],
            "p95": timed["p95"],
            "seconds": schedule_seconds,
            "queries": scheduling.count / per_survey,
            "status": f"{scheduled:,} scheduled",
        },
        {
            "kind": "send",
            "label": "send (surveys_send_due, locmem email)",
            "count": report.sent,
            "seconds": send_seconds,
            "queries": sending.count / per_survey,
            "statements": sending.count,
            "status": f"{emails:,} emails, {skipped:,} skipped, {report.failed:,} failed",
        },
        {
            "kind": "total",
            "label": "schedule + send",
            "count": count,
            "seconds": schedule_seconds + send_seconds,
            "queries": (scheduling.count + sending.count) / per_survey,
            "status": "",
        },
    ]


def _linked_surveys(count: int, prefix: str, *, scored: bool) -> list[str]:
    """`count` sent post-purchase surveys in English (scored with 9 if `scored`); their signed link tokens."""
    from django.utils import timezone

    from surveys.models import Survey, SurveyKind
    from surveys.selectors import survey_settings
    from surveys.services import survey_score
    from surveys.tokens import link_issue

    now = timezone.now()
    valid_days = survey_settings().link_valid_days
    surveys, tokens = [], []
    for order in _delivered_orders(count, prefix, delivered_at=now - timedelta(days=3), locales=("en",)):
        survey = Survey(
            kind=SurveyKind.POST_PURCHASE,
            customer=order.customer,
            order=order,
            locale="en",
            created_at=now,
            send_after=now,
        )
        tokens.append(link_issue(survey, now, valid_days))
        surveys.append(survey)
    Survey.objects.bulk_create(surveys, batch_size=CHUNK)
    if scored:
        for survey in surveys:
            survey_score(survey=survey, nps=SCORED_WITH)
    return tokens


def _pages(requests: int, max_seconds: float) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from surveys.models import SurveyResponse

    scored = _linked_surveys(requests, "bench-scored", scored=True)
    fresh = _linked_surveys(requests, "bench-fresh", scored=False)
    client = Client()
    with translation.override("en"):
        scored_paths = [reverse("surveys:answer", kwargs={"token": token}) for token in scored]
        click_paths = [reverse("surveys:answer", kwargs={"token": token}) + f"?nps={CLICK_SCORE}" for token in fresh]
    rows = []
    for kind, label, paths in (
        ("page", "GET /en/surveys/s/<token>/ (scored)", scored_paths),
        ("click", f"GET /en/surveys/s/<token>/?nps={CLICK_SCORE} (click)", click_paths),
    ):
        queries = QueryCount()
        with connection.execute_wrapper(queries):
            timed = time_calls(
                label, lambda index, paths=paths: client.get(paths[index]).status_code, len(paths), max_seconds
            )
        count = timed["requests"]
        rows.append(timed | {"kind": kind, "count": count, "queries": queries.count / max(1, count)})
    rows[-1]["recorded"] = SurveyResponse.objects.filter(nps=CLICK_SCORE).count()
    return rows


def main(argv=None) -> None:
    options = parse(argv)
    began = time.perf_counter()
    setup_django()
    migrate_seconds = time.perf_counter() - began
    from django.conf import settings
    from django.db import connection

    # Every request comes from one address; the answer page allows 30 a minute per address.
    settings.RATELIMIT_ENABLE = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    load_seconds, rows = _schedule_and_send(options.surveys)
    rows += _pages(options.requests, options.max_seconds)
    times = {"migrate_seconds": migrate_seconds, "load_seconds": load_seconds}
    write_result(options.out, {"database": connection.vendor, "rows": rows} | times)


if __name__ == "__main__":
    main()
