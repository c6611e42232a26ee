"""The retention insight report: how customers who contacted support fared afterwards, group beside group.

Read together with docs/reports.md ("Retention insight"), which defines the population, the
groups and every figure. Each input is read with one query over the period (tickets, chats,
grants, orders, exit surveys, NPS answers) and folded per customer here, so the cost grows with
the rows read, never with a query per customer. The core reads the chat and survey apps here
only: reports is the layer that composes them, and nothing imports it.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, IntegerField, Max, Min, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.metrics import Handling, chat_metrics_many, chats_started_between, untimed
from helpdesk.credits.models import CreditEntry, EntryKind
from helpdesk.credits.reports import NOT_SALES
from helpdesk.orders.models import Order
from surveys.models import Survey, SurveyKind, SurveyResponse
from surveys.reports import PASSIVE_MIN, PROMOTER_MIN, net_promoter_score, percent

from .sla import TARGETS, period_bounds, tickets_created_between

WINDOW = timedelta(days=90)
SMALL_SAMPLE = 30  # fewer customers (or answers) than this: the figure is flagged as a small sample
CENT = Decimal("0.01")  # amounts are stored with two decimals (helpdesk.credits.models.MONEY)


# What each customer did in the period, and what followed


@dataclass
class Contact:
    """One customer's support contact in the period (`anchor` is the first of it), and what came after."""

    anchor: datetime
    next_order: datetime | None = None  # their first sale after the anchor, when within 90 days
    timed: bool = False  # a ticket with an SLA target, or a chat with a first-response verdict
    breached: bool = False
    ticket: bool = False
    human_chat: bool = False
    bot_chat: bool = False
    unanswered_chat: bool = False  # missed, or still waiting
    credited: bool = False
    exit_surveyed: bool = False
    scores: list[int] = field(default_factory=list)

    @property
    def bought_again(self) -> bool:
        return self.within(self.next_order)

    def within(self, moment: datetime | None) -> bool:
        """After the first contact, and at most 90 days after it."""
        return moment is not None and self.anchor < moment <= self.anchor + WINDOW


class _Contacts(dict[int, Contact]):
    def meet(self, customer_id: int, moment: datetime) -> Contact:
        """The customer's contact, moved earlier when this one is."""
        found = self.get(customer_id)
        if found is None:
            found = self[customer_id] = Contact(anchor=moment)
        elif moment < found.anchor:
            found.anchor = moment
        return found


def _any(condition: Q) -> Max:
    """Whether any row of the group meets `condition` (1 or 0; a portable bool_or)."""
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def _contacts(start: date, end: date) -> dict[int, Contact]:
    """Every customer with a ticket (not merged away) or a chat in the period: when, what SLA, who handled it.

    Four queries, and the chat policy's two: the tickets, and the chats that are the bot's or
    have their first response timed, are folded per customer in the database (first contact, any
    breach, any target, how they were handled); the chats left (still waiting, missed, or answered
    before first responses were stored) are read one by one for their verdict; then the first
    sales after the anchors.
    """
    contacts = _Contacts()
    breached = Q(first_response_breached=True) | Q(next_response_breached=True) | Q(resolution_breached=True)
    timed = breached
    for target in TARGETS:
        timed |= Q(**{f"sla_policy__{target}_minutes__isnull": False})
    per_customer = (
        tickets_created_between(start, end)
        .values("customer_id")
        .annotate(first=Min("created_at"), breached=_any(breached), timed=_any(timed))
        .values_list("customer_id", "first", "breached", "timed")
        .order_by()
    )
    for customer_id, first, any_breached, any_timed in per_customer:
        contact = contacts.meet(customer_id, first)
        contact.ticket, contact.breached, contact.timed = True, bool(any_breached), bool(any_timed)
    chats = chats_started_between(*period_bounds(start, end)).filter(customer__isnull=False)
    # A chat that never asked for a person is the bot's and has no first-response verdict (chat.metrics);
    # one that did and was answered has its verdict stored. Only the others are read as objects and timed.
    asked = Q(queued_at__isnull=False)
    folded = (
        chats.filter(Q(queued_at__isnull=True) | Q(first_response_business_seconds__isnull=False))
        .values("customer_id")
        .annotate(
            first=Min("created_at"),
            bot=_any(~asked),
            human=_any(asked & Q(accepted_at__isnull=False)),
            unanswered=_any(asked & Q(accepted_at__isnull=True)),
            judged=_any(Q(first_response_breached__isnull=False)),
            breached=_any(Q(first_response_breached=True)),
        )
        .values_list("customer_id", "first", "bot", "human", "unanswered", "judged", "breached")
        .order_by()
    )
    for customer_id, first, bot, human, unanswered, judged, any_breached in folded:
        contact = contacts.meet(customer_id, first)
        contact.bot_chat |= bool(bot)
        contact.human_chat |= bool(human)
        contact.unanswered_chat |= bool(unanswered)
        contact.timed |= bool(judged)
        contact.breached |= bool(any_breached)
    queued = list(untimed(chats))
    for chat, metrics in zip(queued, chat_metrics_many(queued), strict=True):
        contact = contacts.meet(chat.customer_id, chat.created_at)
        contact.human_chat |= metrics.handled == Handling.HUMAN
        contact.bot_chat |= metrics.handled == Handling.BOT
        contact.unanswered_chat |= metrics.handled in (Handling.MISSED, Handling.WAITING)
        if metrics.first_response_breached is not None:
            contact.timed = True
            contact.breached |= metrics.first_response_breached
    _next_orders(contacts, start, end)
    return contacts


