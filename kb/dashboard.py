"""The help-centre dashboard's figures, read only from the daily roll-ups.

Read together with docs/reports.md ("Help-centre dashboard"), which defines every figure, and
docs/analytics.md, which defines sessions, bounces, dwell time, contact-after and deflection.
Sums are taken in the database, dwell histograms included (bucket by bucket), so a five-year
period costs one grouped query, not a row per article-day.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.conf import settings
from django.db.models import BigIntegerField, F, Func, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from wagtail.models import Page

from .models import ArticleDaily, ArticlePage, CategoryPage, SearchDaily
from .rollups import DWELL_EDGES, histogram_add, histogram_median

COUNTS = ("views", "sessions", "bounces", "votes", "helpful_votes", "contact_after", "last_sessions", "deflected")
FAILED_SEARCHES_LIMIT = 50
PANEL_DAYS = 30


@dataclass(frozen=True)
class Rate:
    """`part` out of `whole`; no percentage when nothing was counted."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.part / self.whole, 1) if self.whole else None


@dataclass(frozen=True)
class Figures:
    """Roll-up counts summed over some article-days, and the rates read from them."""

    views: int = 0
    sessions: int = 0
    bounces: int = 0
    votes: int = 0
    helpful_votes: int = 0
    contact_after: int = 0
    last_sessions: int = 0
    deflected: int = 0
    histogram: tuple[int, ...] = (0,) * len(DWELL_EDGES)

    def __add__(self, other: "Figures") -> "Figures":
        counts = {name: getattr(self, name) + getattr(other, name) for name in COUNTS}
        return Figures(**counts, histogram=tuple(histogram_add([self.histogram, other.histogram])))

    @property
    def bounce(self) -> Rate:
        return Rate(self.bounces, self.sessions)

    @property
    def helpful(self) -> Rate:
        return Rate(self.helpful_votes, self.votes)

    @property
    def contact(self) -> Rate:
        return Rate(self.contact_after, self.sessions)

    @property
    def deflection(self) -> Rate:
        return Rate(self.deflected, self.last_sessions)

    @property
    def median_engaged(self) -> int | None:
        """Median engaged seconds per article session, from the summed dwell histograms."""
        return histogram_median(self.histogram)


def total(figures: Iterable[Figures]) -> Figures:
    return sum(figures, Figures())


@dataclass(frozen=True)
class Category:
    pk: int
    title: str
    locale: str
    translation_key: str
    path: str
    depth: int


@dataclass(frozen=True)
class ArticleRow:
    """One article in one language over the period."""

    article_id: int
    locale: str
    title: str
    category: Category | None
    figures: Figures
    category_figures: Figures | None = None
    needs_review: bool = False
    live_url: str | None = field(default=None, compare=False)


def review_thresholds() -> tuple[int, int]:
    """(margin in percentage points, minimum article sessions), read when the figures are."""
    return settings.HELPDESK_KB_REVIEW_MARGIN, settings.HELPDESK_KB_REVIEW_MIN_SESSIONS


def needs_review(article: Figures, category: Figures | None) -> bool:
    """Bounce rate at least the margin above the category's, over at least the minimum sessions."""
    margin, min_sessions = review_thresholds()
    if category is None or not category.sessions or article.sessions < min_sessions:
        return False
    # a/s - A/S >= margin/100, in whole numbers so 45 % against 30 % is exactly 15 points.
    left = 100 * (article.bounces * category.sessions - category.bounces * article.sessions)
    return left >= margin * article.sessions * category.sessions


# Which categories and articles


def categories() -> list[Category]:
    """Every help-centre category, in any language, in tree order."""
    rows = CategoryPage.objects.order_by("path").values_list(
        "pk", "title", "locale__language_code", "translation_key", "path", "depth"
    )
    return [Category(pk, title, locale, str(key), path, depth) for pk, title, locale, key, path, depth in rows]


def category_group(pk: int) -> list[Category]:
    """The category with this id and its translations: the category filter covers every language."""
    everything = categories()
    chosen = next((category for category in everything if category.pk == pk), None)
    if chosen is None:
        return []
    return [category for category in everything if category.translation_key == chosen.translation_key]


def _under(categories_: Iterable[Category], prefix: str = "") -> Q:
    """Articles sitting directly under one of these categories (an empty list matches nothing)."""
    found = Q(pk__in=[])
    for category in categories_:
        found |= Q(**{f"{prefix}path__startswith": category.path, f"{prefix}depth": category.depth + 1})
    return found


