"""Ticket full-text search with the knowledge base's Arabic/Persian/English text analysis.

Each ticket keeps its terms, analysed in all three languages, in `search_text` as
" term term ... "; a query matches when every query word has some variant that begins a term.
"""

from functools import reduce
from operator import and_, or_

from django.db.models import Q

from kb.analysis import LOCALES, tokens

MAX_QUERY_WORDS = 8
MAX_SEARCH_TEXT = 200_000


def terms(text: str) -> set[str]:
    return {term for locale in LOCALES for term in tokens(text, locale)}


def search_text_extend(current: str, text: str) -> str:
    """Return `current` with the terms of `text` added (bounded, so a huge thread stays cheap)."""
    known = set(current.split())
    new = sorted(terms(text) - known)
    if not new:
        return current
    merged = (current.strip() + " " + " ".join(new)).strip()
    return f" {merged[:MAX_SEARCH_TEXT]} "


def search_q(query: str) -> Q | None:
    """Return the filter for `query`, or None when nothing searchable is in it."""
    clauses = []
    for word in query.split()[:MAX_QUERY_WORDS]:
        variants = terms(word)
        if variants:
            clauses.append(reduce(or_, (Q(search_text__contains=f" {term}") for term in sorted(variants))))
    return reduce(and_, clauses) if clauses else None
