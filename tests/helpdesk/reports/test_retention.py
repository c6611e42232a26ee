"""The retention insight: who falls in which group, what followed their contact, the page, the CSV, who may see it.

The March 2025 cast; every figure below is worked out by hand from it. "Day n" counts from the
customer's first contact in March (their anchor).

- amir: tickets on 10 Mar (SLA met) and 25 Mar. Not credited. Ordered on day 89; exit survey on
  day 100 (too late); NPS 10.
- bita: ticket on 10 Mar, first response breached. Credited USD 10 on 12 Mar. Ordered on day 91
  (too late) and a cancelled order on day 10; exit survey on day 40; NPS 3.
- cyrus: a chat on 10 Mar the bot handled alone (no SLA target). Ordered on day 1; exit survey
  before his contact; NPS 9 (and a 0 on day 100, a 1 the day before, a ticket rating).
- dara: a chat on 10 Mar a person answered in 1 minute (2 allowed: SLA met). Credited USD 30 and 20
  on 9 Mar, before her chat (so "not credited", yet in the return on credit); her only order after
  the chat was returned; NPS 7.
- elham: a chat on 10 Mar that asked for a person nobody took (breached; in neither handling group).
  Credited EUR 20 on 20 Mar; ordered EUR 45 on day 15; exit survey on day 10.
- hamid: a bot chat on 5 Mar, then a ticket on 20 Mar (SLA met, handled by a person). Ordered on
  day 91 from his chat (day 76 from his ticket: too late).

Left out of everything: farid (ticket in February), gita (her March ticket was merged away), an
anonymous chat, and kian (credited in March without contacting support: only in the return on credit).
"""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from chat.metrics import chat_clock, first_response_verdict
from chat.models import Conversation, ConversationStatus
from helpdesk.credits.models import CreditAccount, CreditEntry, EntryKind
from helpdesk.customers.services import CustomerData, customer_upsert
from helpdesk.orders.models import Order, OrderStatus
from helpdesk.reports import retention
from helpdesk.sla.models import SlaPolicy
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.services import ticket_create
from surveys.models import Survey, SurveyKind, SurveyResponse, SurveyStatus
from surveys.reports import net_promoter_score
from tests.helpdesk.permissions import BAD_REQUEST, FORBIDDEN, OK, STAFF_SIGN_IN, Row, cases, check_row

pytestmark = pytest.mark.django_db

PAGE = "/en/staff/reports/retention/"
MARCH = "?from=2025-03-01&to=2025-03-31"
MAR_1, MAR_31 = date(2025, 3, 1), date(2025, 3, 31)
MONDAY = datetime(2025, 3, 10, 10, 0, tzinfo=UTC)  # the default calendar is open 09:00–17:00 UTC
LATER = datetime(2026, 1, 1, tzinfo=UTC)  # every 90-day window of March 2025 has ended


def person(name: str):
    data = CustomerData(external_id=f"c-{name}", email=f"{name}@example.com", name=name.title())
    return customer_upsert(data=data)[0]


def ticket(customer, created: datetime, **stored) -> Ticket:
    opened = ticket_create(customer=customer, subject="Parcel late", body="Where is it?")
    Ticket.objects.filter(pk=opened.pk).update(created_at=created, **stored)
    return opened


def chat(customer, started: datetime, *, handled: str) -> Conversation:
    """An ended chat: the bot's alone, taken by a person who wrote after a minute, or missed after ten."""
    queued = None if handled == "bot" else started
    accepted = started if handled == "human" else None
    replied = started + timedelta(minutes=1) if accepted else None
    # Timed as the write path times a first reply (chat.services.chat_message_post).
    business, breached = first_response_verdict(chat_clock(), queued, replied) if replied else (None, None)
    return Conversation.objects.create(
        visitor_key_hash="h",
        customer=customer,
        status=ConversationStatus.ENDED,
        created_at=started,
        queued_at=queued,
        accepted_at=accepted,
        first_agent_reply_at=replied,
        first_response_business_seconds=business,
        first_response_breached=breached,
        ended_at=started + timedelta(minutes=10),
    )


def order(customer, placed: datetime, total="10.00", currency="USD", status=OrderStatus.DELIVERED) -> Order:
    number = Order.objects.count() + 1
    return Order.objects.create(
        external_id=f"ORD-{number}", customer=customer, status=status, placed_at=placed, total=Decimal(total),
        currency=currency,
    )  # fmt: skip


