"""Breach alerts: warn before a due time, alert at it, once each, in the app and by email if chosen."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from helpdesk.sla.models import SlaPolicy
from helpdesk.sla.services import policy_save
from helpdesk.tickets import services
from helpdesk.tickets.alerts import sla_alerts_run
from helpdesk.tickets.models import EventKind, TicketEvent

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def urgent_ticket(customer_emma, agent_sara):
    """An urgent ticket assigned to Sara: first response due at 11:00 (60 business minutes)."""
    with at(MONDAY_10):
        ticket = services.ticket_create(
            customer=customer_emma, subject="Card charged twice", body="Help", priority="urgent"
        )
        services.ticket_assign(ticket=ticket, assignee=agent_sara, by=agent_sara)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == datetime(2026, 11, 16, 11, 0, tzinfo=UTC)
    return ticket


def alert_kinds(ticket):
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind__in=[EventKind.SLA_WARNING, EventKind.SLA_BREACH]).values_list(
            "kind", flat=True
        )
    )


def test_warns_once_then_alerts_once_on_breach(
    urgent_ticket, agent_sara, mailoutbox, django_capture_on_commit_callbacks
):
    agent_sara.sla_alert_emails = True
    agent_sara.save(update_fields=["sla_alert_emails"])

    with django_capture_on_commit_callbacks(execute=True):
        assert sla_alerts_run(now=MONDAY_10 + timedelta(minutes=10)).warned == 0  # 50 minutes left: too early
        assert sla_alerts_run(now=MONDAY_10 + timedelta(minutes=40)).warned == 1
        assert sla_alerts_run(now=MONDAY_10 + timedelta(minutes=45)).warned == 0  # already warned for this due time
        summary = sla_alerts_run(now=MONDAY_10 + timedelta(minutes=61))
        assert summary.breached == 1
        assert sla_alerts_run(now=MONDAY_10 + timedelta(minutes=90)).breached == 0

    assert alert_kinds(urgent_ticket) == [EventKind.SLA_WARNING, EventKind.SLA_BREACH]
    urgent_ticket.refresh_from_db()
    assert urgent_ticket.sla_breached and urgent_ticket.first_response_breached
    assert [mail.to for mail in mailoutbox] == [["sara@example.com"], ["sara@example.com"]]
    assert f"SLA breached on #{urgent_ticket.pk}" in mailoutbox[1].subject


def test_no_email_unless_the_agent_chose_it(urgent_ticket, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sla_alerts_run(now=MONDAY_10 + timedelta(minutes=61))
    assert alert_kinds(urgent_ticket) == [EventKind.SLA_BREACH]
    assert mailoutbox == []


def test_alert_reaches_the_assignees_socket(urgent_ticket, agent_sara, django_capture_on_commit_callbacks):
    sent = []

    async def group_send(group, message):
        sent.append((group, message["event"]))

    layer = mock.Mock(group_send=group_send)
    with (
        mock.patch("helpdesk.tickets.alerts.get_channel_layer", return_value=layer),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sla_alerts_run(now=MONDAY_10 + timedelta(minutes=61))
    assert sent == [
        (
            f"staff.user.{agent_sara.pk}",
            {
                "type": "sla.alert",
                "level": "breach",
                "ticket": urgent_ticket.pk,
                "subject": "Card charged twice",
                "due_at": "2026-11-16T11:00:00+00:00",
            },
        )
    ]


def test_answered_tickets_raise_no_alert(urgent_ticket, agent_sara):
    with at(MONDAY_10 + timedelta(minutes=30)):
        services.ticket_reply(ticket=urgent_ticket, body="Refund on its way", by=agent_sara, status="solved")
    assert sla_alerts_run(now=MONDAY_10 + timedelta(minutes=61)).breached == 0
    assert alert_kinds(urgent_ticket) == []


def test_command_prints_a_summary(urgent_ticket):
    out = StringIO()
    with at(MONDAY_10 + timedelta(minutes=61)):
        call_command("sla_alerts", stdout=out)
    assert out.getvalue().strip() == "SLA alerts: 0 warned, 1 breached."


def test_changing_a_policy_recomputes_open_tickets(urgent_ticket, django_capture_on_commit_callbacks):
    policy = SlaPolicy.objects.get(priority="urgent", channel="")
    policy.first_response_minutes = 120
    with at(MONDAY_10), django_capture_on_commit_callbacks(execute=True):
        policy_save(policy=policy)
    urgent_ticket.refresh_from_db()
    assert urgent_ticket.sla_due_at == datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