def _next_orders(contacts: dict[int, Contact], start: date, end: date) -> None:
    """Each contact's first sale (not cancelled or returned) after its anchor and within 90 days of it. One query.

    Anchors fall in the period, so only the sales from its start to 90 days after its end can count.
    """
    low, high = period_bounds(start, end)
    sales = Order.objects.filter(placed_at__gt=low, placed_at__lte=high + WINDOW).exclude(status__in=NOT_SALES)
    for customer_id, placed_at in sales.values_list("customer_id", "placed_at").order_by("placed_at"):
        contact = contacts.get(customer_id)
        if contact is not None and contact.next_order is None and contact.within(placed_at):
            contact.next_order = placed_at


def _population(start: date, end: date) -> Q:
    """The customers `_contacts` finds, as a condition on a `customer` field."""
    chats = chats_started_between(*period_bounds(start, end)).filter(customer__isnull=False)
    tickets = tickets_created_between(start, end)
    return Q(customer_id__in=tickets.values("customer_id")) | Q(customer_id__in=chats.values("customer_id"))


def _within(contacts: dict[int, Contact], rows: Iterable[tuple]) -> Iterable[tuple[Contact, list]]:
    """The (contact, rest of the row) pairs whose moment (the row's second value) falls in the contact's 90 days."""
    for customer_id, moment, *rest in rows:
        contact = contacts.get(customer_id)  # None for a contact made since `_contacts` read the period
        if contact is not None and contact.within(moment):
            yield contact, rest


def _follow(contacts: dict[int, Contact], start: date, end: date) -> None:
    """Mark credits, exit surveys and NPS answers on each contact. Three queries, of the few rows that matter."""
    low, high = period_bounds(start, end)
    grants = CreditEntry.objects.filter(kind=EntryKind.GRANT, created_at__gte=low, created_at__lt=high)
    for customer_id, granted_at in grants.values_list("account__customer_id", "created_at").order_by():
        if customer_id in contacts and granted_at >= contacts[customer_id].anchor:
            contacts[customer_id].credited = True
    people, after = _population(start, end), Q(created_at__gt=low, created_at__lte=high + WINDOW)
    exits = Survey.objects.filter(people, after, kind=SurveyKind.EXIT)
    for contact, _rest in _within(contacts, exits.values_list("customer_id", "created_at").order_by()):
        contact.exit_surveyed = True
    answers = SurveyResponse.objects.filter(people, after, kind=SurveyKind.POST_PURCHASE, nps__isnull=False)
    for contact, (score,) in _within(contacts, answers.values_list("customer_id", "created_at", "nps").order_by()):
        contact.scores.append(score)


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


def _figures(key: str, label: str, members: list[Contact], now: datetime) -> GroupFigures:
    closed = [member for member in members if member.anchor + WINDOW <= now]
    return GroupFigures(
        key=key,
        label=label,
        customers=len(members),
        nps=nps_of(score for member in members for score in member.scores),
        repeat_purchase=Rate(sum(member.bought_again for member in closed), len(closed)),
        exit_survey=Rate(sum(member.exit_surveyed for member in closed), len(closed)),
    )


def _sla_group(contact: Contact) -> str | None:
    if contact.breached:
        return "breached"
    return "met" if contact.timed else None


def _credit_group(contact: Contact) -> str:
    return "credited" if contact.credited else "not_credited"


def _handling_group(contact: Contact) -> str | None:
    if contact.ticket or contact.human_chat:
        return "human"
    return "bot" if contact.bot_chat and not contact.unanswered_chat else None


def _comparisons() -> list[tuple[str, str, Callable[[Contact], str | None], tuple[tuple[str, str], ...]]]:
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


def _compare(contacts: list[Contact], now: datetime) -> list[Comparison]:
    comparisons = []
    for key, title, group_of, groups in _comparisons():
        members = defaultdict(list)
        for contact in contacts:
            members[group_of(contact)].append(contact)
        figures = tuple(_figures(name, label, members[name], now) for name, label in groups)
        comparisons.append(Comparison(key, title, figures, left_out=len(members[None])))
    return comparisons


def retention_report(start: date, end: date, *, now: datetime | None = None) -> RetentionReport:
    """The comparison of the customers who contacted support in the period, and the return on credit."""
    now = now or timezone.now()
    found = _contacts(start, end)
    _follow(found, start, end)
    contacts = list(found.values())
    still_open = [contact.anchor + WINDOW for contact in contacts if contact.anchor + WINDOW > now]
    return RetentionReport(
        everyone=_figures("all", _("Everyone with a contact"), contacts, now),
        comparisons=_compare(contacts, now),
        open_windows=len(still_open),
        last_window_ends=max(still_open, default=None),
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
