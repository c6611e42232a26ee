"""The retention insight report: how customers who contacted support fared afterwards, group beside group.

Read together with docs/reports.md ("Retention insight"), which defines the population, the
groups and every figure. The customers are folded per customer and then into cohorts of identical
group flags in the database (helpdesk/reports/retention_cohorts.py), so a few dozen rows reach
Python whatever the number of customers; only the chats without a stored first-response verdict
are timed here. The core reads the chat and survey apps here only: reports is the layer that
composes them, and nothing imports it.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.metrics import chat_metrics_many
from helpdesk.credits.models import CreditEntry, EntryKind
from helpdesk.credits.reports import NOT_SALES
from helpdesk.orders.models import Order
from surveys.reports import PASSIVE_MIN, PROMOTER_MIN, net_promoter_score, percent

from .retention_cohorts import WINDOW, Cohort, chats_to_time, cohorts
from .sla import period_bounds

SMALL_SAMPLE = 30  # fewer customers (or answers) than this: the figure is flagged as a small sample
CENT = Decimal("0.01")  # amounts are stored with two decimals (helpdesk.credits.models.MONEY)


def _time_chats(found: list[Cohort], start: date, end: date) -> None:
    """Mark the verdicts of the chats that have none stored on their customers' cohorts (of one). Three queries."""
    ones = {cohort.customer_id: cohort for cohort in found if cohort.customer_id is not None}
    chats = list(chats_to_time(start, end))
    for chat, metrics in zip(chats, chat_metrics_many(chats), strict=True):
        cohort = ones.get(chat.customer_id)  # None for a chat started since the cohorts were read
        if cohort is not None and metrics.first_response_breached is not None:
            cohort.timed = True
            cohort.breached |= metrics.first_response_breached


# The figures


@dataclass(frozen=True)
class Rate:
    count: int
    sample: int  # n: the customers it is out of

    @property
    def percent(self) -> int | None:
        return percent(self.count, self.sample)

    @property
    def small(self) -> bool:
        return 0 < self.sample < SMALL_SAMPLE


