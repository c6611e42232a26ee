"""A tag filter with other filters finds the same tickets in every view, however common the tag."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.tickets import selectors, services
from helpdesk.tickets.models import Priority, Status
from helpdesk.tickets.selectors import InboxFilters, InboxView, tickets_for_agent

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)


@pytest.fixture
def tagged_desk(agent_sara, agent_omar, customer_emma):
    """Urgent and normal tickets tagged "late" in several states, and an urgent one without the tag."""
    with mock.patch("django.utils.timezone.now", return_value=MONDAY_10):
        for subject, priority, status, assignee in [
            ("Urgent new", Priority.URGENT, None, None),
            ("Urgent mine", Priority.URGENT, None, agent_sara),
            ("Urgent pending", Priority.URGENT, Status.PENDING, agent_omar),
            ("Urgent solved", Priority.URGENT, Status.SOLVED, agent_sara),
            ("Normal mine", Priority.NORMAL, None, agent_sara),
        ]:
            ticket = services.ticket_create(customer=customer_emma, subject=subject, body="Late", priority=priority)
            services.ticket_tag(ticket=ticket, by=agent_sara, add=["late"])
            if assignee:
                services.ticket_assign(ticket=ticket, assignee=assignee, by=agent_sara)
            if status:
                services.ticket_set_status(ticket=ticket, status=status, by=agent_sara)
        services.ticket_create(customer=customer_emma, subject="Urgent untagged", body="Hi", priority=Priority.URGENT)


@pytest.mark.parametrize("common_from", [0, 100], ids=["common", "rare"])
@pytest.mark.parametrize(
    ("view", "filters", "expected"),
    [
        (InboxView.OPEN, {}, {"Urgent new", "Urgent mine", "Urgent pending", "Normal mine"}),
        (InboxView.MINE, {}, {"Urgent mine", "Normal mine"}),
        (InboxView.OPEN, {"priority": "urgent"}, {"Urgent new", "Urgent mine", "Urgent pending"}),
        (InboxView.MINE, {"priority": "urgent"}, {"Urgent mine"}),
        (InboxView.PENDING, {"priority": "urgent"}, {"Urgent pending"}),
        (InboxView.UNASSIGNED, {"priority": "urgent"}, {"Urgent new"}),
        (InboxView.OPEN, {"status": "solved"}, set()),
        (InboxView.MINE, {"priority": "normal"}, {"Normal mine"}),
        (InboxView.OPEN, {"q": "late"}, {"Urgent new", "Urgent mine", "Urgent pending", "Normal mine"}),
    ],
)
def test_a_tag_with_other_filters(agent_sara, tagged_desk, monkeypatch, common_from, view, filters, expected):
    monkeypatch.setattr(selectors, "COMMON_TAG", common_from)
    monkeypatch.setattr(selectors, "FEW_LINKS", common_from)  # PostgreSQL's threshold

    page = tickets_for_agent(agent=agent_sara, view=view, filters=InboxFilters(tag="late", **filters), now=MONDAY_10)

    assert {ticket.subject for ticket in page.tickets} == expected


def test_a_rare_tag_is_looked_up_by_ticket_id_on_postgresql(agent_sara, tagged_desk):
    """PostgreSQL reads the rare tag's ticket ids first (`= ANY(ARRAY(…))`); SQLite joins."""
    with CaptureQueriesContext(connection) as queries:
        page = tickets_for_agent(agent=agent_sara, view=InboxView.OPEN, filters=InboxFilters(tag="late"), now=MONDAY_10)

    assert {ticket.subject for ticket in page.tickets} == {"Urgent new", "Urgent mine", "Urgent pending", "Normal mine"}
    listed = next(
        query["sql"] for query in queries.captured_queries if query["sql"].startswith('SELECT "tickets_ticket"')
    )
    assert ("= ANY(ARRAY(SELECT" in listed) == (connection.vendor == "postgresql")
