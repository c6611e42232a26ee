"""Agents see a customer's survey answers beside the ticket and on the customer record."""

import pytest
from django.utils import timezone

from helpdesk.tickets.services import ticket_create
from surveys.models import Survey, SurveyKind, SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(customer_reza):
    survey = Survey.objects.create(
        kind=SurveyKind.POST_PURCHASE, customer=customer_reza, created_at=timezone.now(), status="answered"
    )
    return SurveyResponse.objects.create(
        survey=survey,
        kind=survey.kind,
        customer=customer_reza,
        nps=4,
        comment="Slow courier",
        created_at=timezone.now(),
    )


def test_the_ticket_panel_shows_the_latest_answers(client, agent_sara, customer_reza, answered):
    ticket = ticket_create(customer=customer_reza, subject="Late", body="Where is it?")
    client.force_login(agent_sara)

    page = client.get(f"/en/staff/tickets/{ticket.pk}/").content.decode()

    assert "Survey answers" in page and "NPS 4/10" in page and "Slow courier" in page


def test_the_customer_record_lists_them_too(client, agent_sara, customer_reza, answered):
    client.force_login(agent_sara)

    page = client.get(f"/en/staff/customers/{customer_reza.public_id}/").content.decode()

    assert "Survey answers" in page and "NPS 4/10" in page and "Slow courier" in page


def test_no_answers_no_panel_heading(client, agent_sara, customer_reza):
    ticket = ticket_create(customer=customer_reza, subject="Late", body="Where is it?")
    client.force_login(agent_sara)

    page = client.get(f"/en/staff/tickets/{ticket.pk}/").content.decode()

    assert "Survey answers" not in page
