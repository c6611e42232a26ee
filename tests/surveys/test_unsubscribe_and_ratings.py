"""Opting out from an email, and the rating after a solved ticket on either scale."""

import pytest
from django.test import Client

from helpdesk.tickets.models import Status, Ticket
from helpdesk.tickets.services import ticket_create, ticket_reply, ticket_set_status
from surveys.models import RatingScale, SurveyOptOut, SurveyResponse

from .conftest import EMMA, path_of, send_due_after, survey_links

pytestmark = pytest.mark.django_db


def unsubscribe_path(email) -> str:
    return path_of(email.message()["List-Unsubscribe"].strip("<>"))


def test_unsubscribing_asks_first_then_stops_survey_emails(client, deliver, mailoutbox):
    deliver("ORD-1", customer=EMMA)
    send_due_after(3)
    path = unsubscribe_path(mailoutbox[0])

    confirm = client.get(path)
    assert confirm.status_code == 200 and "emma@example.com" in confirm.content.decode()
    assert not SurveyOptOut.objects.exists()

    done = client.post(path)
    assert done.status_code == 200 and "we will not send you survey emails" in done.content.decode()
    assert SurveyOptOut.objects.filter(customer__email="emma@example.com").exists()


def test_mail_clients_one_click_unsubscribe_needs_no_csrf_token(deliver, mailoutbox):
    deliver("ORD-1", customer=EMMA)
    send_due_after(3)

    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_path(mailoutbox[0]), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200 and SurveyOptOut.objects.exists()


def test_a_forged_unsubscribe_link_is_refused(client, deliver, mailoutbox):
    deliver("ORD-1", customer=EMMA)
    send_due_after(3)
    path = unsubscribe_path(mailoutbox[0])

    response = client.post(path[:-3] + "xyz/")

    assert response.status_code == 404 and not SurveyOptOut.objects.exists()


@pytest.fixture
def rating_email(customer_emma, agent_sara, config, django_capture_on_commit_callbacks, mailoutbox):
    def rating_email(scale=RatingScale.FIVE):
        config.rating_scale = scale
        config.save()
        ticket = ticket_create(customer=customer_emma, subject="Refund", body="Please refund order 7.")
        ticket_reply(ticket=ticket, body="Refunded.", by=agent_sara)
        with django_capture_on_commit_callbacks(execute=True):
            ticket_set_status(ticket=ticket, status=Status.SOLVED, by=agent_sara)
        mailoutbox.clear()
        send_due_after(1)
        return [path_of(link) for link in survey_links(mailoutbox[-1])]

    return rating_email


def test_a_ticket_rating_counts_for_the_agent_and_channel(client, rating_email, agent_sara):
    _page, *scores = rating_email()

    response = client.get(scores[3])

    assert "We have your rating: 4 out of 5" in response.content.decode()
    answer = SurveyResponse.objects.get()
    assert (answer.csat, answer.agent, answer.channel, answer.rating_scale) == (4, agent_sara, "web", "five")


def test_the_good_or_bad_scale_and_a_bad_rating_opens_a_follow_up(client, rating_email):
    page, good, bad = rating_email(RatingScale.BINARY)
    assert good.endswith("csat=5") and bad.endswith("csat=1")

    response = client.get(bad)
    assert "We have your rating: bad" in response.content.decode()
    client.post(page, {"comment": "Took a week."})

    follow_up = Ticket.objects.exclude(subject="Refund").get()
    assert follow_up.subject.startswith("Your rating of request #")
    assert "Satisfaction: Bad" in follow_up.messages.first().body
    assert follow_up.messages.last().body == "Took a week."


def test_on_the_good_or_bad_scale_other_scores_are_refused(client, rating_email):
    _page, good, _bad = rating_email(RatingScale.BINARY)

    client.get(good.replace("csat=5", "csat=3"))

    assert not SurveyResponse.objects.exists()
