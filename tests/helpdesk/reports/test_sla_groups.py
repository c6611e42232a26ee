"""The SLA report's figures per group, as the database computes them, against the same figures worked out by hand.

Run on SQLite and on PostgreSQL (DATABASE_URL): PostgreSQL ranks durations with `percentile_disc`,
SQLite in Python, and both must give the nearest-rank values docs/reports.md defines.
"""

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from helpdesk.reports import sla, sla_groups
from helpdesk.sla.models import SlaPolicy
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.services import ticket_create

pytestmark = pytest.mark.django_db

NOV_1, NOV_30 = date(2025, 11, 1), date(2025, 11, 30)
CHOICES = {"priority": ["low", "normal", "high", "urgent"], "channel": ["web", "email", "chat"], "locale": ["en", "fa"]}


@pytest.fixture
def many_tickets(customer_reza, agent_sara, manager_lina):
    """80 tickets spread over every group, with durations (ties and gaps included) and verdicts drawn at random."""
    rng = random.Random(8)
    SlaPolicy.objects.filter(priority="low").update(next_response_minutes=None)
    agents = [None, agent_sara, manager_lina]
    for number in range(80):
        opened = ticket_create(customer=customer_reza, subject=f"Ticket {number}", body="Hello")
        breached = {f"{target}_breached": rng.random() < 0.3 for target in sla.TARGETS}
        Ticket.objects.filter(pk=opened.pk).update(
            created_at=datetime(2025, 11, 1 + number % 30, 12, tzinfo=UTC),
            priority=rng.choice(CHOICES["priority"]),
            channel=rng.choice(CHOICES["channel"]),
            locale=rng.choice(CHOICES["locale"]),
            assignee=rng.choice(agents),
            sla_policy=None if rng.random() < 0.1 else opened.sla_policy,
            first_response_business_seconds=None if rng.random() < 0.2 else rng.choice([60, 60, 600, 3600, 7200]),
            resolution_business_seconds=None if rng.random() < 0.4 else rng.randrange(0, 90_000, 300),
            **breached,
        )
    Ticket.objects.filter(pk=Ticket.objects.order_by("pk").values("pk")[:1]).update(
        created_at=datetime(2025, 10, 31, 12, tzinfo=UTC)  # before the period
    )


def by_hand(start: date, end: date) -> dict:
    """Each group's figures from the tickets read one by one, ranked with sla.percentile."""
    members = defaultdict(list)
    for ticket in sla.tickets_created_between(start, end).select_related("sla_policy"):
        for group in [sla_groups.TOTAL, *((name, getattr(ticket, name)) for name in sla_groups.DIMENSIONS)]:
            members[group].append(ticket)
    figures = {}
    for group, tickets in members.items():
        first = [t.first_response_business_seconds for t in tickets if t.first_response_business_seconds is not None]
        solved = [t.resolution_business_seconds for t in tickets if t.resolution_business_seconds is not None]
        rates = {}
        for target in sla.TARGETS:
            timed = [
                t
                for t in tickets
                if getattr(t, f"{target}_breached")
                or (t.sla_policy is not None and getattr(t.sla_policy, f"{target}_minutes") is not None)
            ]
            rates[target] = (sum(getattr(t, f"{target}_breached") for t in timed), len(timed))
        figures[group] = {
            "tickets": len(tickets),
            "first": (sla.percentile(first, 50), sla.percentile(first, 90)),
            "solved": (sla.percentile(solved, 50), sla.percentile(solved, 90)),
            "rates": rates,
        }
    return figures


def figures_of(row: sla.SlaFigures) -> dict:
    return {
        "tickets": row.tickets,
        "first": (row.first_response_median, row.first_response_p90),
        "solved": (row.resolution_median, row.resolution_p90),
        "rates": {target: (getattr(row, target).breached, getattr(row, target).timed) for target in sla.TARGETS},
    }


def test_every_groups_figures_match_the_ones_worked_out_ticket_by_ticket(many_tickets, django_assert_num_queries):
    expected = by_hand(NOV_1, NOV_30)

    with django_assert_num_queries(2):
        report = sla.sla_report(NOV_1, NOV_30)

    assert figures_of(report.total) == expected[sla_groups.TOTAL]
    for dimension, rows in (
        ("priority", report.by_priority),
        ("assignee_id", report.by_agent),
        ("channel", report.by_channel),
        ("locale", report.by_locale),
    ):
        found = {
            (dimension, int(row.key) if dimension == "assignee_id" and row.key else row.key or None): row
            for row in rows
        }
        assert {group: figures_of(row) for group, row in found.items()} == {
            group: figures for group, figures in expected.items() if group[0] == dimension
        }
    assert report.total.tickets == 79


@pytest.mark.skipif(connection.vendor != "postgresql", reason="percentile_disc and GROUPING SETS: PostgreSQL only")
def test_the_database_and_python_count_and_rank_the_same(many_tickets):
    tickets = sla.tickets_created_between(NOV_1, NOV_30)

    counts, ranked = sla_groups.figures_in_python(tickets)

    in_database, ranked_in_database = sla_groups.figures_in_database(tickets)
    assert dict(in_database) == dict(counts)
    assert ranked_in_database == ranked


@pytest.mark.parametrize("count", [1, 2, 3, 9, 10, 11, 19, 20, 21])
def test_percentiles_take_the_nearest_rank_in_the_database_too(customer_reza, count):
    rng = random.Random(count)
    values = [rng.randrange(0, 10_000) for _ in range(count)]
    for seconds in values:
        opened = ticket_create(customer=customer_reza, subject="Parcel late", body="Where is it?")
        Ticket.objects.filter(pk=opened.pk).update(
            created_at=datetime(2025, 11, 3, tzinfo=UTC), first_response_business_seconds=seconds
        )

    total = sla.sla_report(NOV_1, NOV_30).total

    assert (total.first_response_median, total.first_response_p90) == (
        sla.percentile(values, 50),
        sla.percentile(values, 90),
    )
    assert (total.resolution_median, total.resolution_p90) == (None, None)


def test_an_empty_period_has_no_figures():
    report = sla.sla_report(NOV_1, NOV_1 + timedelta(days=1))

    assert report.total.tickets == 0 and report.total.first_response_median is None
    assert report.by_priority == report.by_agent == report.by_channel == report.by_locale == []
