"""Managers' survey reports: the numbers, the page (headline, chart, table, CSV), who may see it."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from helpdesk.core.charts import bar_chart, column_chart
from helpdesk.core.csvfile import safe_cell
from helpdesk.core.dates import JALALI
from helpdesk.tickets.services import ticket_create
from surveys import reports
from surveys.models import ExitReason, SkipReason, Survey, SurveyKind, SurveyResponse, SurveyStatus
from tests.helpdesk.permissions import FORBIDDEN, OK, STAFF_SIGN_IN, Row, cases, check_row

pytestmark = pytest.mark.django_db

POST, TICKET, EXIT = SurveyKind.POST_PURCHASE, SurveyKind.TICKET, SurveyKind.EXIT
SEP, NOV = date(2025, 9, 1), date(2025, 11, 30)
PAGE = "/en/staff/surveys/"
AUTUMN = "?from=2025-09-01&to=2025-11-30"


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def survey(customer, kind=POST, *, sent=None, due=None, status=SurveyStatus.SENT, skip="", **fields) -> Survey:
    created = sent or due
    return Survey.objects.create(
        kind=kind, customer=customer, status=status, skip_reason=skip, created_at=created, send_after=due, sent_at=sent,
        **fields,
    )  # fmt: skip


def answer(customer, when, kind=POST, *, agent=None, channel="", locale="en", reasons=(), **fields) -> SurveyResponse:
    sent = survey(customer, kind, sent=when - timedelta(hours=2), agent=agent, channel=channel, locale=locale)
    response = SurveyResponse.objects.create(
        survey=sent, kind=kind, customer=customer, agent=agent, channel=channel, created_at=when, **fields
    )
    response.exit_reasons.set(reasons)
    return response


@pytest.fixture
def nps_answers(customer_reza):
    """September: 10, 9, 8, 3 (NPS 25). October: 0, 6, 7 (NPS −67). November: 10 (NPS 100)."""
    for day, scores in (("2025-09-10", (10, 9, 8, 3)), ("2025-10-05", (0, 6, 7)), ("2025-11-20", (10,))):
        for score in scores:
            answer(customer_reza, at(day), nps=score, csat=4)
    answer(customer_reza, at("2025-08-31", 23), nps=0)  # before the period
    answer(customer_reza, at("2025-10-06"), TICKET, csat=5)  # a rating, no NPS


@pytest.fixture
def ratings(customer_reza, agent_sara, agent_omar):
    for csat, channel in ((5, "email"), (4, "email"), (2, "chat")):
        answer(customer_reza, at("2025-10-01"), TICKET, csat=csat, agent=agent_sara, channel=channel)
    for csat, channel in ((1, "chat"), (5, "web")):  # the good-or-bad scale
        answer(
            customer_reza, at("2025-10-02"), TICKET, csat=csat, agent=agent_omar, channel=channel, rating_scale="binary"
        )
    answer(customer_reza, at("2025-10-03"), TICKET, csat=5, channel="web")  # nobody was assigned
    answer(customer_reza, at("2025-10-04"), POST, csat=4, nps=9)
    answer(customer_reza, at("2025-10-04"), POST, csat=3, nps=5)


@pytest.fixture
def leaving(customer_reza):
    price, _ = ExitReason.objects.get_or_create(code="price", defaults={"name": "Price", "name_fa": "قیمت"})
    rival, _ = ExitReason.objects.get_or_create(code="found-alternative", defaults={"name": "Found an alternative"})
    answer(customer_reza, at("2025-09-15"), EXIT, reasons=[price, rival])
    answer(customer_reza, at("2025-10-15"), EXIT, reasons=[price])
    answer(customer_reza, at("2025-10-16"), EXIT, reasons=[price])
    return price, rival


def test_percentages_round_halves_away_from_zero():
    assert reports.percent(1, 8) == 13
    assert reports.percent(-1, 8) == -13
    assert reports.percent(2, 3) == 67
    assert reports.percent(0, 0) is None


def test_nps_counts_each_month_in_one_query(nps_answers, django_assert_num_queries):
    with django_assert_num_queries(1):
        report = reports.nps_by_month(SEP, date(2025, 12, 31))

    counts = [(m.month, m.promoters, m.passives, m.detractors, m.nps) for m in report.months]
    assert counts == [
        (date(2025, 9, 1), 2, 1, 1, 25),
        (date(2025, 10, 1), 0, 1, 2, -67),
        (date(2025, 11, 1), 1, 0, 0, 100),
        (date(2025, 12, 1), 0, 0, 0, None),
    ]
    assert (report.total.responses, report.total.nps) == (8, 0)


def test_months_are_counted_in_the_current_time_zone(customer_reza):
    answer(customer_reza, datetime(2025, 10, 31, 21, tzinfo=UTC), nps=10)  # 00:30 on 1 November in Tehran

    utc = reports.nps_by_month(date(2025, 10, 1), NOV)
    with override_settings(TIME_ZONE="Asia/Tehran"):
        tehran = reports.nps_by_month(date(2025, 10, 1), NOV)

    assert [m.responses for m in utc.months] == [1, 0]
    assert [m.responses for m in tehran.months] == [0, 1]


def test_persian_months_are_jalali_months(customer_reza):
    answer(customer_reza, at("2025-11-10"), nps=10)  # 19 Aban 1404
    answer(customer_reza, at("2025-11-25"), nps=0)  # 4 Azar 1404

    report = reports.nps_by_month(date(2025, 11, 1), NOV, calendar=JALALI)

    assert [(m.month, m.responses, m.nps) for m in report.months] == [
        (date(2025, 10, 23), 1, 100),
        (date(2025, 11, 22), 1, -100),
    ]


def test_csat_by_agent_keeps_post_purchase_apart(ratings, django_assert_num_queries):
    with django_assert_num_queries(2):  # the survey answers, and the chats' ratings
        report = reports.csat_by_agent(SEP, NOV)

    rows = [(row.label, row.ratings, row.average, row.satisfied_percent) for row in report.rows]
    assert rows == [
        ("Omar Haddad", 2, Decimal("3.0"), 50),
        ("Sara Ahmadi", 3, Decimal("3.7"), 67),
        ("No agent", 1, Decimal("5.0"), 100),
        ("Post-purchase (no agent)", 2, Decimal("3.5"), 50),
    ]
    assert (report.total.ratings, report.total.average, report.total.satisfied_percent) == (8, Decimal("3.6"), 63)


def test_csat_by_channel(ratings, django_assert_num_queries):
    with django_assert_num_queries(2):
        report = reports.csat_by_channel(SEP, NOV)

    rows = [(row.label, row.ratings, row.average, row.satisfied_percent) for row in report.rows]
    assert rows == [
        ("Chat", 2, Decimal("1.5"), 0),
        ("Email", 2, Decimal("4.5"), 100),
        ("Web", 2, Decimal("5.0"), 100),
        ("Post-purchase", 2, Decimal("3.5"), 50),
    ]


def test_chat_ratings_count_for_their_agent_and_the_chat_channel(ratings, agent_sara):
    from chat.models import Conversation, ConversationStatus

    def rated(score, when, assignee=agent_sara):
        Conversation.objects.create(
            visitor_key_hash=f"k{score}{when:%j}", locale="en", status=ConversationStatus.ENDED, assignee=assignee,
            rating=score, rated_at=when, created_at=when, ended_at=when,
        )  # fmt: skip

    rated(5, at("2025-10-01"))
    rated(1, at("2025-10-02"), assignee=None)
    rated(5, at("2025-12-01"))  # after the period

    by_agent = {row.label: (row.ratings, row.average) for row in reports.csat_by_agent(SEP, NOV).rows}
    by_channel = {row.label: (row.ratings, row.average) for row in reports.csat_by_channel(SEP, NOV).rows}

    assert by_agent["Sara Ahmadi"] == (4, Decimal("4.0"))  # 3 ticket ratings (3.7 on average) and the chat's 5
    assert by_agent["No agent"] == (2, Decimal("3.0"))
    assert by_channel["Chat"] == (4, Decimal("2.3"))  # 2 ticket ratings (1.5) and the chats' 5 and 1


def test_response_rates_count_what_was_sent_in_the_period(customer_reza, django_assert_num_queries):
    answer(customer_reza, at("2025-10-10"), POST, nps=9)
    survey(customer_reza, POST, sent=at("2025-10-11"))
    survey(customer_reza, POST, sent=at("2025-10-12"))
    answer(customer_reza, at("2025-10-10"), TICKET, csat=4)
    survey(customer_reza, POST, sent=at("2025-08-30"))  # before the period
    for kind, reason in ((POST, SkipReason.FATIGUE), (POST, SkipReason.FATIGUE), (TICKET, SkipReason.REOPENED)):
        survey(customer_reza, kind, due=at("2025-10-01"), status=SurveyStatus.SKIPPED, skip=reason)

    with django_assert_num_queries(2):
        report = reports.response_rates(SEP, NOV)

    assert [(row.kind, row.sent, row.answered, row.rate) for row in report.rows] == [
        (POST, 3, 1, 33),
        (TICKET, 1, 1, 100),
        (EXIT, 0, 0, None),
    ]
    assert (report.total.sent, report.total.answered, report.total.rate) == (4, 2, 50)
    assert report.skipped_kinds == ["Post-purchase", "Ticket rating"]
    assert [(row.label, row.counts, row.total) for row in report.skipped] == [
        ("Surveyed recently", (2, 0), 2),
        ("Ticket reopened", (0, 1), 1),
    ]


@pytest.mark.usefixtures("leaving")
def test_exit_reasons_by_month(django_assert_num_queries):
    with django_assert_num_queries(3):
        report = reports.exit_reasons_by_month(SEP, NOV)

    column = {code: index for index, (code, _label) in enumerate(report.reasons)}
    assert [(m.month, m.answers) for m in report.months] == [
        (date(2025, 9, 1), 1),
        (date(2025, 10, 1), 2),
        (NOV.replace(day=1), 0),
    ]
    assert [m.counts[column["price"]] for m in report.months] == [1, 2, 0]
    assert [m.counts[column["found-alternative"]] for m in report.months] == [1, 0, 0]
    assert (report.answers, report.totals[column["price"]]) == (3, 3)


def test_comments_filter_and_read_their_rows_in_one_query(customer_reza, agent_sara, django_assert_num_queries):
    ticket = ticket_create(customer=customer_reza, subject="About your rating", body="Sorry", channel="web")
    answer(customer_reza, at("2025-10-01"), POST, nps=2, comment="Late again", locale="fa", follow_up_ticket=ticket)
    answer(customer_reza, at("2025-10-02"), TICKET, csat=5, comment="Sara was kind", agent=agent_sara)
    answer(customer_reza, at("2025-10-03"), POST, nps=10, comment="Lovely tea")
    answer(customer_reza, at("2025-10-04"), POST, nps=1)  # no comment

    with django_assert_num_queries(1):
        newest_first = [(a.comment, a.survey.locale, str(a.customer), str(a.agent)) for a in reports.comments(SEP, NOV)]

    assert [row[0] for row in newest_first] == ["Lovely tea", "Sara was kind", "Late again"]

    def texts(**filters):
        return [a.comment for a in reports.comments(SEP, NOV, **filters)]

    assert texts(kind=TICKET) == ["Sara was kind"]
    assert texts(max_score=5) == ["Sara was kind", "Late again"]  # the 1–5 rating where there is no NPS
    assert texts(max_score=4) == ["Late again"]
    assert texts(locale="fa") == ["Late again"]
    assert texts(has_follow_up=True) == ["Late again"]
    assert texts(has_follow_up=False) == ["Lovely tea", "Sara was kind"]


def test_charts_mirror_in_right_to_left_pages():
    points = [("Jan", 10), ("Feb", -20), ("Mar", None)]
    ltr, rtl = column_chart(points, title="NPS"), column_chart(points, title="NPS", rtl=True)

    assert ltr.bars[0].x < ltr.bars[2].x and rtl.bars[0].x > rtl.bars[2].x
    assert ltr.bars[1].negative and ltr.bars[1].y == ltr.baseline[1]
    assert ltr.bars[2].value_text == "—" and ltr.bars[2].height == 0
    bars = bar_chart([("Sara", 50), ("Omar", 100)], title="CSAT", rtl=True, maximum=100)
    assert bars.direction == "rtl" and bars.bars[0].width * 2 == bars.bars[1].width
    assert bars.bars[1].x + bars.bars[1].width == bars.width - 8  # growing from the right edge


# The page


ROWS = [
    Row(method="GET", url=PAGE, anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN,
        agent_sara=FORBIDDEN, manager_lina=OK, admin_user=OK),
    Row(method="GET", url="/en/staff/surveys/nps.csv", anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN,
        customer_emma=STAFF_SIGN_IN, agent_sara=FORBIDDEN, manager_lina=OK, admin_user=OK),
]  # fmt: skip


@pytest.mark.usefixtures("customer_reza", "customer_emma", "agent_sara", "manager_lina", "admin_user")
@pytest.mark.parametrize(("row", "actor"), cases(ROWS))
def test_only_managers_open_the_reports(client, request, row, actor):
    check_row(client, request, row, actor)


def test_the_page_opens_with_the_numbers_then_chart_table_and_csv(client, manager_lina, nps_answers, ratings):
    client.force_login(manager_lina)
    response = client.get(PAGE + AUTUMN)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="/en/staff/surveys/"' in page  # the nav link
    section = page[page.index('id="nps-title"') :]
    order = [section.index(mark) for mark in ('<svg class="bar-chart"', "<caption>NPS by month", "Download CSV")]
    assert order == sorted(order)
    assert page.index('class="cards headline"') < page.index('id="nps-title"')
    # October: 0, 6, 7 and the two post-purchase answers of `ratings`, 9 and 5.
    october = '<th scope="row">October 2025</th><td>5</td><td>1</td><td>1</td><td>3</td><td><bdi class="ltr">-40</bdi>'
    assert october in page
    assert 'role="img" aria-labelledby="nps-chart-title"' in page
    assert '<th scope="row"><bdi>Sara Ahmadi</bdi></th><td>3</td><td>3.7</td><td>67%</td>' in page
    assert 'href="/en/staff/surveys/nps.csv?from=2025-09-01&amp;to=2025-11-30"' in page


def test_agents_see_no_surveys_link(client, agent_sara):
    client.force_login(agent_sara)
    assert "/en/staff/surveys/" not in client.get("/en/").content.decode()


def test_the_persian_page_reads_right_to_left_in_jalali_months(client, manager_lina, customer_reza):
    answer(customer_reza, at("2025-11-10"), nps=10)
    client.force_login(manager_lina)

    response = client.get("/fa/staff/surveys/?from=۱۴۰۴-۰۸-۰۱&to=۲۰۲۵-۱۱-۳۰")  # 1 Aban 1404, in Persian digits

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in page
    assert '<th scope="row">آبان ۱۴۰۴</th><td>1</td>' in page
    assert '<th scope="row">آذر ۱۴۰۴</th><td>0</td>' in page
    assert 'direction="rtl"' in page


def test_the_period_defaults_to_the_last_twelve_months(client, manager_lina):
    client.force_login(manager_lina)
    with time_machine.travel(datetime(2025, 11, 26, 9, tzinfo=UTC), tick=False):
        english = client.get(PAGE).content.decode()
        persian = client.get("/fa/staff/surveys/").content.decode()

    assert 'name="from" value="2024-12-01"' in english and 'name="to" value="2025-11-26"' in english
    assert 'name="from" value="2024-12-21"' in persian  # 1 Dey 1403


@pytest.mark.parametrize(("query", "error"), [
    ("?from=2025-11-30&to=2025-09-01", "The end date must be on or after the start date."),
    ("?from=2015-01-01&to=2025-09-01", "Choose a period of at most five years."),
    ("?from=soon", "Enter a valid date."),
])  # fmt: skip
def test_wrong_dates_say_what_to_fix(client, manager_lina, query, error):
    client.force_login(manager_lina)
    response = client.get(PAGE + query)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert client.get("/en/staff/surveys/nps.csv" + query).status_code == 400


def test_comments_are_filtered_and_paged(client, manager_lina, customer_reza):
    for day in range(1, 31):
        answer(customer_reza, at(f"2025-10-{day:02}"), TICKET, csat=1, comment=f"Slow reply {day}")
    answer(customer_reza, at("2025-10-15"), POST, nps=10, comment="ممنون، سفارش ORD-12 رسید")
    client.force_login(manager_lina)

    page = client.get(PAGE + AUTUMN + "&kind=ticket&max_score=۲").content.decode()

    assert "30 comments, newest first." in page
    assert "Slow reply 30" in page and "Slow reply 5" not in page and "ORD-12" not in page
    assert "Page 1 of 2" in page
    assert "kind=ticket&amp;max_score=%DB%B2&amp;page=2#comments" in page
    assert '<blockquote dir="auto">Slow reply 30</blockquote>' in page
    assert "/en/staff/surveys/comments.csv?from=2025-09-01&amp;to=2025-11-30&amp;kind=ticket" in page


def test_the_page_reads_the_same_number_of_queries_however_many_rows(client, manager_lina, customer_reza, agent_sara):
    client.force_login(manager_lina)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE + AUTUMN).status_code == 200
        return len(captured)

    answer(customer_reza, at("2025-10-01"), TICKET, csat=4, agent=agent_sara, comment="Fine")
    few = queries()
    for day in range(2, 20):
        answer(customer_reza, at(f"2025-09-{day:02}"), POST, nps=day % 11, csat=3, comment=f"Note {day}")
        answer(customer_reza, at(f"2025-11-{day:02}"), TICKET, csat=2, agent=agent_sara, channel="chat", comment="x")
    assert queries() == few


# CSV


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_nps_csv_downloads_with_a_byte_order_mark(client, manager_lina, nps_answers):
    client.force_login(manager_lina)
    response = client.get("/en/staff/surveys/nps.csv" + AUTUMN)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="surveys-nps-2025-09-01-2025-11-30.csv"'
    rows = read_csv(response)
    assert rows[0] == ["Month", "Month starts", "Answers", "Promoters", "Passives", "Detractors", "NPS"]
    assert rows[2] == ["October 2025", "2025-10-01", "3", "0", "1", "2", "-67"]
    assert rows[-1] == ["Whole period", "", "8", "3", "2", "3", "0"]


def test_persian_csv_names_jalali_months(client, manager_lina, customer_reza):
    answer(customer_reza, at("2025-11-25"), nps=9)
    client.force_login(manager_lina)

    rows = read_csv(client.get("/fa/staff/surveys/nps.csv?from=2025-11-22&to=2025-11-30"))

    assert rows[1][:3] == ["آذر ۱۴۰۴", "2025-11-22", "1"]


def test_comment_csv_defuses_formulas(client, manager_lina, customer_reza):
    for hour, text in enumerate(('=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)", "Plain, with a comma")):
        answer(customer_reza, at("2025-10-01", hour + 1), POST, nps=3, comment=text)
    client.force_login(manager_lina)

    rows = read_csv(client.get("/en/staff/surveys/comments.csv" + AUTUMN))

    assert [row[-1] for row in rows[1:]] == [
        "Plain, with a comma", "'@SUM(A1)", "'-2", "'+1+1", "'=HYPERLINK(\"http://evil\")",
    ]  # fmt: skip
    assert [row[2] for row in rows[1:]] == ["3"] * 5
    assert safe_cell(-67) == -67 and safe_cell(None) == ""


def test_every_report_downloads(client, manager_lina, nps_answers, ratings, leaving):
    client.force_login(manager_lina)
    for name in ("csat-agents", "csat-channels", "response-rates", "skipped", "exit-reasons", "comments"):
        response = client.get(f"/en/staff/surveys/{name}.csv" + AUTUMN)
        assert response.status_code == 200, name
        assert read_csv(response)[0], name
    assert read_csv(client.get("/en/staff/surveys/csat-agents.csv" + AUTUMN))[2] == ["Sara Ahmadi", "3", "3.7", "67"]
    assert client.get("/en/staff/surveys/secrets.csv" + AUTUMN).status_code == 404
