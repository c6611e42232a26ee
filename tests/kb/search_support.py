"""Shared by the search tests: a private index per test, and articles published through kb_import."""

import json

import pytest

from kb import search
from kb.documents import ArticleDocument


@pytest.fixture
def search_index(settings, tmp_path):
    """Point the engine at an empty index of this test's own."""
    settings.WHOOSH_INDEX_DIR = tmp_path / "whoosh"
    search.forget_searcher()
    yield settings.WHOOSH_INDEX_DIR
    search.forget_searcher()


def article(doc_id: str, title: str, *, body: str = "", summary: str = "", tags=(), category="Orders"):
    locale = doc_id.rsplit(".", 1)[-1].split("#")[0]
    return ArticleDocument(
        id=doc_id,
        locale=locale,
        title=title,
        url=f"/{locale}/help/{doc_id}/",
        summary=summary,
        body=body,
        category=category,
        tags=tuple(tags),
    )


def ids(hits) -> list[str]:
    return [hit.id for hit in hits]


def exchange_record(doc_id: str, title: str, body: str, *, category="Orders", summary="", key=None, tags=()):
    """One article of a kb_import file (kb/FORMAT.md)."""
    return {
        "id": doc_id,
        "translation_key": key or doc_id.rsplit(".", 1)[0],
        "locale": doc_id.rsplit(".", 1)[1],
        "category": category,
        "title": title,
        "summary": summary,
        "body": body,
        "tags": list(tags),
    }


def import_articles(*records, faq=()):
    """Publish articles (and FAQ pages) the way kb_import does."""
    from kb.exchange import import_bytes

    return import_bytes(json.dumps({"articles": list(records), "faq": list(faq)}).encode())