def _article_days(start: date, end: date, *, locale: str = "", within: list[Category] | None = None):
    days = ArticleDaily.objects.filter(day__gte=start, day__lte=end)
    if locale:
        days = days.filter(locale=locale)
    if within is not None:
        days = days.filter(_under(within, prefix="article__"))
    return days


class _DwellBucket(Func):
    """Bucket `index` of a roll-up's dwell histogram, as a number.

    On SQLite one JSON_EXTRACT: Django's key transform there asks JSON_TYPE first, a second parse
    of the histogram for each bucket of each row, which made the sums most of the page's time.
    """

    output_field = BigIntegerField()

    def __init__(self, index: int):
        self.index = index
        super().__init__(F("dwell_histogram"))

    def as_sql(self, compiler, connection, **extra_context):
        histogram = self.source_expressions[0]
        return compiler.compile(Cast(KeyTextTransform(str(self.index), histogram), BigIntegerField()))

    def as_sqlite(self, compiler, connection, **extra_context):
        histogram, params = compiler.compile(self.source_expressions[0])
        return f"JSON_EXTRACT({histogram}, %s)", [*params, f"$[{self.index}]"]


def _sums() -> dict:
    buckets = {f"h{index}": Coalesce(Sum(_DwellBucket(index)), 0) for index in range(len(DWELL_EDGES))}
    return {name: Coalesce(Sum(name), 0) for name in COUNTS} | buckets


def _figures(row: dict) -> Figures:
    histogram = tuple(row[f"h{index}"] for index in range(len(DWELL_EDGES)))
    return Figures(**{name: row[name] for name in COUNTS}, histogram=histogram)


# The article table


def article_rows(
    start: date, end: date, *, locale: str = "", within: list[Category] | None = None, request=None
) -> list[ArticleRow]:
    """One row per article and language with days in the period, sessions first, each flagged or not.

    `within` limits the rows to the articles under those categories. The category comparison
    sums every article of the category in the row's language, which the filters never split.
    Rows carry the live page's URL when a `request` is given.
    """
    grouped = (
        _article_days(start, end, locale=locale, within=within)
        .values("article_id", "locale")
        .annotate(**_sums())
        .order_by()
    )
    figures = {(row["article_id"], row["locale"]): _figures(row) for row in grouped}
    pages = _pages({article_id for article_id, _locale in figures})
    by_path = {(category.path, category.depth): category for category in categories()}
    rows = []
    for (article_id, row_locale), summed in figures.items():
        page = pages[article_id]
        category = by_path.get((page.path[: -Page.steplen], page.depth - 1))
        live_url = page.get_url(request) if page.live and request is not None else None
        rows.append(ArticleRow(article_id, row_locale, page.title, category, summed, live_url=live_url))
    return _with_flags(rows)


def _pages(ids: set[int]) -> dict[int, Page]:
    """The articles as plain pages: title, place in the tree and URL are all the table needs."""
    return {page.pk: page for page in Page.objects.filter(pk__in=ids).select_related("locale")}


def _with_flags(rows: list[ArticleRow]) -> list[ArticleRow]:
    by_category: dict[tuple[int, str], Figures] = {}
    for row in rows:
        if row.category is not None:
            key = (row.category.pk, row.locale)
            by_category[key] = by_category.get(key, Figures()) + row.figures
    flagged = []
    for row in rows:
        compared = by_category.get((row.category.pk, row.locale)) if row.category else None
        flagged.append(replace(row, category_figures=compared, needs_review=needs_review(row.figures, compared)))
    return sort_rows(flagged, "sessions")


def _rate_key(rate_of):
    """Highest percentage first, rows without one last."""

    def key(row: ArticleRow):
        percent = rate_of(row.figures).percent
        return (percent is None, -(percent or 0))

    return key


SORTS = {
    "sessions": lambda row: -row.figures.sessions,
    "views": lambda row: -row.figures.views,
    "bounce": _rate_key(lambda figures: figures.bounce),
    "engaged": lambda row: (row.figures.median_engaged is None, -(row.figures.median_engaged or 0)),
    "helpful": _rate_key(lambda figures: figures.helpful),
    "contact": _rate_key(lambda figures: figures.contact),
    "deflection": _rate_key(lambda figures: figures.deflection),
    "title": lambda row: row.title.casefold(),
}


