"""The retention insight's customers, folded in the database into cohorts that share every group flag.

One query (docs/reports.md, "Retention insight"): the period's tickets and chats are folded per
customer (their anchor, the first contact, and what their contacts were), each customer is followed
for their 90 days (a sale, an exit survey, NPS answers) and for a grant after their anchor, and the
customers are then counted per combination of those flags and of whether their 90 days have ended.
A row per cohort comes back (a few dozen), not a row per customer, and no datetime but the latest
anchor of each cohort.

The chats that asked for a person and have no stored first-response verdict are the exception: their
verdict is timed in Python (`chat.metrics`), so each customer with such a chat and no other breach
comes back as a cohort of one, to be marked by the caller (`chats_to_time`).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from chat.metrics import UNTIMED, chats_started_between, untimed
from chat.models import Conversation
from helpdesk.credits.models import CreditAccount, CreditEntry, EntryKind
from helpdesk.credits.reports import NOT_SALES
from helpdesk.orders.models import Order
from helpdesk.sla.models import SlaPolicy
from surveys.models import Survey, SurveyKind, SurveyResponse
from surveys.reports import PASSIVE_MIN, PROMOTER_MIN

from .sla import TARGETS, period_bounds, tickets_created_between

WINDOW = timedelta(days=90)
CHAT_COLUMNS = ("first", "breached", "timed", "bot", "human", "unanswered", "untimed")


@dataclass
class Cohort:
    """Customers with the same flags (for the groups), counted with what followed their contact."""

    ticket: bool
    breached: bool  # any ticket breached a target, or any chat its first response
    timed: bool  # any ticket had a target, or any chat has a first-response verdict
    bot_chat: bool
    human_chat: bool
    unanswered_chat: bool  # asked for a person nobody took (missed, or still waiting)
    credited: bool  # granted credit at or after their anchor, before the period's end
    closed: bool  # their 90 days have ended
    customers: int
    bought_again: int  # customers with a sale within their 90 days
    exit_surveyed: int  # customers sent to an exit survey within their 90 days
    promoters: int  # NPS answers within their 90 days, by band
    passives: int
    detractors: int
    last_anchor: datetime | None  # the latest first contact among them
    customer_id: int | None = None  # set for a customer whose chats are timed by the caller


def _flag(condition: Q) -> Case:
    """Whether the row meets `condition`: 1 or 0."""
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


TICKET_BREACHED = Q(first_response_breached=True) | Q(next_response_breached=True) | Q(resolution_breached=True)
ASKED = Q(queued_at__isnull=False)  # the visitor asked for a person
CHAT_BREACHED = ~UNTIMED & Q(first_response_breached=True)  # a stored verdict


def _ticket_contacts(start: date, end: date) -> QuerySet:
    """The period's tickets as contacts: when, whether any target was breached, whether any was set."""
    with_target = Q()
    for target in TARGETS:
        with_target |= Q(**{f"{target}_minutes__isnull": False})
    # The few policies with a target, looked up once, rather than a join per ticket.
    timed = TICKET_BREACHED | Q(sla_policy__in=SlaPolicy.objects.filter(with_target).values("pk"))
    return (
        tickets_created_between(start, end)
        .annotate(contact_first=F("created_at"), contact_breached=_flag(TICKET_BREACHED), contact_timed=_flag(timed))
        .values("customer_id", "contact_first", "contact_breached", "contact_timed")
        .order_by()
    )


def _chat_contacts(start: date, end: date) -> QuerySet:
    """The period's chats of known customers as contacts; verdicts only from those that have one stored."""
    asked, untimed = ASKED, UNTIMED
    return (
        chats_started_between(*period_bounds(start, end))
        .filter(customer__isnull=False)
        .annotate(
            contact_first=F("created_at"),
            contact_breached=_flag(CHAT_BREACHED),
            contact_timed=_flag(~untimed & Q(first_response_breached__isnull=False)),
            contact_bot=_flag(~asked),
            contact_human=_flag(asked & Q(accepted_at__isnull=False)),
            contact_unanswered=_flag(asked & Q(accepted_at__isnull=True)),
            contact_untimed=_flag(untimed),
        )
        .values("customer_id", *(f"contact_{name}" for name in CHAT_COLUMNS))
        .order_by()
    )


