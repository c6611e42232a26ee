"""Post-purchase surveys and ticket ratings: when they are scheduled, sent, or skipped (time frozen)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from helpdesk.tickets.models import Status
from helpdesk.tickets.services import ticket_create, ticket_reply, ticket_set_status
from surveys.models import SkipReason, Survey, SurveyKind, SurveyStatus
from surveys.services import survey_opt_out

from .conftest import EMMA, REZA, send_due_after, send_due_at, survey_links

pytestmark = pytest.mark.django_db


def test_a_delivered_order_is_surveyed_three_days_later_and_not_before(deliver, mailoutbox):
    order = deliver("ORD-1")

    [survey] = Survey.objects.all()
    assert (survey.kind, survey.status, survey.order) == (SurveyKind.POST_PURCHASE, SurveyStatus.SCHEDULED, order)
    assert survey.send_after == order.delivered_at + timedelta(days=3)

    assert send_due_after(2.9).sent == 0
    assert mailoutbox == []

    report = send_due_after(3)
    assert report.sent == 1
    [email] = mailoutbox
    assert email.to == ["reza@example.com"]
    assert len(survey_links(email)) == 12  # the page, then one link per score 0-10
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SENT and survey.token_hash


def test_the_delay_is_the_managers_setting(deliver, config, mailoutbox):
    config.post_purchase_delay_days = 7
    config.save()
    order = deliver("ORD-1")

    assert Survey.objects.get().send_after == order.delivered_at + timedelta(days=7)
    assert send_due_after(6).sent == 0
    assert send_due_after(7).sent == 1


def test_orders_not_delivered_are_not_surveyed_and_each_order_only_once(deliver):
    deliver("ORD-1", status="shipped")
    assert not Survey.objects.exists()

    deliver("ORD-1")
    deliver("ORD-1")  # the shop reports the same delivery again
    assert Survey.objects.count() == 1


def test_sending_twice_sends_once(deliver, mailoutbox):
    deliver("ORD-1")
    later = timezone.now() + timedelta(days=3)

    assert send_due_at(later).sent == 1
    assert send_due_at(later).sent == 0
    assert len(mailoutbox) == 1


def test_a_customer_surveyed_recently_is_not_surveyed_again(deliver, mailoutbox):
    deliver("ORD-1")
    assert send_due_after(3).sent == 1
    deliver("ORD-2", delivered_at=timezone.now() + timedelta(days=10))

    report = send_due_after(13)

    assert (report.sent, report.skipped) == (0, {SkipReason.FATIGUE: 1})
    assert Survey.objects.get(order__external_id="ORD-2").skip_reason == SkipReason.FATIGUE
    assert len(mailoutbox) == 1


def test_after_the_quiet_days_the_customer_is_asked_again(deliver, config, mailoutbox):
    config.fatigue_days = 30
    config.save()
    deliver("ORD-1")
    assert send_due_after(3).sent == 1
    deliver("ORD-2", delivered_at=timezone.now() + timedelta(days=31))

    assert send_due_after(34).sent == 1
    assert len(mailoutbox) == 2


def test_two_orders_due_together_send_one_survey(deliver, mailoutbox):
    deliver("ORD-1")
    deliver("ORD-2")
    deliver("ORD-3", customer=EMMA)

    report = send_due_after(3)

    assert (report.sent, report.skipped) == (2, {SkipReason.FATIGUE: 1})
    assert sorted(email.to[0] for email in mailoutbox) == ["emma@example.com", "reza@example.com"]


def test_customers_who_opted_out_are_skipped(deliver, mailoutbox):
    order = deliver("ORD-1")
    survey_opt_out(customer=order.customer)
    deliver("ORD-2")

    report = send_due_after(3)

    assert report.sent == 0 and mailoutbox == []
    assert set(Survey.objects.values_list("skip_reason", flat=True)) == {SkipReason.OPTED_OUT}


def test_an_order_reported_long_after_delivery_is_not_surveyed(deliver, mailoutbox):
    deliver("ORD-OLD", delivered_at=timezone.now() - timedelta(days=90))

    report = send_due_after(0)

    assert report.skipped == {SkipReason.STALE: 1} and mailoutbox == []


def test_switched_off_means_no_new_surveys(deliver, config):
    config.post_purchase_enabled = False
    config.save()
    deliver("ORD-1")

    assert not Survey.objects.exists()


@pytest.fixture
def solved_ticket(customer_reza, agent_sara, django_capture_on_commit_callbacks, config):
    ticket = ticket_create(customer=customer_reza, subject="Where is my tea?", body="Still waiting.")
    ticket_reply(ticket=ticket, body="It ships today.", by=agent_sara)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_set_status(ticket=ticket, status=Status.SOLVED, by=agent_sara)
    return ticket


def test_a_solved_ticket_asks_for_a_rating_for_its_agent_a_day_later(solved_ticket, agent_sara, mailoutbox):
    [survey] = Survey.objects.filter(kind=SurveyKind.TICKET)
    assert (survey.ticket, survey.agent) == (solved_ticket, agent_sara)
    mailoutbox.clear()

    assert send_due_after(0.9).sent == 0
    assert send_due_after(1).sent == 1
    [email] = mailoutbox
    assert "Where is my tea?" in email.subject
    assert len(survey_links(email)) == 6  # the page, then 1-5


def test_a_ticket_reopened_before_the_rating_goes_out_is_not_asked_about(
    solved_ticket, customer_reza, agent_sara, django_capture_on_commit_callbacks, mailoutbox
):
    ticket_reply(ticket=solved_ticket, body="Not arrived after all.", by=customer_reza)
    mailoutbox.clear()

    assert send_due_after(1).skipped == {SkipReason.REOPENED: 1}
    assert mailoutbox == []

    with (
        time_machine.travel(timezone.now() + timedelta(days=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ticket_set_status(ticket=solved_ticket, status=Status.SOLVED, by=agent_sara)
    mailoutbox.clear()
    assert send_due_after(3).sent == 1
    assert Survey.objects.filter(kind=SurveyKind.TICKET).count() == 1
    assert len(mailoutbox) == 1


def test_survey_emails_speak_the_customers_language(deliver, mailoutbox):
    deliver("ORD-1", customer=REZA)
    send_due_after(3)

    [email] = mailoutbox
    assert "ORD-1" in email.subject
    assert "سفارش" in email.subject
    html = email.alternatives[0][0]
    assert 'dir="rtl"' in html and 'lang="fa"' in html
    assert "/fa/surveys/s/" in email.body


def test_emails_carry_an_unsubscribe_header_and_no_injected_header(deliver, mailoutbox):
    deliver("ORD-1\r\nBcc: victim@example.com", customer=EMMA)
    send_due_after(3)

    [email] = mailoutbox
    message = email.message()
    assert message["List-Unsubscribe"].startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Bcc"] is None
    assert "\n" not in email.subject and email.recipients() == ["emma@example.com"]