def grant(customer, at: datetime, amount: str, currency="USD") -> CreditEntry:
    account, _created = CreditAccount.objects.get_or_create(customer=customer, currency=currency)
    return CreditEntry.objects.create(
        account=account, kind=EntryKind.GRANT, amount=Decimal(amount), balance_after=Decimal(amount),
        actor_label="test", created_at=at,
    )  # fmt: skip


def exit_survey(customer, at: datetime) -> Survey:
    return Survey.objects.create(kind=SurveyKind.EXIT, customer=customer, status=SurveyStatus.SENT, created_at=at)


def nps_answer(customer, at: datetime, score: int, kind=SurveyKind.POST_PURCHASE) -> SurveyResponse:
    sent = Survey.objects.create(kind=kind, customer=customer, status=SurveyStatus.ANSWERED, created_at=at)
    return SurveyResponse.objects.create(survey=sent, kind=kind, customer=customer, nps=score, created_at=at)


def days(count: int, since: datetime = MONDAY) -> datetime:
    return since + timedelta(days=count)


@pytest.fixture
def chat_policy(db):
    return SlaPolicy.objects.create(name="Chats", priority="normal", channel="chat", first_response_minutes=2)


@pytest.fixture
def march(chat_policy):
    """The cast of the module docstring."""
    cast = {name: person(name) for name in ("amir", "bita", "cyrus", "dara", "elham", "hamid", "farid", "gita", "kian")}
    amir, bita, cyrus, dara, elham, hamid = (cast[n] for n in ("amir", "bita", "cyrus", "dara", "elham", "hamid"))

    ticket(amir, MONDAY)
    ticket(amir, datetime(2025, 3, 25, 9, tzinfo=UTC))
    order(amir, days(89))
    exit_survey(amir, days(100))
    nps_answer(amir, days(20), 10)

    ticket(bita, MONDAY, first_response_breached=True, sla_breached=True)
    grant(bita, days(2), "10")
    grant(bita, datetime(2025, 2, 1, tzinfo=UTC), "99")  # before the period
    order(bita, days(91), "70.00")  # day 91 after her contact, day 89 after her credit
    order(bita, days(10), "500.00", status=OrderStatus.CANCELLED)
    exit_survey(bita, days(40))
    nps_answer(bita, days(5), 3)

    chat(cyrus, MONDAY, handled="bot")
    order(cyrus, days(1))
    exit_survey(cyrus, datetime(2025, 3, 1, tzinfo=UTC))  # before his contact
    nps_answer(cyrus, days(2), 9)
    nps_answer(cyrus, days(100), 0)  # too late
    nps_answer(cyrus, days(-1), 1)  # before his contact
    nps_answer(cyrus, days(3), 2, kind=SurveyKind.TICKET)  # not a post-purchase answer

    chat(dara, MONDAY, handled="human")
    grant(dara, days(-1), "30")  # before her contact: in the return on credit, not "credited"
    grant(dara, days(-1) + timedelta(hours=1), "20")
    order(dara, days(-1) + timedelta(hours=2), "25.00")  # after her credit, before her contact
    order(dara, days(30), "80.00", status=OrderStatus.RETURNED)
    nps_answer(dara, days(3), 7)

    chat(elham, MONDAY, handled="missed")
    grant(elham, datetime(2025, 3, 20, tzinfo=UTC), "20", currency="EUR")
    order(elham, days(15), "45.00", currency="EUR")
    exit_survey(elham, days(10))

    hamid_bot = datetime(2025, 3, 5, 10, tzinfo=UTC)
    chat(hamid, hamid_bot, handled="bot")
    ticket(hamid, datetime(2025, 3, 20, 10, tzinfo=UTC))
    order(hamid, days(91, since=hamid_bot))  # 76 days after his ticket, 91 after his first contact

    february = ticket(cast["farid"], datetime(2025, 2, 20, tzinfo=UTC))
    order(cast["farid"], days(5))
    ticket(cast["gita"], MONDAY, merged_into=february, first_response_breached=True)
    order(cast["gita"], days(5))
    chat(None, MONDAY, handled="human")

    kian = cast["kian"]
    grant(kian, datetime(2025, 3, 15, tzinfo=UTC), "40")
    order(kian, datetime(2025, 4, 14, tzinfo=UTC), "100.00")
    order(kian, datetime(2025, 4, 14, tzinfo=UTC), "50.00", currency="EUR")  # no EUR credit
    order(kian, datetime(2025, 6, 19, tzinfo=UTC), "60.00")  # 96 days after
    return cast