def chats_to_time(start: date, end: date) -> QuerySet[Conversation]:
    """The period's chats without a stored verdict whose customer breached nothing else in the period.

    Only their verdict can change a cohort: a customer who breached already is breached whatever it is.
    """
    breached_tickets = tickets_created_between(start, end).filter(TICKET_BREACHED, customer_id=OuterRef("customer_id"))
    chats = chats_started_between(*period_bounds(start, end))
    breached_chats = chats.filter(CHAT_BREACHED, customer_id=OuterRef("customer_id"))
    return untimed(chats.filter(customer__isnull=False)).filter(~Exists(breached_tickets), ~Exists(breached_chats))


def _name(model, field: str | None = None) -> str:
    """The quoted table of `model`, or the quoted column of its `field`."""
    quote = connection.ops.quote_name
    return quote(model._meta.db_table if field is None else model._meta.get_field(field).column)


def _window_end(moment: str) -> str:
    """SQL for 90 × 24 hours after the datetime column `moment`, exactly (in the database's own format)."""
    seconds = int(WINDOW.total_seconds())
    if connection.vendor == "sqlite":
        # Stored as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC; datetime() drops the fraction, so it is put back.
        return f"(datetime({moment}, '+{seconds} seconds') || substr({moment}, 20))"
    return f"({moment} + interval '{seconds} seconds')"


def _kind(column: str) -> str:
    """A kind column compared as an expression, which no index serves.

    SQLite would otherwise read the rows through the (kind, created_at) indexes, every answer or
    grant of the window for each customer, instead of through the customer's own few rows.
    """
    return f"({column} || '')"


def _follow_ups(period_end: datetime) -> tuple[list[str], list]:
    """The correlated subqueries over a contact `c` (a sale, an exit survey, a grant) and their parameters."""
    end = "c.ends"

    def within(model, moment: str, condition: str) -> str:
        table, at, who = _name(model), _name(model, moment), _name(model, "customer")
        after = f"f.{at} > c.anchor AND f.{at} <= {end}"
        return f"FROM {table} AS f WHERE f.{who} = c.customer_id AND {after} AND {condition}"

    sales = ", ".join(["%s"] * len(NOT_SALES))
    granted_at, account = f"g.{_name(CreditEntry, 'created_at')}", f"g.{_name(CreditEntry, 'account')}"
    grant = f"{_kind('g.' + _name(CreditEntry, 'kind'))} = %s AND {granted_at} >= c.anchor AND {granted_at} < %s"
    grants = (  # the customer's accounts, then each account's entries: an index for each step
        f"FROM {_name(CreditAccount)} AS f WHERE f.{_name(CreditAccount, 'customer')} = c.customer_id AND EXISTS ("  # noqa: S608
        f"SELECT 1 FROM {_name(CreditEntry)} AS g WHERE {account} = f.{_name(CreditAccount, 'id')} AND {grant})"
    )
    sold = within(Order, "placed_at", f"f.{_name(Order, 'status')} NOT IN ({sales})")
    exited = within(Survey, "created_at", f"{_kind('f.' + _name(Survey, 'kind'))} = %s")
    # Few customers were ever sent an exit survey: the others are told apart at once, by a set read once.
    exit_people = f"SELECT {_name(Survey, 'customer')} FROM {_name(Survey)} WHERE {_name(Survey, 'kind')} = %s"  # noqa: S608
    columns = [
        f"CASE WHEN EXISTS (SELECT 1 {sold}) THEN 1 ELSE 0 END",
        f"CASE WHEN c.customer_id IN ({exit_people}) AND EXISTS (SELECT 1 {exited}) THEN 1 ELSE 0 END",
        f"CASE WHEN EXISTS (SELECT 1 {grants}) THEN 1 ELSE 0 END",
    ]
    params = [*(str(value) for value in NOT_SALES), str(SurveyKind.EXIT), str(SurveyKind.EXIT), str(EntryKind.GRANT)]
    params += [connection.ops.adapt_datetimefield_value(period_end)]
    return columns, params


def _answers() -> tuple[str, list]:
    """Each contact's NPS answers (post-purchase) within their 90 days, by band, over `windows`."""
    nps, kind = f"f.{_name(SurveyResponse, 'nps')}", _kind(f"f.{_name(SurveyResponse, 'kind')}")
    at, who = f"f.{_name(SurveyResponse, 'created_at')}", f"f.{_name(SurveyResponse, 'customer')}"
    sql = (
        f"SELECT c.customer_id, SUM(CASE WHEN {nps} >= %s THEN 1 ELSE 0 END) AS promoters,"  # noqa: S608
        f" SUM(CASE WHEN {nps} >= %s AND {nps} < %s THEN 1 ELSE 0 END) AS passives,"
        f" SUM(CASE WHEN {nps} < %s THEN 1 ELSE 0 END) AS detractors"
        f" FROM windows AS c INNER JOIN {_name(SurveyResponse)} AS f ON {who} = c.customer_id"
        f" WHERE {kind} = %s AND {nps} IS NOT NULL AND {at} > c.anchor AND {at} <= c.ends GROUP BY c.customer_id"
    )
    return sql, [PROMOTER_MIN, PASSIVE_MIN, PROMOTER_MIN, PASSIVE_MIN, str(SurveyKind.POST_PURCHASE)]


