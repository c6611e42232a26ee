"""Survey reports for managers: reads only, aggregated in the database, a fixed few queries each.

Every report covers whole days, `start` through `end`, in the current time zone. Reports by
month group in the database by day and fold the days into months here: a Persian manager
counts in Jalali months, which begin around the 21st of a Gregorian one, so the database's
calendar months (TruncMonth) would put the wrong answers under each month's name.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.core.dates import GREGORIAN, month_start, months_between
from helpdesk.core.local_days import local_date
from helpdesk.sla.choices import Channel

from .models import ExitIntentAnswer, ExitReason, SkipReason, Survey, SurveyKind, SurveyResponse, SurveyStatus
from .rating_sources import rating_rows

PROMOTER_MIN = 9
PASSIVE_MIN = 7
SATISFIED_MIN = 4  # on the good-or-bad scale good is stored as 5 and bad as 1
COMMENTS_LIMIT = 5000
SKIPPABLE_KINDS = (SurveyKind.POST_PURCHASE, SurveyKind.TICKET)  # exit surveys are opened on the spot
POST_PURCHASE = "post-purchase"
NONE = "none"


def percent(part: int, whole: int) -> int | None:
    """`part` as a whole percentage of `whole`, halves away from zero; None when there is nothing to divide."""
    if not whole:
        return None
    return int((Decimal(100 * part) / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[first moment of `start`, first moment after `end`) in the current time zone."""
    first = timezone.make_aware(datetime.combine(start, time.min))
    after = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return first, after


def _in_period(start: date, end: date, field_name: str = "created_at") -> Q:
    first, after = period_bounds(start, end)
    return Q(**{f"{field_name}__gte": first, f"{field_name}__lt": after})


def _per_day(queryset: QuerySet, field_name: str, start: date, end: date, *group: str, **aggregates) -> QuerySet:
    """One row per local day (and group), `day` a date in the current time zone; `queryset` within the period."""
    day = local_date(field_name, *period_bounds(start, end))
    return queryset.annotate(day=day).values("day", *group).annotate(**aggregates).order_by("day")


def _months(start: date, end: date, calendar: str) -> dict[date, Counter]:
    return {month: Counter() for month in months_between(start, end, calendar)}


# NPS


def net_promoter_score(promoters: int, detractors: int, responses: int) -> int | None:
    """% promoters − % detractors, from −100 to 100, halves away from zero; None without answers."""
    return percent(promoters - detractors, responses)


@dataclass(frozen=True)
class NpsMonth:
    month: date | None  # the first day of the month; None for the whole period
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def nps(self) -> int | None:
        return net_promoter_score(self.promoters, self.detractors, self.responses)


@dataclass(frozen=True)
class NpsReport:
    months: list[NpsMonth]
    total: NpsMonth


def nps_by_month(start: date, end: date, *, calendar: str = GREGORIAN) -> NpsReport:
    """Promoters (9–10), passives (7–8) and detractors (0–6) per month, and the NPS they make. One query."""
    answers = SurveyResponse.objects.filter(_in_period(start, end), nps__isnull=False)
    rows = _per_day(
        answers,
        "created_at",
        start,
        end,
        promoters=Count("id", filter=Q(nps__gte=PROMOTER_MIN)),
        passives=Count("id", filter=Q(nps__gte=PASSIVE_MIN, nps__lt=PROMOTER_MIN)),
        detractors=Count("id", filter=Q(nps__lt=PASSIVE_MIN)),
    )
    months, total = _months(start, end, calendar), Counter()
    for row in rows:
        counts = {name: row[name] for name in ("promoters", "passives", "detractors")}
        months[month_start(row["day"], calendar)].update(counts)
        total.update(counts)
    return NpsReport(
        months=[NpsMonth(month, **counts) for month, counts in months.items()],
        total=NpsMonth(None, **total),
    )


# CSAT


@dataclass(frozen=True)
class CsatRow:
    key: str
    label: str
    ratings: int = 0
    points: int = 0  # the ratings added up
    satisfied: int = 0  # rated 4 or 5 (good)

    @property
    def average(self) -> Decimal | None:
        if not self.ratings:
            return None
        return (Decimal(self.points) / self.ratings).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def satisfied_percent(self) -> int | None:
        return percent(self.satisfied, self.ratings)


@dataclass(frozen=True)
class CsatReport:
    rows: list[CsatRow]
    total: CsatRow


