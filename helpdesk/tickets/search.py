"""Ticket full-text search with the knowledge base's Arabic/Persian/English text analysis.

Each ticket keeps its terms, analysed in all three languages, in `search_text` as
" term term ... "; a query matches when every query word has some variant that begins a term.

Search is the inbox's, so it looks among unsolved tickets, and each database indexes only those.
PostgreSQL checks `search_text LIKE '% term%'` with a trigram index (tickets migration 0003).
SQLite looks the terms up in `ticket_search`, an FTS5 table of the unsolved tickets' terms that
triggers keep in step with `search_text` (migration 0005), with prefix queries (`"term"*`); a
solved ticket is not found there.
"""

from functools import reduce
from operator import and_, or_

from django.db import connections, router
from django.db.models import BooleanField, Expression, F, Q

from kb.analysis import LOCALES, tokens

from .models import Ticket

MAX_QUERY_WORDS = 8
MAX_SEARCH_TEXT = 200_000
SQLITE_INDEX = "ticket_search"
# Up to this many matching tickets, SQLite reads them from the index and sorts them; with more, it
# walks the inbox's order and checks each ticket against the index, which soon fills a page.
FEW_MATCHES = 500


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
    clauses = [sorted(variants) for word in query.split()[:MAX_QUERY_WORDS] if (variants := terms(word))]
    if not clauses:
        return None
    connection = connections[router.db_for_read(Ticket)]
    if connection.vendor == "sqlite":
        return _sqlite_q(connection, clauses)
    return reduce(
        and_, (reduce(or_, (Q(search_text__contains=f" {term}") for term in variants)) for variants in clauses)
    )


def fts_match(clauses: list[list[str]]) -> str:
    """The FTS5 query: every clause, each any of its terms as a prefix.

    A term is one token to the index's tokenizer (lowercase letters, digits, "." and non-ASCII
    letters), so `"term"*` finds the tokens it begins, as `LIKE '% term%'` does.
    """
    quoted = (" OR ".join('"{}"*'.format(term.replace('"', '""')) for term in variants) for variants in clauses)
    return " AND ".join(f"({clause})" for clause in quoted)


def _sqlite_q(connection, clauses: list[list[str]]) -> Q:
    match = fts_match(clauses)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {SQLITE_INDEX} WHERE {SQLITE_INDEX} MATCH %s LIMIT %s)",  # noqa: S608 (a constant)
            [match, FEW_MATCHES + 1],
        )
        (found,) = cursor.fetchone()
    return Q(InSqliteIndex(match, walk=found > FEW_MATCHES))


class InSqliteIndex(Expression):
    """The ticket is among those SQLite's search index finds for `match`.

    `walk` keeps SQLite from starting at the index (the unary `+`): the query then walks its own
    order and checks each ticket against the index's matches, the cheaper way when many match.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, match: str, *, walk: bool):
        super().__init__()
        self.match, self.walk = match, walk
        self.pk = F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        pk_sql, params = compiler.compile(self.pk)
        prefix = "+" if self.walk else ""
        sql = f"{prefix}{pk_sql} IN (SELECT rowid FROM {SQLITE_INDEX} WHERE {SQLITE_INDEX} MATCH %s)"  # noqa: S608
        return sql, (*params, self.match)