@dataclass(frozen=True)
class Nps:
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def sample(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> int | None:
        return net_promoter_score(self.promoters, self.detractors, self.sample)

    @property
    def small(self) -> bool:
        return 0 < self.sample < SMALL_SAMPLE


def nps_of(scores: Iterable[int]) -> Nps:
    """Promoters (9–10), passives (7–8) and detractors (0–6) among the scores."""
    counts = {"promoters": 0, "passives": 0, "detractors": 0}
    for score in scores:
        band = "promoters" if score >= PROMOTER_MIN else "passives" if score >= PASSIVE_MIN else "detractors"
        counts[band] += 1
    return Nps(**counts)


@dataclass(frozen=True)
class GroupFigures:
    key: str
    label: str
    customers: int
    nps: Nps  # every answer within 90 days, windows still open included
    repeat_purchase: Rate  # out of the customers whose 90 days have ended
    exit_survey: Rate  # likewise


@dataclass(frozen=True)
class Comparison:
    key: str
    title: str
    groups: tuple[GroupFigures, GroupFigures]
    left_out: int  # customers of the population in neither group


@dataclass(frozen=True)
class CreditReturn:
    currency: str
    granted: Decimal
    customers: int
    orders: int
    ordered: Decimal  # the value of those orders, in the same currency
    open_windows: int  # credited customers whose 90 days have not ended yet

    @property
    def ratio(self) -> Decimal | None:
        """Order value per unit of credit granted."""
        if not self.granted:
            return None
        return (self.ordered / self.granted).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RetentionReport:
    everyone: GroupFigures
    comparisons: list[Comparison]
    open_windows: int  # customers left out of the repeat-purchase and exit-survey rates
    last_window_ends: datetime | None  # when the last of those windows ends
    credit_return: list[CreditReturn]


def _figures(key: str, label: str, members: list[Cohort]) -> GroupFigures:
    closed = [member for member in members if member.closed]
    ended = sum(member.customers for member in closed)
    return GroupFigures(
        key=key,
        label=label,
        customers=sum(member.customers for member in members),
        nps=Nps(
            promoters=sum(member.promoters for member in members),
            passives=sum(member.passives for member in members),
            detractors=sum(member.detractors for member in members),
        ),
        repeat_purchase=Rate(sum(member.bought_again for member in closed), ended),
        exit_survey=Rate(sum(member.exit_surveyed for member in closed), ended),
    )


def _sla_group(contact: Cohort) -> str | None:
    if contact.breached:
        return "breached"
    return "met" if contact.timed else None


def _credit_group(contact: Cohort) -> str:
    return "credited" if contact.credited else "not_credited"


def _handling_group(contact: Cohort) -> str | None:
    if contact.ticket or contact.human_chat:
        return "human"
    return "bot" if contact.bot_chat and not contact.unanswered_chat else None


def _comparisons() -> list[tuple[str, str, Callable[[Cohort], str | None], tuple[tuple[str, str], ...]]]:
    return [
        ("sla", _("SLA met or breached"), _sla_group, (("met", _("SLA met")), ("breached", _("SLA breached")))),
        (
            "credit",
            _("Credited or not"),
            _credit_group,
            (("credited", _("Credited")), ("not_credited", _("Not credited"))),
        ),
        (
            "handling",
            _("Bot or person"),
            _handling_group,
            (("bot", _("Resolved by the bot")), ("human", _("Handled by a person"))),
        ),
    ]


def _compare(contacts: list[Cohort]) -> list[Comparison]:
    comparisons = []
    for key, title, group_of, groups in _comparisons():
        members = defaultdict(list)
        for contact in contacts:
            members[group_of(contact)].append(contact)
        figures = tuple(_figures(name, label, members[name]) for name, label in groups)
        left_out = sum(member.customers for member in members[None])
        comparisons.append(Comparison(key, title, figures, left_out=left_out))
    return comparisons


def retention_report(start: date, end: date, *, now: datetime | None = None) -> RetentionReport:
    """The comparison of the customers who contacted support in the period, and the return on credit."""
    now = now or timezone.now()
    found = cohorts(start, end, now=now)
    _time_chats(found, start, end)
    still_open = [cohort for cohort in found if not cohort.closed]
    last_anchor = max((cohort.last_anchor for cohort in still_open), default=None)
    return RetentionReport(
        everyone=_figures("all", _("Everyone with a contact"), found),
        comparisons=_compare(found),
        open_windows=sum(cohort.customers for cohort in still_open),
        last_window_ends=None if last_anchor is None else last_anchor + WINDOW,
        credit_return=credit_return(start, end, now=now),
    )


# Return on credit


def credit_return(start: date, end: date, *, now: datetime | None = None) -> list[CreditReturn]:
    """Per currency: credit granted in the period, and the orders in that currency in 90 days after. Two queries.

    Each customer's window starts at their first grant in that currency in the period.
    """
    now = now or timezone.now()
    low, high = period_bounds(start, end)
    grants = CreditEntry.objects.filter(kind=EntryKind.GRANT, created_at__gte=low, created_at__lt=high)
    per_customer = grants.values("account__customer_id", "account__currency").annotate(
        first=Min("created_at"), granted=Sum("amount")
    )
    first: dict[tuple[int, str], datetime] = {}
    granted: dict[str, Decimal] = defaultdict(Decimal)
    for row in per_customer.order_by():
        first[row["account__customer_id"], row["account__currency"]] = row["first"]
        granted[row["account__currency"]] += row["granted"]
    orders = (
        Order.objects.filter(
            customer_id__in=grants.values("account__customer_id"), placed_at__gt=low, placed_at__lte=high + WINDOW
        )
        .exclude(status__in=NOT_SALES)
        .values_list("customer_id", "currency", "placed_at", "total")
        .order_by()
    )
    counted, ordered = defaultdict(int), defaultdict(Decimal)
    for customer_id, currency, placed_at, total in orders:
        since = first.get((customer_id, currency))
        if since is not None and since < placed_at <= since + WINDOW:
            counted[currency] += 1
            ordered[currency] += total
    return [
        CreditReturn(
            currency=currency,
            granted=granted[currency].quantize(CENT),
            customers=sum(1 for _customer, code in first if code == currency),
            orders=counted[currency],
            ordered=ordered[currency].quantize(CENT),
            open_windows=sum(1 for (_c, code), since in first.items() if code == currency and since + WINDOW > now),
        )
        for currency in sorted(granted)
    ]


# CSV


def comparison_rows(report: RetentionReport) -> tuple[list[str], list[list]]:
    """The comparison table as CSV: one row per group, everyone first; empty cells where n is 0."""
    header = [
        _("Comparison"),
        _("Group"),
        _("Customers"),
        _("NPS"),
        _("NPS answers"),
        _("Promoters"),
        _("Passives"),
        _("Detractors"),
        _("Repeat purchase within 90 days (%)"),
        _("Customers who ordered again"),
        _("Customers whose 90 days have ended"),
        _("Exit survey within 90 days (%)"),
        _("Customers sent to an exit survey"),
    ]
    everyone = (_("All"), report.everyone)
    groups = [everyone, *((c.title, group) for c in report.comparisons for group in c.groups)]
    rows = [
        [
            title,
            g.label,
            g.customers,
            g.nps.score,
            g.nps.sample,
            g.nps.promoters,
            g.nps.passives,
            g.nps.detractors,
            g.repeat_purchase.percent,
            g.repeat_purchase.count,
            g.repeat_purchase.sample,
            g.exit_survey.percent,
            g.exit_survey.count,
        ]
        for title, g in groups
    ]
    return header, rows


def credit_return_rows(credit: list[CreditReturn]) -> tuple[list[str], list[list]]:
    """The return on credit as CSV: one row per currency, amounts as plain decimals."""
    header = [
        _("Currency"),
        _("Credit granted"),
        _("Credited customers"),
        _("Orders within 90 days"),
        _("Order value within 90 days"),
        _("Order value per unit of credit"),
        _("Customers whose 90 days have not ended"),
    ]
    rows = [
        [row.currency, row.granted, row.customers, row.orders, row.ordered, row.ratio, row.open_windows]
        for row in credit
    ]
    return header, rows
