"""Daily roll-ups of the help centre's raw events (docs/analytics.md, "Roll-ups").

Dwell times are kept per day as counts in fixed buckets, so the median over any range of
days is read back from the summed buckets without touching raw events.
"""

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .analysis import LOCALES, normalize
from .analysis.normalise import split_terms
from .models import ArticleDaily, ArticleEvent, ArticleEventKind, NextKind, SearchDaily, SearchQuery

# Bucket i holds dwell times in [DWELL_EDGES[i], DWELL_EDGES[i + 1]); the last one is open-ended.
DWELL_EDGES = (0, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200, 1800, 3600)


def dwell_bucket(seconds: int) -> int:
    """The index of the bucket holding `seconds`."""
    for index in range(len(DWELL_EDGES) - 1, -1, -1):
        if seconds >= DWELL_EDGES[index]:
            return index
    return 0


def histogram_add(histograms: Iterable[Sequence[int]]) -> list[int]:
    """The bucket-by-bucket sum of several histograms (missing trailing buckets count as 0)."""
    total = [0] * len(DWELL_EDGES)
    for histogram in histograms:
        for index, count in enumerate(histogram):
            total[index] += count
    return total


def histogram_median(histogram: Sequence[int]) -> int | None:
    """The median dwell in whole seconds, interpolated inside its bucket; None when empty.

    Exact to the bucket: the open-ended last bucket reports its lower edge.
    """
    count = sum(histogram)
    if not count:
        return None
    middle, seen = count / 2, 0
    for index, in_bucket in enumerate(histogram):
        if in_bucket and seen + in_bucket >= middle:
            low = DWELL_EDGES[index]
            if index + 1 >= len(DWELL_EDGES):
                return low
            high = DWELL_EDGES[index + 1]
            return round(low + (high - low) * (middle - seen) / in_bucket)
        seen += in_bucket
    return DWELL_EDGES[-1]


# --- Building the roll-ups -------------------------------------------------------------------

CONTACT_WINDOW = timedelta(hours=24)
WINDOW_DAYS_BEFORE = 1  # a session that first saw the article yesterday is counted yesterday
WINDOW_DAYS_AFTER = 1  # contacts and reading up to 24 h after the day still count for it
CONTACT_NEXT = frozenset({NextKind.CHAT, NextKind.TICKET})
INTERACTIONS = frozenset({ArticleEventKind.NEXT, ArticleEventKind.VOTE, ArticleEventKind.CONTACT})
CLICKS_RECORDED_SOURCES = frozenset({"web"})  # where result links go through kb.search_views.result_go
BULK_BATCH = 1000
MAX_QUERY_KEY = SearchDaily._meta.get_field("query").max_length
MAX_EXAMPLE = SearchDaily._meta.get_field("example").max_length

_EVENT_FIELDS = ("session", "article_id", "locale", "kind", "value", "next_kind", "created_at", "day")


class DayRollup(NamedTuple):
    day: date
    articles: int  # ArticleDaily rows written
    searches: int  # SearchDaily rows written


@dataclass
class _ArticleReading:
    """One session's reading of one article."""

    first_view: datetime
    day: date
    locale: str
    views: int = 0
    engaged: int = 0
    scroll: int | None = None
    votes: int = 0
    helpful: int = 0
    last_event: tuple[datetime, int] = (datetime.min, 0)


def article_days_build(day: date) -> int:
    """Rebuild every ArticleDaily row of local day `day` from raw events; return the rows written.

    Reads the events of the sessions that viewed an article that day, from the day before to the
    day after (docs/analytics.md, "Roll-ups"), and replaces the day's rows in one transaction.
    """
    rows = _ArticleRows(day, bounce_seconds=settings.HELPDESK_KB_BOUNCE_SECONDS)
    for _session, events in groupby(_session_events(day), key=itemgetter(0)):
        rows.add_session(events)
    built = rows.built(timezone.now())
    with transaction.atomic():
        ArticleDaily.objects.filter(day=day).delete()
        ArticleDaily.objects.bulk_create(built, batch_size=BULK_BATCH)
    return len(built)


def _session_events(day: date) -> Iterator[tuple]:
    """The events around `day` of each session with a view that day, grouped by session, in order."""
    sessions = ArticleEvent.objects.filter(day=day, kind=ArticleEventKind.VIEW).values("session")
    return (
        ArticleEvent.objects.filter(
            day__range=(day - timedelta(days=WINDOW_DAYS_BEFORE), day + timedelta(days=WINDOW_DAYS_AFTER)),
            session__in=sessions,
        )
        .order_by("session", "created_at", "id")
        .values_list(*_EVENT_FIELDS)
        .iterator(chunk_size=5000)
    )