def sort_rows(rows: list[ArticleRow], sort: str) -> list[ArticleRow]:
    """Rows in the order of `sort` (a key of SORTS), ties by sessions, title and language."""
    tie = sorted(rows, key=lambda row: (-row.figures.sessions, row.title.casefold(), row.locale))
    return sorted(tie, key=SORTS[sort])


# The trend


@dataclass(frozen=True)
class TrendPoint:
    day: date  # the first day of the bucket (a day, or a month)
    views: int
    sessions: int
    bounces: int

    @property
    def bounce(self) -> Rate:
        return Rate(self.bounces, self.sessions)


def daily_trend(start: date, end: date, *, locale: str = "", within: list[Category] | None = None) -> list[TrendPoint]:
    """Views, sessions and bounces for every day of the period, days without reading as zeros."""
    per_day = {
        row["day"]: row
        for row in _article_days(start, end, locale=locale, within=within)
        .values("day")
        .annotate(views=Sum("views"), sessions=Sum("sessions"), bounces=Sum("bounces"))
        .order_by()
    }
    points, day = [], start
    while day <= end:
        row = per_day.get(day, {})
        points.append(TrendPoint(day, row.get("views", 0), row.get("sessions", 0), row.get("bounces", 0)))
        day += timedelta(days=1)
    return points


def fold_trend(points: Iterable[TrendPoint], bucket_of) -> list[TrendPoint]:
    """Sum daily points into buckets (months, say), keyed by the bucket's first day."""
    buckets: dict[date, TrendPoint] = {}
    for point in points:
        key = bucket_of(point.day)
        seen = buckets.get(key, TrendPoint(key, 0, 0, 0))
        buckets[key] = TrendPoint(
            key, seen.views + point.views, seen.sessions + point.sessions, seen.bounces + point.bounces
        )
    return list(buckets.values())


# Failed searches


@dataclass(frozen=True)
class FailedSearch:
    locale: str
    query: str  # as normalised for search
    example: str  # the spelling typed most in the period
    searches: int
    no_results: int
    no_click: int

    @property
    def failed(self) -> int:
        return self.no_results + self.no_click


def failed_searches(
    start: date, end: date, *, locale: str = "", limit: int = FAILED_SEARCHES_LIMIT
) -> list[FailedSearch]:
    """Queries by language, most failed searches first (no results plus no click), at most `limit`."""
    days = SearchDaily.objects.filter(day__gte=start, day__lte=end)
    if locale:
        days = days.filter(locale=locale)
    grouped = list(
        days.values("locale", "query")
        .annotate(searches=Sum("searches"), no_results=Sum("no_results"), no_click=Sum("no_click"))
        .order_by()
    )
    grouped.sort(
        key=lambda row: (-(row["no_results"] + row["no_click"]), -row["searches"], row["locale"], row["query"])
    )
    top = [row for row in grouped[:limit] if row["no_results"] + row["no_click"]]
    examples = _examples(days, {(row["locale"], row["query"]) for row in top})
    return [
        FailedSearch(
            locale=row["locale"],
            query=row["query"],
            example=examples.get((row["locale"], row["query"]), row["query"]),
            searches=row["searches"],
            no_results=row["no_results"],
            no_click=row["no_click"],
        )
        for row in top
    ]


def _examples(days, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The spelling of each query from its busiest day."""
    if not keys:
        return {}
    wanted = Q(pk__in=[])
    for locale, query in keys:
        wanted |= Q(locale=locale, query=query)
    examples: dict[tuple[str, str], str] = {}
    for locale, query, example in (
        days.filter(wanted).order_by("-searches", "-day").values_list("locale", "query", "example")
    ):
        examples.setdefault((locale, query), example)
    return examples


# The editor's panel


@dataclass(frozen=True)
class PanelPeriod:
    start: date
    end: date
    row: ArticleRow


def article_periods(article: ArticlePage, today: date) -> list[PanelPeriod]:
    """The article's row for the last PANEL_DAYS days and the ones before, in its language."""
    parent_path, parent_depth = article.path[: -Page.steplen], article.depth - 1
    within = [category for category in categories() if (category.path, category.depth) == (parent_path, parent_depth)]
    locale = article.locale.language_code
    periods = []
    for back in (0, PANEL_DAYS):
        end = today - timedelta(days=back)
        start = end - timedelta(days=PANEL_DAYS - 1)
        rows = article_rows(start, end, locale=locale, within=within)
        row = next((row for row in rows if row.article_id == article.pk), None)
        periods.append(PanelPeriod(start, end, row or ArticleRow(article.pk, locale, article.title, None, Figures())))
    return periods