def _sql(start: date, end: date, now: datetime) -> tuple[str, list]:
    adapt = connection.ops.adapt_datetimefield_value
    tickets, ticket_params = _ticket_contacts(start, end).query.sql_with_params()
    chats, chat_params = _chat_contacts(start, end).query.sql_with_params()
    follow_ups, follow_params = _follow_ups(period_bounds(start, end)[1])
    answers, answer_params = _answers()
    flags = "ticket, breached, timed, bot, human, unanswered"
    sql = (
        "WITH contacts AS ("  # noqa: S608 (names of the models and SQL of this module; values are parameters)
        " SELECT customer_id, MIN(contact_first) AS anchor, MAX(ticket) AS ticket, MAX(contact_breached) AS breached,"
        " MAX(contact_timed) AS timed, MAX(bot) AS bot, MAX(human) AS human, MAX(unanswered) AS unanswered,"
        " CASE WHEN MAX(contact_breached) = 1 THEN 0 ELSE MAX(untimed) END AS untimed FROM ("
        f"  SELECT customer_id, contact_first, 1 AS ticket, contact_breached, contact_timed, 0 AS bot, 0 AS human,"
        f"  0 AS unanswered, 0 AS untimed FROM ({tickets}) AS by_tickets"
        "  UNION ALL"
        "  SELECT customer_id, contact_first, 0, contact_breached, contact_timed, contact_bot, contact_human,"
        f"  contact_unanswered, contact_untimed FROM ({chats}) AS by_chats"
        " ) AS contacted GROUP BY customer_id"
        f"), windows AS (SELECT contacts.*, {_window_end('anchor')} AS ends FROM contacts"
        f"), answers AS ({answers}"
        "), followed AS ("
        f" SELECT c.customer_id, c.anchor, c.untimed, {', '.join(f'c.{flag}' for flag in flags.split(', '))},"
        " CASE WHEN c.ends <= %s THEN 1 ELSE 0 END AS closed,"
        f" {follow_ups[0]} AS bought, {follow_ups[1]} AS exited, {follow_ups[2]} AS credited,"
        " COALESCE(n.promoters, 0) AS promoters, COALESCE(n.passives, 0) AS passives,"
        " COALESCE(n.detractors, 0) AS detractors"
        " FROM windows AS c LEFT JOIN answers AS n ON n.customer_id = c.customer_id"
        ")"
        f" SELECT CASE WHEN untimed = 1 THEN customer_id END AS one, {flags}, credited, closed, COUNT(*),"
        " SUM(bought), SUM(exited), SUM(promoters), SUM(passives), SUM(detractors), MAX(anchor)"
        f" FROM followed GROUP BY CASE WHEN untimed = 1 THEN customer_id END, {flags}, credited, closed"
    )
    return sql, [*ticket_params, *chat_params, *answer_params, adapt(now), *follow_params]


def _moment(value) -> datetime | None:
    """A datetime as the raw cursor returns it: aware on PostgreSQL, text in UTC on SQLite."""
    if value is None or isinstance(value, datetime):
        return value
    return timezone.make_aware(parse_datetime(value), UTC)


def cohorts(start: date, end: date, *, now: datetime) -> list[Cohort]:
    """The customers with a contact in the period, in cohorts of identical flags. One query."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(*_sql(start, end, now))
        for one, *flags, credited, closed, customers, bought, exited, promoters, passives, detractors, last in cursor:
            ticket, breached, timed, bot, human, unanswered = (bool(flag) for flag in flags)
            found.append(
                Cohort(
                    ticket=ticket,
                    breached=breached,
                    timed=timed,
                    bot_chat=bot,
                    human_chat=human,
                    unanswered_chat=unanswered,
                    credited=bool(credited),
                    closed=bool(closed),
                    customers=customers,
                    bought_again=int(bought),
                    exit_surveyed=int(exited),
                    promoters=int(promoters),
                    passives=int(passives),
                    detractors=int(detractors),
                    last_anchor=_moment(last),
                    customer_id=one,
                )
            )
    return found