def figures(group: retention.GroupFigures) -> tuple:
    """(customers, NPS, its n, ordered again %, its n, exit survey %, its n)"""
    return (
        group.customers,
        group.nps.score,
        group.nps.sample,
        group.repeat_purchase.percent,
        group.repeat_purchase.sample,
        group.exit_survey.percent,
        group.exit_survey.sample,
    )


def comparison(report, key: str) -> retention.Comparison:
    return next(found for found in report.comparisons if found.key == key)


# The numbers


def test_nps_is_promoters_minus_detractors_as_whole_percentages():
    tally = retention.nps_of([10, 9, 8, 7, 6, 0])
    assert (tally.promoters, tally.passives, tally.detractors, tally.sample) == (2, 2, 2, 6)
    assert tally.score == 0
    assert retention.nps_of([10, 9, 7]).score == 67  # 66.7 rounds up
    assert retention.nps_of([0, 0, 7]).score == -67  # halves and beyond round away from zero
    assert net_promoter_score(1, 0, 8) == 13  # 12.5
    assert retention.nps_of([]).score is None


def test_everyone_with_a_contact_in_the_period_counts_once_from_their_first_contact(march):
    report = retention.retention_report(MAR_1, MAR_31, now=LATER)

    # Six customers (farid, gita, kian and the anonymous chat are not among them). NPS: 10, 3, 9, 7 → 2
    # promoters, 1 detractor of 4 = 25. Ordered again: amir, cyrus, elham of 6. Exit survey: bita, elham of 6.
    assert figures(report.everyone) == (6, 25, 4, 50, 6, 33, 6)
    assert (report.open_windows, report.last_window_ends) == (0, None)


def test_chats_answered_before_first_responses_were_stored_count_the_same(march):
    stored = retention.retention_report(MAR_1, MAR_31, now=LATER)
    Conversation.objects.update(first_response_business_seconds=None, first_response_breached=None)

    assert retention.retention_report(MAR_1, MAR_31, now=LATER) == stored


def test_customers_are_grouped_by_sla_credit_and_handling(march):
    report = retention.retention_report(MAR_1, MAR_31, now=LATER)

    sla = comparison(report, "sla")
    met, breached = sla.groups
    assert (met.label, breached.label, sla.left_out) == ("SLA met", "SLA breached", 1)  # cyrus had no target
    assert figures(met) == (3, 50, 2, 33, 3, 0, 3)  # amir, dara, hamid: NPS 10, 7; amir ordered again
    assert figures(breached) == (2, -100, 1, 50, 2, 100, 2)  # bita and elham (a missed chat)

    credit = comparison(report, "credit")
    credited, not_credited = credit.groups
    assert credit.left_out == 0
    assert figures(credited) == (2, -100, 1, 50, 2, 100, 2)  # bita, elham; dara's credit came before her chat
    assert figures(not_credited) == (4, 67, 3, 50, 4, 0, 4)  # amir, cyrus, dara, hamid: NPS 10, 9, 7

    handling = comparison(report, "handling")
    bot, human = handling.groups
    assert handling.left_out == 1  # elham: only a missed chat
    assert figures(bot) == (1, 100, 1, 100, 1, 0, 1)  # cyrus
    assert figures(human) == (4, 0, 3, 25, 4, 25, 4)  # amir, bita, dara, hamid (a bot chat and a ticket)


@pytest.mark.parametrize(
    ("after", "status", "counts"),
    [
        (timedelta(days=89), OrderStatus.DELIVERED, True),
        (timedelta(days=90), OrderStatus.PLACED, True),
        (timedelta(days=91), OrderStatus.DELIVERED, False),
        (timedelta(days=10), OrderStatus.CANCELLED, False),
        (timedelta(days=10), OrderStatus.RETURNED, False),
        (timedelta(0), OrderStatus.DELIVERED, False),  # at the very moment of the contact: not after it
        (-timedelta(hours=1), OrderStatus.DELIVERED, False),
    ],
)
def test_an_order_counts_when_placed_within_90_days_after_the_first_contact(after, status, counts):
    customer = person("amir")
    ticket(customer, MONDAY)
    order(customer, MONDAY + after, status=status)

    everyone = retention.retention_report(MAR_1, MAR_31, now=LATER).everyone

    assert (everyone.repeat_purchase.count, everyone.repeat_purchase.sample) == (int(counts), 1)


