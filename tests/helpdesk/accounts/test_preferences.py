"""A staff member chooses the language of their emails, and whether SLA alerts and customers' replies come by email."""

import pytest

from tests.helpdesk.permissions import sign_in_customer

pytestmark = pytest.mark.django_db

URL = "/en/staff/preferences/"


def test_an_agent_opts_in_to_sla_alert_emails(client, agent_sara):
    client.force_login(agent_sara)
    page = client.get(URL)
    assert page.status_code == 200 and "Email me SLA alerts" in page.content.decode()

    response = client.post(URL, {"preferred_language": "fa", "sla_alert_emails": "on"}, follow=True)

    assert "Your preferences are saved." in response.content.decode()
    agent_sara.refresh_from_db()
    assert (agent_sara.preferred_language, agent_sara.sla_alert_emails) == ("fa", True)


def test_an_agent_opts_in_to_customers_replies_by_email(client, agent_sara):
    client.force_login(agent_sara)
    assert "Email me customers’ replies" in client.get(URL).content.decode()

    client.post(URL, {"preferred_language": "", "ticket_emails": "on"})

    agent_sara.refresh_from_db()
    assert (agent_sara.ticket_emails, agent_sara.sla_alert_emails) == (True, False)


def test_an_unknown_language_is_a_form_error(client, agent_sara):
    client.force_login(agent_sara)
    response = client.post(URL, {"preferred_language": "xx"})
    assert response.status_code == 400
    agent_sara.refresh_from_db()
    assert agent_sara.preferred_language == ""


def test_visitors_and_customers_are_sent_to_staff_sign_in(client, customer_emma):
    assert client.get(URL)["Location"].startswith("/en/staff/sign-in/")
    sign_in_customer(client, customer_emma)
    assert client.get(URL)["Location"].startswith("/en/staff/sign-in/")
