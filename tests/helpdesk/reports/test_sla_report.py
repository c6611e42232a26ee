"""The managers' SLA report: the figures, the drill-down, the page, the CSV and who may see them."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test.utils import override_settings

from chat.models import Conversation, ConversationStatus
from chat.report_rows import chat_sla_figures
from helpdesk.reports import sla
from helpdesk.reports.templatetags.reports import business_duration
from helpdesk.sla.models import SlaPolicy
from helpdesk.tickets.models import Status, Ticket
from helpdesk.tickets.services import ticket_create
from tests.helpdesk.permissions import FORBIDDEN, OK, STAFF_SIGN_IN, Row, cases, check_row

pytestmark = pytest.mark.django_db

PAGE = "/en/staff/reports/sla/"
NOVEMBER = "?from=2025-11-01&to=2025-11-30"
NOV_1, NOV_30 = date(2025, 11, 1), date(2025, 11, 30)


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def ticket(customer, created: datetime, *, priority="normal", channel="web", locale="en", **stored) -> Ticket:
    """Open a ticket, then set its stored SLA figures by hand."""
    opened = ticket_create(
        customer=customer, subject="Parcel late", body="Where is it?", priority=priority, channel=channel, locale=locale
    )
    Ticket.objects.filter(pk=opened.pk).update(created_at=created, **stored)
    return opened


@pytest.fixture
def november(customer_reza, agent_sara):
    """Five normal tickets (first responses 600, 1200, 1800, 3600 s and one unanswered), one urgent."""
    for seconds in (600, 1200, 1800, 3600):
        ticket(customer_reza, at("2025-11-03"), first_response_business_seconds=seconds)
    ticket(customer_reza, at("2025-11-04"), first_response_breached=True, sla_breached=True)
    ticket(
        customer_reza,
        at("2025-11-05"),
        priority="urgent",
        channel="email",
        locale="fa",
        assignee=agent_sara,
        first_response_business_seconds=7200,
        resolution_business_seconds=9000,
        resolution_breached=True,
        first_response_breached=True,
        sla_breached=True,
        status=Status.SOLVED,
        solved_at=at("2025-11-06"),
    )
    ticket(customer_reza, at("2025-10-31"), first_response_breached=True)  # before the period
    merged_into = ticket(customer_reza, at("2025-10-01"))
    ticket(customer_reza, at("2025-11-07"), merged_into=merged_into, first_response_breached=True)  # merged away


# The numbers


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [([], 50, None), ([5], 90, 5), ([4, 1, 3, 2], 50, 2), (list(range(1, 11)), 90, 9), (list(range(1, 11)), 91, 10)],
)
def test_percentiles_take_the_nearest_rank(values, share, expected):
    assert sla.percentile(values, share) == expected


def test_business_durations_read_in_hours_and_minutes():
    assert business_duration(8100) == "2 h 15 min"
    assert business_duration(2400) == "40 min"
    assert business_duration(None) == "—"


def test_the_report_reads_the_periods_tickets_in_two_queries(november, django_assert_num_queries):
    # The counts per combination of the four groups, then the durations (or their percentiles).
    with django_assert_num_queries(2):
        report = sla.sla_report(NOV_1, NOV_30)

    total = report.total
    assert total.tickets == 6
    # 600, 1200, 1800, 3600, 7200: the median is the 3rd value, the 90th percentile the 5th.
    assert (total.first_response_median, total.first_response_p90) == (1800, 7200)
    assert (total.resolution_median, total.resolution_p90) == (9000, 9000)
    assert (total.first_response.breached, total.first_response.timed, total.first_response.percent) == (2, 6, 33.3)
    assert (total.resolution.breached, total.resolution.timed) == (1, 6)


def test_the_report_groups_by_priority_agent_channel_and_language(november):
    report = sla.sla_report(NOV_1, NOV_30)

    assert [(row.key, row.tickets) for row in report.by_priority] == [("urgent", 1), ("normal", 5)]
    assert [(row.label, row.tickets) for row in report.by_agent] == [("Sara Ahmadi", 1), ("Unassigned", 5)]
    assert [(row.key, row.tickets) for row in report.by_channel] == [("web", 5), ("email", 1)]
    assert [(row.key, row.tickets) for row in report.by_locale] == [("en", 5), ("fa", 1)]
    normal = report.by_priority[1]
    assert (normal.first_response_median, normal.first_response_p90) == (1200, 3600)  # 600, 1200, 1800, 3600
    assert normal.resolution_median is None
    assert normal.first_response.percent == 20.0


def test_a_ticket_without_a_target_is_left_out_of_the_breach_rate(customer_reza):
    ticket(customer_reza, at("2025-11-03"), sla_policy=None)
    ticket(customer_reza, at("2025-11-03"), sla_policy=None, first_response_breached=True)  # judged by an old policy
    ticket(customer_reza, at("2025-11-03"))
    SlaPolicy.objects.filter(priority="normal", channel="").update(next_response_minutes=None)

    total = sla.sla_report(NOV_1, NOV_30).total

    assert (total.first_response.breached, total.first_response.timed) == (1, 2)
    assert total.next_response.timed == 0 and total.next_response.percent is None


@override_settings(TIME_ZONE="Asia/Tehran")
def test_volume_and_backlog_follow_the_shops_days(customer_reza, django_assert_num_queries):
    ticket(customer_reza, at("2025-10-20"))  # open before the period
    ticket(customer_reza, at("2025-10-25"), status=Status.SOLVED, solved_at=at("2025-11-01"))
    ticket(customer_reza, datetime(2025, 10, 31, 21, 0, tzinfo=UTC))  # 00:30 on 1 November in Tehran
    ticket(customer_reza, at("2025-11-01"))
    ticket(customer_reza, at("2025-11-02"), status=Status.SOLVED, solved_at=at("2025-11-02", 15))

    with django_assert_num_queries(4):
        points = sla.daily_volume(date(2025, 11, 1), date(2025, 11, 3))

    assert [(p.day.day, p.created, p.solved, p.backlog) for p in points] == [(1, 2, 1, 3), (2, 1, 1, 3), (3, 0, 0, 3)]
    monthly = sla.fold_volume(points, lambda day: day.replace(day=1))
    assert [(p.created, p.solved, p.backlog) for p in monthly] == [(3, 2, 3)]


def test_the_drill_down_lists_breaching_tickets_by_target_and_group(november, agent_sara, django_assert_num_queries):
    with django_assert_num_queries(1):
        everyone = list(sla.breaching_tickets(NOV_1, NOV_30))
    assert len(everyone) == 2
    assert [t.priority for t in sla.breaching_tickets(NOV_1, NOV_30, target="resolution")] == ["urgent"]
    assert sla.breaching_tickets(NOV_1, NOV_30, assignee_id=None).count() == 1
    assert sla.breaching_tickets(NOV_1, NOV_30, assignee_id=agent_sara.pk, channel="email").count() == 1
    assert sla.breaching_tickets(NOV_1, NOV_30, locale="fa", priority="normal").count() == 0


def test_chats_report_their_first_response_in_business_time():
    SlaPolicy.objects.create(name="Chats", priority="normal", channel="chat", first_response_minutes=2)
    monday = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)  # the default calendar is open 09:00–17:00 UTC
    for reply in (1, 3, None):
        Conversation.objects.create(
            visitor_key_hash="h",
            status=ConversationStatus.ENDED,
            created_at=monday,
            queued_at=monday,
            accepted_at=monday if reply else None,
            first_agent_reply_at=monday + timedelta(minutes=reply) if reply else None,
            ended_at=monday + timedelta(minutes=10),
        )

    figures = chat_sla_figures(monday, monday + timedelta(days=1))

    assert (figures.chats, figures.human, figures.missed) == (3, 2, 1)
    assert (figures.first_response_median, figures.first_response_p90) == (60, 180)
    assert (figures.breached, figures.judged, figures.breach_percent) == (2, 3, 66.7)


# The pages


ROWS = [
    Row(method="GET", url=PAGE, anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN,
        agent_sara=FORBIDDEN, manager_lina=OK, admin_user=OK),
    Row(method="GET", url="/en/staff/reports/sla/breaches/", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=FORBIDDEN, manager_lina=OK, admin_user=OK),
    Row(method="GET", url="/en/staff/reports/sla/tickets.csv", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=FORBIDDEN, manager_lina=OK, admin_user=OK),
]  # fmt: skip


@pytest.mark.usefixtures("customer_reza", "customer_emma", "agent_sara", "manager_lina", "admin_user")
@pytest.mark.parametrize(("row", "actor"), cases(ROWS))
def test_only_managers_open_the_sla_report(client, request, row, actor):
    check_row(client, request, row, actor)


def test_the_page_opens_with_the_numbers_then_charts_tables_and_csv(client, manager_lina, november):
    client.force_login(manager_lina)

    response = client.get(PAGE + NOVEMBER)

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="{PAGE}"' in page  # the nav link
    marks = ('class="cards headline"', 'id="created-chart-title"', "<caption>Volume and backlog", "Download CSV")
    order = [page.index(mark) for mark in marks]
    assert order == sorted(order)
    assert '<th scope="row"><bdi>Normal</bdi></th>\n          <td>5</td>\n          <td>20 min</td>' in page
    assert "/en/staff/reports/sla/breaches/?from=2025-11-01&amp;to=2025-11-30&amp;target=resolution&amp;agent=" in page
    assert 'id="chat-sla-title"' in page and "No chats were opened in this period." in page
    assert 'href="/en/staff/reports/sla/tickets.csv?from=2025-11-01&amp;to=2025-11-30"' in page


def test_the_drill_down_page_links_to_each_ticket(client, manager_lina, november):
    client.force_login(manager_lina)

    page = client.get("/en/staff/reports/sla/breaches/" + NOVEMBER + "&target=resolution").content.decode()

    urgent = Ticket.objects.get(priority="urgent")
    assert f'href="/en/staff/tickets/{urgent.pk}/"' in page
    assert re.findall(r'href="/en/staff/tickets/\d+/"', page) == [f'href="/en/staff/tickets/{urgent.pk}/"']


def test_the_persian_page_reads_right_to_left_in_jalali_days(client, manager_lina, november):
    client.force_login(manager_lina)

    response = client.get("/fa/staff/reports/sla/?from=۱۴۰۴-۰۸-۱۰&to=۱۴۰۴-۰۸-۲۰")  # 1 to 11 November 2025

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in page
    assert "آبان ۱۴۰۴" in page
    assert 'direction="rtl"' in page


def test_wrong_dates_say_what_to_fix(client, manager_lina):
    client.force_login(manager_lina)

    response = client.get(PAGE + "?from=2025-11-30&to=2025-11-01")

    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()


def test_the_csv_has_a_row_per_ticket_and_defuses_formulas(client, manager_lina, agent_sara, november):
    agent_sara.first_name, agent_sara.last_name = "=HYPERLINK(1)", ""
    agent_sara.save(update_fields=["first_name", "last_name"])
    client.force_login(manager_lina)

    response = client.get("/en/staff/reports/sla/tickets.csv" + NOVEMBER)

    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["Ticket", "Created", "Priority"] and len(rows) == 7
    urgent = next(row for row in rows if row[2] == "urgent")
    assert urgent[5] == "'=HYPERLINK(1)"
    assert urgent[7:] == ["7200", "9000", "1", "0", "1", "1"]