@pytest.mark.parametrize(
    ("after", "counts"),
    [
        (timedelta(days=90), True),
        (timedelta(days=90, microseconds=1), False),
        (timedelta(days=90, microseconds=-1), True),
        (timedelta(microseconds=1), True),
    ],
)
def test_the_90_days_end_to_the_microsecond(after, counts):
    """The database works out each window's end itself: fractions of a second are kept."""
    customer = person("amir")
    anchor = MONDAY + timedelta(microseconds=500_000)
    ticket(customer, anchor)
    order(customer, anchor + after)
    exit_survey(customer, anchor + after)
    nps_answer(customer, anchor + after, 10)

    everyone = retention.retention_report(MAR_1, MAR_31, now=LATER).everyone

    assert (everyone.repeat_purchase.count, everyone.exit_survey.count, everyone.nps.sample) == (int(counts),) * 3


def test_rates_wait_for_the_90_days_to_end_and_say_until_when(march):
    now = datetime(2025, 6, 5, tzinfo=UTC)  # hamid's window (from 5 March) has ended, the others' (10 March) not

    report = retention.retention_report(MAR_1, MAR_31, now=now)

    assert (report.open_windows, report.last_window_ends) == (5, days(90))
    assert figures(report.everyone) == (6, 25, 4, 0, 1, 0, 1)  # NPS answers so far still count
    breached = comparison(report, "sla").groups[1]
    assert (breached.repeat_purchase.percent, breached.repeat_purchase.sample) == (None, 0)
    assert not breached.repeat_purchase.small and breached.nps.small


def test_the_return_on_credit_is_kept_per_currency(march):
    rows = retention.credit_return(MAR_1, MAR_31, now=LATER)

    # USD: bita 10, dara 30 + 20, kian 40 = 100 granted to 3 customers; their USD orders within 90 days of
    # their first credit: bita 70 (day 89), dara 25, kian 100 (not kian's 60 on day 96, nor the cancelled
    # and returned ones) = 3 orders, 195. EUR: elham 20, her order of 45 (kian's EUR order had no EUR credit).
    assert [(r.currency, r.granted, r.customers, r.orders, r.ordered, r.ratio) for r in rows] == [
        ("EUR", Decimal("20.00"), 1, 1, Decimal("45.00"), Decimal("2.25")),
        ("USD", Decimal("100.00"), 3, 3, Decimal("195.00"), Decimal("1.95")),
    ]
    assert [r.open_windows for r in rows] == [0, 0]
    later = retention.credit_return(MAR_1, MAR_31, now=datetime(2025, 6, 9, tzinfo=UTC))
    assert [r.open_windows for r in later] == [1, 2]  # elham (20 Mar); bita (12 Mar) and kian (15 Mar)


def test_the_report_reads_a_fixed_number_of_queries_however_many_customers(march, django_assert_num_queries):
    with django_assert_num_queries(6):
        retention.retention_report(MAR_1, MAR_31, now=LATER)
    for number in range(5):
        someone = person(f"more{number}")
        ticket(someone, MONDAY)
        chat(someone, MONDAY, handled="human")
        order(someone, days(3))
        grant(someone, days(1), "5")
        nps_answer(someone, days(4), 9)

    with django_assert_num_queries(6):
        report = retention.retention_report(MAR_1, MAR_31, now=LATER)
    assert report.everyone.customers == 11


# The pages


ROWS = [
    Row(method="GET", url=PAGE, anonymous=STAFF_SIGN_IN, customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN,
        agent_sara=FORBIDDEN, manager_lina=OK, admin_user=OK),
    Row(method="GET", url=PAGE + "?from=2025-03-31&to=2025-03-01", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN, agent_sara=FORBIDDEN, manager_lina=BAD_REQUEST,
        admin_user=BAD_REQUEST),
    Row(method="GET", url="/en/staff/reports/retention/groups.csv", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN, agent_sara=FORBIDDEN, manager_lina=OK,
        admin_user=OK),
    Row(method="GET", url="/en/staff/reports/retention/credit.csv", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN, agent_sara=FORBIDDEN, manager_lina=OK,
        admin_user=OK),
]  # fmt: skip


@pytest.mark.usefixtures("customer_reza", "customer_emma", "agent_sara", "manager_lina", "admin_user")
@pytest.mark.parametrize(("row", "actor"), cases(ROWS))
def test_only_managers_open_the_retention_report(client, request, row, actor):
    check_row(client, request, row, actor)