def _csat_report(start: date, end: date, group: tuple[str, ...], key_of) -> CsatReport:
    """Ratings grouped by `group` in the database, then merged under the key and label `key_of` gives a row.

    Ratings other apps registered (rating_sources.py, chats for one) count beside the survey answers.
    """
    rows = (
        SurveyResponse.objects.filter(_in_period(start, end), csat__isnull=False)
        .values(*group)
        .annotate(ratings=Count("id"), points=Sum("csat"), satisfied=Count("id", filter=Q(csat__gte=SATISFIED_MIN)))
        .order_by()
    )
    merged, labels = defaultdict(Counter), {}
    for row in [*rows, *rating_rows(*period_bounds(start, end))]:
        key, labels[key] = key_of(row)
        merged[key].update({name: row[name] for name in ("ratings", "points", "satisfied")})
    report = [CsatRow(key, labels[key], **counts) for key, counts in merged.items()]
    report.sort(key=lambda row: (row.key in (NONE, POST_PURCHASE), row.key == POST_PURCHASE, row.label.casefold()))
    total = sum((Counter(ratings=r.ratings, points=r.points, satisfied=r.satisfied) for r in report), Counter())
    return CsatReport(rows=report, total=CsatRow("all", _("All ratings"), **total))


def _agent_key(row: dict) -> tuple[str, str]:
    if row["kind"] == SurveyKind.POST_PURCHASE:
        return POST_PURCHASE, _("Post-purchase (no agent)")
    if row["agent"] is None:
        return NONE, _("No agent")
    name = f"{row['agent__first_name']} {row['agent__last_name']}".strip()
    return str(row["agent"]), name or row["agent__email"]


def _channel_key(row: dict) -> tuple[str, str]:
    if row["kind"] == SurveyKind.POST_PURCHASE:
        return POST_PURCHASE, _("Post-purchase")
    if not row["channel"]:
        return NONE, _("No channel")
    return row["channel"], str(dict(Channel.choices).get(row["channel"], row["channel"]))


def csat_by_agent(start: date, end: date) -> CsatReport:
    """Ticket and chat ratings per agent rated; post-purchase satisfaction as one row of its own.

    One query, and one per registered rating source.
    """
    group = ("kind", "agent", "agent__first_name", "agent__last_name", "agent__email")
    return _csat_report(start, end, group, _agent_key)


def csat_by_channel(start: date, end: date) -> CsatReport:
    """Ticket ratings per channel the ticket came in by, chat ratings as the chat channel; post-purchase
    satisfaction as one row. One query, and one per registered rating source."""
    return _csat_report(start, end, ("kind", "channel"), _channel_key)


# Response rates


@dataclass(frozen=True)
class RateRow:
    kind: str
    label: str
    sent: int = 0
    answered: int = 0

    @property
    def rate(self) -> int | None:
        return percent(self.answered, self.sent)


@dataclass(frozen=True)
class SkipRow:
    reason: str
    label: str
    counts: tuple[int, ...]  # one per SKIPPABLE_KINDS
    total: int


@dataclass(frozen=True)
class RatesReport:
    rows: list[RateRow]
    total: RateRow
    skipped: list[SkipRow] = field(default_factory=list)
    skipped_kinds: list[str] = field(default_factory=list)  # the labels of SkipRow.counts, in order


def response_rates(start: date, end: date) -> RatesReport:
    """Per kind: surveys sent in the period and how many of those were answered; why others were not sent.

    A skipped survey counts in the period it was due in. Two queries.
    """
    sent = (
        Survey.objects.filter(_in_period(start, end, "sent_at"))
        .values("kind")
        .annotate(sent=Count("id"), answered=Count("response"))
        .order_by()
    )
    by_kind = {row["kind"]: row for row in sent}
    rows = [
        RateRow(kind, str(label), by_kind.get(kind, {}).get("sent", 0), by_kind.get(kind, {}).get("answered", 0))
        for kind, label in SurveyKind.choices
    ]
    total = RateRow("all", _("All surveys"), sum(row.sent for row in rows), sum(row.answered for row in rows))
    kinds = [str(SurveyKind(kind).label) for kind in SKIPPABLE_KINDS]
    return RatesReport(rows=rows, total=total, skipped=_skipped(start, end), skipped_kinds=kinds)


def _skipped(start: date, end: date) -> list[SkipRow]:
    per_kind = {f"kind_{kind}": Count("id", filter=Q(kind=kind)) for kind in SKIPPABLE_KINDS}
    rows = (
        Survey.objects.filter(status=SurveyStatus.SKIPPED)
        .annotate(due=Coalesce("send_after", "created_at"))
        .filter(_in_period(start, end, "due"))
        .values("skip_reason")
        .annotate(total=Count("id"), **per_kind)
        .order_by("-total", "skip_reason")
    )
    labels = dict(SkipReason.choices)
    return [
        SkipRow(
            reason=row["skip_reason"],
            label=str(labels.get(row["skip_reason"], row["skip_reason"])),
            counts=tuple(row[name] for name in per_kind),
            total=row["total"],
        )
        for row in rows
    ]


