"""Searching: one long-lived searcher per process, refreshed when the index changes."""

import logging
import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, replace

from whoosh import collectors
from whoosh.index import EmptyIndexError
from whoosh.query.compound import DefaultOr
from whoosh.reading import TermNotFound

from kb.documents import SearchHit

from . import query as public_query
from . import store
from .schema import LOCALES, TextLayout, field_name, is_supported
from .snippets import Span, snippet

logger = logging.getLogger(__name__)

MAX_LIMIT = 50
TIME_LIMIT = 0.25  # seconds a search may spend collecting before it answers with what it has
FUZZY_BUDGET = 0.03  # seconds a search may spend looking for near spellings of unknown words


@dataclass
class _Live:
    key: tuple | None = None
    searcher: object = None


_live = _Live()
_lock = threading.RLock()  # one search at a time per process: opening a new searcher closes the old one


def _current_searcher():
    path = store.live_path()
    key = (os.getpid(), str(path))
    if _live.key != key or not _live.searcher.up_to_date():
        # A fresh searcher rather than searcher.refresh(): Whoosh's refresh reuses the old segment
        # readers, which keep seeing documents deleted since (and segments merged away).
        old = _live.searcher
        _live.searcher, _live.key = store.open_index(path).searcher(), key
        if old is not None:
            old.close()
    return _live.searcher


def forget_searcher() -> None:
    """Drop this process's searcher; the next search opens the live index afresh."""
    with _lock:
        _live.key = _live.searcher = None


class _DeadlineCollector(collectors.WrappingCollector):
    """Stop collecting at a deadline (Whoosh's TimeLimitCollector starts a timer thread per search)."""

    CHECK_EVERY = 32  # documents between looks at the clock

    def __init__(self, child, seconds: float):
        super().__init__(child)
        self.seconds = seconds
        self.deadline = 0.0

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.deadline = time.monotonic() + self.seconds

    def collect_matches(self):
        child = self.child
        for count, sub_docnum in enumerate(child.matches()):
            if count % self.CHECK_EVERY == 0 and time.monotonic() > self.deadline:
                raise collectors.TimeLimit
            child.collect(sub_docnum)


def _collect(searcher, whoosh_query, limit: int):
    collector = _DeadlineCollector(searcher.collector(limit=limit), TIME_LIMIT)
    try:
        searcher.search_with_collector(whoosh_query, collector)
    except collectors.TimeLimit:
        logger.warning("A knowledge-base search ran out of time: %r", whoosh_query)
    return collector.results()


def _spans(reader, docnums: list[int], fieldname: str, terms: set[str]) -> dict[int, list[Span]]:
    """Where each matched term occurs in each hit's field, read from the index's character offsets."""
    found: dict[int, list[Span]] = defaultdict(list)
    for term in terms:
        try:
            postings = reader.postings(fieldname, term)
        except TermNotFound:
            continue
        for docnum in docnums:
            if not postings.is_active():
                break
            if postings.id() < docnum:
                postings.skip_to(docnum)
            if postings.is_active() and postings.id() == docnum:
                found[docnum] += [(start, end, term) for _pos, start, end in postings.value_as("characters")]
    return found


def _hit(hit, spans: list[Span]) -> SearchHit:
    fields = hit.fields()
    summary, body = fields.get("summary", ""), fields.get("body", "")
    layout = TextLayout.of(fields)
    where: dict[str, list[Span]] = defaultdict(list)
    for start, end, term in spans:
        located = layout.locate(start, end)
        if located:
            section, start, end = located
            where[section].append((start, end, term))
    text, highlights = snippet(summary=summary, body=body, in_summary=where["summary"], in_body=where["body"])
    return SearchHit(
        id=fields["id"],
        locale=fields["locale"],
        title=fields.get("title", ""),
        url=fields.get("url", ""),
        snippet=text,
        score=float(hit.score or 0.0),
        highlights=highlights,
    )


def _hits(searcher, results, terms_by_locale: dict[str, set[str]]) -> list[SearchHit]:
    reader = searcher.reader()
    by_locale: dict[str, list[int]] = defaultdict(list)
    for hit in results:
        by_locale[hit["locale"]].append(hit.docnum)
    spans: dict[int, list[Span]] = {}
    for locale, docnums in by_locale.items():
        spans.update(_spans(reader, sorted(docnums), field_name("text", locale), terms_by_locale[locale]))
    return [_hit(hit, spans.get(hit.docnum, [])) for hit in results]


def _fuzzy_locales(parsed, locales, reader) -> set[str]:
    """Typos are guessed only in the language(s) the query looks most written in."""
    if len(locales) == 1:
        return set(locales)
    shares = {locale: public_query.known_share(parsed, locale, reader) for locale in locales}
    best = max(shares.values())
    return {locale for locale, share in shares.items() if share == best}


def _run(searcher, parsed, locales, limit: int) -> list[SearchHit]:
    reader = searcher.reader()
    fuzzy = _fuzzy_locales(parsed, locales, reader)
    deadline = time.monotonic() + FUZZY_BUDGET
    built = {
        locale: public_query.for_locale(parsed, locale, reader, fuzzy=locale in fuzzy, deadline=deadline)
        for locale in locales
    }
    built = {locale: part for locale, part in built.items() if part is not None}
    if not built:
        return []
    parts = [part.query for part in built.values()]
    results = _collect(searcher, parts[0] if len(parts) == 1 else DefaultOr(parts), limit)
    terms = {locale: built[locale].terms if locale in built else set() for locale in LOCALES}
    return _hits(searcher, results, terms)


def search_articles(q: str | None, *, locale: str | None = None, limit: int = 10) -> list[SearchHit]:
    """Articles matching what a visitor typed, best first; any input gives a list, maybe empty."""
    parsed = public_query.parse(q)
    if parsed.is_empty or (locale and not is_supported(locale)):
        return []
    locales = (locale,) if locale else LOCALES
    limit = max(1, min(int(limit), MAX_LIMIT))
    with _lock:
        try:
            hits = _run(_current_searcher(), parsed, locales, limit)
        except (OSError, EmptyIndexError):
            # A rebuild swapped the index and removed the old generation under this reader (its
            # files, or the whole directory between reading CURRENT and opening it): reopen once.
            forget_searcher()
            hits = _run(_current_searcher(), parsed, locales, limit)
        if not hits and parsed.phrases:
            # No article has the exact phrase: look for its words anywhere instead.
            loose = replace(parsed, words=" ".join((parsed.words, *parsed.phrases)), phrases=())
            hits = _run(_current_searcher(), loose, locales, limit)
    return hits


def search_health() -> str | None:
    """None when the index opens and can be read, else what is wrong."""
    with _lock:
        _current_searcher().doc_count()
    return None