def test_the_page_opens_with_the_correlation_note_then_numbers_charts_tables_and_csv(client, manager_lina, march):
    client.force_login(manager_lina)

    response = client.get(PAGE + MARCH)

    page = response.content.decode()
    assert response.status_code == 200
    marks = (
        "These figures show correlation, not cause:",
        'class="cards headline"',
        'id="sla-rates-chart-title"',
        "<caption>SLA met or breached</caption>",
        'id="credit-rates-chart-title"',
        'id="handling-nps-chart-title"',
        "/en/staff/reports/retention/groups.csv?from=2025-03-01&amp;to=2025-03-31",
        "<caption>Return on credit, by currency</caption>",
        "/en/staff/reports/retention/credit.csv?from=2025-03-01&amp;to=2025-03-31",
    )
    order_on_page = [page.index(mark) for mark in marks]
    assert order_on_page == sorted(order_on_page)
    assert "<title>SLA breached: ordered again (n = 2): 50%</title>" in page  # a bar's tooltip: label, n, value
    breached_row = page[page.index('<th scope="row">SLA breached</th>') :].split("</tr>")[0]
    assert "<td>2</td>" in breached_row
    assert '<bdi class="ltr">-100</bdi>\n<span class="sample">(n = 1)</span> <em class="small-sample">small sample' in (
        breached_row
    )
    assert "1 customer had no SLA target at all" in page
    assert "1 customer asked for a person in a chat that nobody took" in page
    assert "<td>3</td>" in page[page.index('<bdi class="ltr">USD</bdi>') :].split("</tr>")[0]  # 3 USD orders
    assert "$195.00" in page and "€45.00" in page and '<bdi class="ltr">1.95</bdi>' in page
    assert "have not ended yet" not in page


def test_open_windows_show_a_dash_and_until_when_they_run(client, manager_lina, march):
    client.force_login(manager_lina)

    with time_machine.travel(datetime(2025, 6, 5, tzinfo=UTC), tick=False):
        page = client.get(PAGE + MARCH).content.decode()

    assert "5 customers' 90 days have not ended yet (windows still open until 8 June 2025)" in page
    breached_row = page[page.index('<th scope="row">SLA breached</th>') :].split("</tr>")[0]
    assert '<td>—\n<span class="sample">(n = 0)</span></td>' in breached_row


def test_the_persian_page_reads_right_to_left_in_jalali_days(client, manager_lina, march):
    client.force_login(manager_lina)

    response = client.get("/fa/staff/reports/retention/?from=۱۴۰۳-۱۲-۱۱&to=۱۴۰۴-۰۱-۱۱")  # 1 to 31 March 2025

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in page
    assert "۱۱ اسفند ۱۴۰۳" in page and "۱۱ فروردین ۱۴۰۴" in page
    assert 'direction="rtl"' in page
    assert 'href="/fa/staff/reports/retention/groups.csv?from=2025-03-01&amp;to=2025-03-31"' in page


def test_wrong_dates_say_what_to_fix(client, manager_lina):
    client.force_login(manager_lina)

    for url in (PAGE, "/en/staff/reports/retention/groups.csv"):
        response = client.get(url + "?from=2025-03-31&to=2025-03-01")

        assert response.status_code == 400
        assert "The end date must be on or after the start date." in response.content.decode()


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_groups_csv_has_a_row_per_group_with_its_counts(client, manager_lina, march):
    client.force_login(manager_lina)

    response = client.get("/en/staff/reports/retention/groups.csv" + MARCH)

    assert response["Content-Disposition"] == 'attachment; filename="retention-groups-2025-03-01-2025-03-31.csv"'
    rows = read_csv(response)
    assert rows[0][:5] == ["Comparison", "Group", "Customers", "NPS", "NPS answers"]
    assert rows[1] == ["All", "Everyone with a contact", "6", "25", "4", "2", "1", "1", "50", "3", "6", "33", "2"]
    breached = ["SLA met or breached", "SLA breached", "2", "-100", "1", "0", "0", "1", "50", "1", "2", "100", "2"]
    assert rows[3] == breached
    assert [row[1] for row in rows[2:]] == [
        "SLA met", "SLA breached", "Credited", "Not credited", "Resolved by the bot", "Handled by a person",
    ]  # fmt: skip


def test_the_credit_csv_keeps_currencies_apart_and_defuses_formulas(client, manager_lina, march):
    grant(march["kian"], datetime(2025, 3, 16, tzinfo=UTC), "5", currency="=1+")  # a shop sent a strange code
    client.force_login(manager_lina)

    rows = read_csv(client.get("/en/staff/reports/retention/credit.csv" + MARCH))

    assert rows[0][:3] == ["Currency", "Credit granted", "Credited customers"]
    assert rows[1:] == [
        ["'=1+", "5.00", "1", "0", "0.00", "0.00", "0"],
        ["EUR", "20.00", "1", "1", "45.00", "2.25", "0"],
        ["USD", "100.00", "3", "3", "195.00", "1.95", "0"],
    ]
