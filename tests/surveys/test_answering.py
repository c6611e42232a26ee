"""Answering from the email: one click records the score, the page takes the rest, once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from helpdesk.tickets.models import Channel, Priority, Ticket
from surveys.models import SurveyResponse

from .conftest import EMMA, path_of, send_due_after, survey_links

pytestmark = pytest.mark.django_db


@pytest.fixture
def emailed(deliver, mailoutbox):
    """Emma's post-purchase survey email: (page link, links per score 0-10)."""
    deliver("ORD-9", customer=EMMA)
    send_due_after(3)
    page, *scores = (path_of(link) for link in survey_links(mailoutbox[-1]))
    mailoutbox.clear()
    return page, scores


def test_one_click_records_the_score_and_opens_the_page_for_the_rest(client, emailed):
    _page, scores = emailed

    response = client.get(scores[9])

    assert response.status_code == 200
    text = response.content.decode()
    assert "We have your score: 9 out of 10" in text
    assert "How satisfied are you with this order?" in text
    answer = SurveyResponse.objects.get()
    assert (answer.nps, answer.completed_at) == (9, None)


def test_the_comment_and_satisfaction_complete_the_answer_once(client, emailed):
    page, scores = emailed
    client.get(scores[10])

    sent = client.post(page, {"csat": "5", "comment": "Lovely tea, fast delivery."})

    assert sent.status_code == 302
    assert "Thank you!" in client.get(sent["Location"]).content.decode()
    answer = SurveyResponse.objects.get()
    assert (answer.nps, answer.csat, answer.comment) == (10, 5, "Lovely tea, fast delivery.")

    again = client.get(scores[2])
    assert again.status_code == 200
    assert "You have already answered this survey" in again.content.decode()
    assert SurveyResponse.objects.get().nps == 10
    assert client.post(page, {"csat": "1"}).status_code == 200
    assert SurveyResponse.objects.get().csat == 5


def test_a_second_click_keeps_the_first_score(client, emailed):
    _page, scores = emailed
    client.get(scores[7])

    response = client.get(scores[0])

    assert "We have your score: 7 out of 10" in response.content.decode()
    assert SurveyResponse.objects.get().nps == 7
    assert not Ticket.objects.exists()


def test_the_page_alone_asks_for_the_score_and_refuses_an_empty_answer(client, emailed):
    page, _scores = emailed

    shown = client.get(page)
    assert "How likely are you to recommend us" in shown.content.decode()
    refused = client.post(page, {"comment": "no score"})

    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert not SurveyResponse.objects.exists()
    assert client.post(page, {"nps": "8"}).status_code == 302


def test_scores_in_persian_digits_count(client, emailed):
    _page, scores = emailed

    client.get(scores[0].replace("nps=0", "nps=۸"))

    assert SurveyResponse.objects.get().nps == 8


def test_a_score_out_of_range_records_nothing(client, emailed):
    _page, scores = emailed

    response = client.get(scores[0].replace("nps=0", "nps=11"))

    assert response.status_code == 200
    assert not SurveyResponse.objects.exists()


def test_tampered_and_truncated_links_are_refused(client, emailed):
    page, _scores = emailed
    token = page.split("/s/")[1].strip("/")
    tampered = page.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    truncated = page.replace(token, token[: len(token) // 2])
    stranger = page.replace(token, "x" * 20 + ":" + token.split(":")[1])

    for path in (tampered, truncated, stranger):
        response = client.get(path + "?nps=3")
        assert response.status_code == 404
        assert "This survey link is not valid" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_links_expire(client, emailed, config):
    _page, scores = emailed

    with time_machine.travel(timezone.now() + timedelta(days=3 + config.link_valid_days, hours=1), tick=False):
        response = client.get(scores[5])

    assert response.status_code == 410
    assert "This survey has closed" in response.content.decode()
    assert not SurveyResponse.objects.exists()


@pytest.mark.usefixtures("rate_window")
def test_answering_is_rate_limited(client, emailed):
    page, _scores = emailed

    statuses = [client.get(page).status_code for _ in range(31)]

    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_a_detractor_opens_a_follow_up_ticket_with_the_surveys_context(client, emailed, config):
    page, scores = emailed

    client.get(scores[3])
    client.post(page, {"csat": "2", "comment": "The box arrived crushed."})

    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.priority, ticket.order.external_id) == (Channel.SURVEY, Priority.HIGH, "ORD-9")
    assert ticket.subject == "Your feedback on order ORD-9"
    bodies = list(ticket.messages.order_by("created_at").values_list("body", flat=True))
    assert "Likely to recommend us: 3 / 10" in bodies[0]
    assert bodies[1] == "The box arrived crushed."
    assert SurveyResponse.objects.get().follow_up_ticket == ticket


def test_a_low_satisfaction_alone_also_opens_one_with_the_managers_priority(client, emailed, config):
    config.score_follow_up_priority = Priority.URGENT
    config.save()
    page, scores = emailed

    client.get(scores[9])
    client.post(page, {"csat": "1", "comment": "Wrong colour."})

    ticket = Ticket.objects.get()
    assert ticket.priority == Priority.URGENT
    assert "Satisfaction: 1 / 5" in ticket.messages.first().body
    assert "Wrong colour." in ticket.messages.first().body


def test_promoters_open_no_ticket(client, emailed):
    page, scores = emailed

    client.get(scores[9])
    client.post(page, {"csat": "4", "comment": "Good."})

    assert not Ticket.objects.exists()
