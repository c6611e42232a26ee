"""Knowledge-base search behind one small interface; callers never see the engine (Whoosh).

index_article(doc) / index_articles(docs)   add or replace articles (ArticleDocument)
remove_article(doc_id)                      take an article out (an FAQ page's id: all its questions)
index_update(replace=, remove=)             both at once, in one write
search_articles(q, locale=None, limit=10)   SearchHits, best first; never raises on odd input
rebuild(documents) -> int                   index everything afresh and swap it in atomically
search_health()                             None when the index answers, else what is wrong
"""

from collections.abc import Iterable, Mapping

from kb.documents import ArticleDocument, SearchHit

from . import store
from .engine import forget_searcher, search_articles, search_health
from .schema import to_fields

__all__ = [
    "ArticleDocument",
    "SearchHit",
    "forget_searcher",
    "index_article",
    "index_articles",
    "index_update",
    "rebuild",
    "remove_article",
    "search_articles",
    "search_health",
]


def index_update(*, replace: Mapping[str, Iterable[ArticleDocument]] | None = None, remove: Iterable[str] = ()) -> None:
    """In one write: replace everything indexed under each page id, and remove other ids.

    `replace` maps a page id to its documents now (an article's one, an FAQ page's questions),
    so questions deleted from an FAQ page leave the index when the page is indexed again.
    """
    operations: list[store.Operation] = [("remove", doc_id) for doc_id in remove]
    for page_id, docs in (replace or {}).items():
        operations.append(("remove", page_id))
        operations += [("add", to_fields(doc)) for doc in docs]
    store.apply(operations)


def index_article(doc: ArticleDocument) -> None:
    """Add the article, or replace the indexed copy with the same id."""
    store.apply([("add", to_fields(doc))])


def index_articles(docs: Iterable[ArticleDocument]) -> None:
    store.apply([("add", to_fields(doc)) for doc in docs])


def remove_article(doc_id: str) -> None:
    """Take the article out of the index (for an FAQ page's id, all its questions); unknown ids are ignored."""
    store.apply([("remove", doc_id)])


def rebuild(documents: Iterable[ArticleDocument]) -> int:
    """Index `documents` into a new index and swap it in; returns how many were indexed.

    `documents` is read after the rebuild has started noting live updates, so pass a lazy
    iterable (a generator over the database): an update made meanwhile is never lost.
    """
    return store.rebuild(to_fields(doc) for doc in documents)