class _ArticleRows:
    """Adds sessions up into one day's rows, keyed by (article, locale)."""

    def __init__(self, day: date, *, bounce_seconds: int):
        self.day = day
        self.bounce_seconds = bounce_seconds
        self.rows: dict[tuple[int, str], ArticleDaily] = {}

    def row(self, article_id: int, locale: str) -> ArticleDaily:
        key = (article_id, locale)
        if key not in self.rows:
            self.rows[key] = ArticleDaily(
                day=self.day, article_id=article_id, locale=locale, dwell_histogram=[0] * len(DWELL_EDGES)
            )
        return self.rows[key]

    def add_session(self, events: Iterable[tuple]) -> None:
        readings, contacts, interacted = _readings(events)
        if not readings:
            return
        views = sum(reading.views for reading in readings.values())
        last_article = max(readings, key=lambda article_id: readings[article_id].last_event)
        for article_id, reading in readings.items():
            if reading.day != self.day:
                continue  # counted on the day of this session's first view of the article
            row = self.row(article_id, reading.locale)
            row.views += reading.views
            row.sessions += 1
            row.bounces += views == 1 and not interacted and reading.engaged < self.bounce_seconds
            row.engaged_seconds += reading.engaged
            row.dwell_histogram[dwell_bucket(reading.engaged)] += 1
            if reading.scroll is not None:
                row.scroll_sum += reading.scroll
                row.scroll_sessions += 1
            row.votes += reading.votes
            row.helpful_votes += reading.helpful
            row.contact_after += any(
                reading.first_view <= contact <= reading.first_view + CONTACT_WINDOW for contact in contacts
            )
            if article_id == last_article:
                row.last_sessions += 1
                until = reading.last_event[0] + CONTACT_WINDOW
                row.deflected += not any(contact <= until for contact in contacts)

    def built(self, now: datetime) -> list[ArticleDaily]:
        rows = sorted(self.rows.values(), key=lambda row: (row.article_id, row.locale))
        for row in rows:
            row.built_at = now
        return rows


def _readings(events: Iterable[tuple]) -> tuple[dict[int, _ArticleReading], list[datetime], bool]:
    """One session's readings of the articles it viewed, its contact times, and whether it interacted."""
    readings: dict[int, _ArticleReading] = {}
    seen: list[tuple] = []  # a view can come after other events of its article in the same batch
    contacts: list[datetime] = []
    interacted = False
    for order, (_session, article_id, locale, kind, value, next_kind, created_at, day) in enumerate(events):
        if kind == ArticleEventKind.CONTACT or (kind == ArticleEventKind.NEXT and next_kind in CONTACT_NEXT):
            contacts.append(created_at)
        interacted = interacted or kind in INTERACTIONS
        if kind == ArticleEventKind.VIEW and article_id is not None and article_id not in readings:
            readings[article_id] = _ArticleReading(first_view=created_at, day=day, locale=locale)
        seen.append((order, article_id, kind, value, created_at))
    for order, article_id, kind, value, created_at in seen:
        reading = readings.get(article_id)
        if reading is None:
            continue  # not an article session for this article: no view of it
        reading.last_event = (created_at, order)
        if kind == ArticleEventKind.VIEW:
            reading.views += 1
        elif kind == ArticleEventKind.ENGAGED:
            reading.engaged += value or 0
        elif kind == ArticleEventKind.SCROLL:
            reading.scroll = max(reading.scroll or 0, value or 0)
        elif kind == ArticleEventKind.VOTE:
            reading.votes += 1
            reading.helpful += value == 1
    return readings, contacts, interacted


# --- Searches ----------------------------------------------------------------------------------


def search_query_key(query: str, locale: str) -> str:
    """The query as the index reads it: normalised words (ي/ی, ك/ک, marks, ZWNJ, digits, case)."""
    analysis_locale = locale if locale in LOCALES else "en"
    normalized = normalize(query, analysis_locale)
    words = [term for term, _script in split_terms(normalized)] or normalized.split() or [query.strip()]
    return " ".join(words)[:MAX_QUERY_KEY]


def search_days_build(day: date) -> int:
    """Rebuild every SearchDaily row of local day `day` from the searches made that day."""
    start = timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), timezone.get_default_timezone())
    searches = (
        SearchQuery.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by("created_at", "id")
        .values_list("query", "locale", "result_count", "source", "clicks")
        .iterator(chunk_size=5000)
    )
    groups: dict[tuple[str, str], tuple[SearchDaily, Counter]] = {}
    for query, locale, result_count, source, clicks in searches:
        key = (locale, search_query_key(query, locale))
        if key not in groups:
            groups[key] = (SearchDaily(day=day, locale=locale, query=key[1]), Counter())
        row, spellings = groups[key]
        spellings[query] += 1
        row.searches += 1
        row.no_results += result_count == 0
        row.no_click += result_count > 0 and clicks == 0 and source in CLICKS_RECORDED_SOURCES
    now = timezone.now()
    built = []
    for row, spellings in groups.values():
        row.example = spellings.most_common(1)[0][0][:MAX_EXAMPLE]  # ties: the spelling seen first
        row.built_at = now
        built.append(row)
    with transaction.atomic():
        SearchDaily.objects.filter(day=day).delete()
        SearchDaily.objects.bulk_create(built, batch_size=BULK_BATCH)
    return len(built)


def kb_rollup(days: Iterable[date]) -> list[DayRollup]:
    """Rebuild the article and search roll-ups of each day; safe to repeat."""
    return [DayRollup(day, article_days_build(day), search_days_build(day)) for day in days]


def recent_days(count: int, *, until: date | None = None) -> list[date]:
    """The last `count` local days up to `until` (today by default), oldest first."""
    last = until or timezone.localdate(timezone.now(), timezone.get_default_timezone())
    return [last - timedelta(days=back) for back in range(count - 1, -1, -1)]