# Exit reasons


@dataclass(frozen=True)
class ExitMonth:
    month: date
    answers: int
    counts: tuple[int, ...]  # one per report reason, in order


@dataclass(frozen=True)
class ExitReasonsReport:
    reasons: list[tuple[str, str]]  # (code, label): the reasons offered, and retired ones still chosen
    months: list[ExitMonth]
    totals: tuple[int, ...]
    answers: int


def exit_reasons_by_month(start: date, end: date, *, calendar: str = GREGORIAN) -> ExitReasonsReport:
    """Exit answers per month and how often each reason was chosen (one answer may give several). Three queries."""
    exits = SurveyResponse.objects.filter(_in_period(start, end), kind=SurveyKind.EXIT)
    answers = _per_day(exits, "created_at", start, end, n=Count("id"))
    chosen = SurveyResponse.exit_reasons.through.objects.filter(
        _in_period(start, end, "surveyresponse__created_at"), surveyresponse__kind=SurveyKind.EXIT
    )
    picks = _per_day(chosen, "surveyresponse__created_at", start, end, "exitreason", n=Count("id"))
    per_month, picked = _months(start, end, calendar), defaultdict(Counter)
    for row in answers:
        per_month[month_start(row["day"], calendar)]["answers"] += row["n"]
    for row in picks:
        picked[month_start(row["day"], calendar)][row["exitreason"]] += row["n"]
    reasons = list(ExitReason.objects.filter(Q(active=True) | Q(pk__in=_ids(picked))))
    months = [
        ExitMonth(month, counts["answers"], tuple(picked[month][reason.pk] for reason in reasons))
        for month, counts in per_month.items()
    ]
    return ExitReasonsReport(
        reasons=[(reason.code, reason.label()) for reason in reasons],
        months=months,
        totals=tuple(sum(month.counts[index] for month in months) for index in range(len(reasons))),
        answers=sum(m.answers for m in months),
    )


def _ids(picked: dict[date, Counter]) -> set[int]:
    return {reason_id for counts in picked.values() for reason_id in counts}


# The widget's exit-intent question

EXIT_INTENT_LATEST = 20


@dataclass(frozen=True)
class ExitIntentReport:
    answers: int
    reasons: list[tuple[str, int]]  # (the reason in the current language, answers), most chosen first
    latest: list[ExitIntentAnswer]  # the newest answers with a comment


def exit_intent_summary(start: date, end: date) -> ExitIntentReport:
    """What visitors leaving the shop's page answered: counts per reason and the latest comments. Two queries."""
    answers = ExitIntentAnswer.objects.filter(_in_period(start, end))
    counts = answers.values("reason").annotate(total=Count("id")).order_by("-total", "reason")
    names = {reason.pk: reason.label() for reason in ExitReason.objects.all()}
    reasons = [(names.get(row["reason"], _("A reason since deleted")), row["total"]) for row in counts]
    latest = list(
        answers.exclude(comment="").select_related("reason").order_by("-created_at", "-pk")[:EXIT_INTENT_LATEST]
    )
    return ExitIntentReport(answers=sum(total for _label, total in reasons), reasons=reasons, latest=latest)


# Comments


def comments(
    start: date,
    end: date,
    *,
    kind: str | None = None,
    max_score: int | None = None,
    locale: str | None = None,
    has_follow_up: bool | None = None,
    limit: int = COMMENTS_LIMIT,
) -> QuerySet:
    """Answers with a comment, newest first, at most `limit`; each row reads its survey, customer and agent.

    `max_score` keeps answers whose main score is at most that: the NPS score (0–10) where one
    was given, else the satisfaction rating (1–5). Exit answers carry neither.
    """
    answers = SurveyResponse.objects.filter(_in_period(start, end)).exclude(comment="")
    if kind:
        answers = answers.filter(kind=kind)
    if max_score is not None:
        answers = answers.filter(Q(nps__lte=max_score) | Q(nps__isnull=True, csat__lte=max_score))
    if locale:
        answers = answers.filter(survey__locale=locale)
    if has_follow_up is not None:
        answers = answers.filter(follow_up_ticket__isnull=not has_follow_up)
    return answers.select_related("survey", "customer", "agent").order_by("-created_at", "-pk")[:limit]
