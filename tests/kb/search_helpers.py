"""A throwaway in-memory Whoosh index analysed like the knowledge base, for analysis tests."""

from whoosh import fields
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import QueryParser

from kb.analysis import analyzer_for

UNRELATED = {
    "en": "Opening hours of the warehouse",
    "ar": "ساعات عمل المستودع",
    "fa": "ساعت کاری انبار",
}


def build_index(locale, documents):
    """Index `documents` (id → text) with the locale's analyzer, plus an unrelated article."""
    schema = fields.Schema(id=fields.ID(stored=True), body=fields.TEXT(analyzer=analyzer_for(locale)))
    index = RamStorage().create_index(schema)
    with index.writer() as writer:
        for doc_id, text in {**documents, "unrelated": UNRELATED[locale]}.items():
            writer.add_document(id=doc_id, body=text)
    return index


def search(index, query):
    """Return the ids of the documents a customer's `query` finds, as a set."""
    with index.searcher() as searcher:
        parsed = QueryParser("body", index.schema).parse(query)
        return {hit["id"] for hit in searcher.search(parsed, limit=None)}


def finds_each_other(locale, spellings):
    """Index each spelling as its own article; return what every spelling finds as a query."""
    index = build_index(locale, {str(i): text for i, text in enumerate(spellings)})
    return {text: search(index, text) for text in spellings}
