"""Knowledge-base search behind one small interface; callers never see the engine (Whoosh)."""

from django.conf import settings
from whoosh import fields, index

SCHEMA = fields.Schema(
    id=fields.ID(stored=True, unique=True),
    locale=fields.ID(stored=True),
    title=fields.TEXT(stored=True),
    body=fields.TEXT,
)


def _index_dir():
    return settings.WHOOSH_INDEX_DIR


def open_index():
    """Open the index, creating an empty one on first use."""
    directory = _index_dir()
    directory.mkdir(parents=True, exist_ok=True)
    if index.exists_in(directory):
        return index.open_dir(directory)
    return index.create_in(directory, SCHEMA)


def search_health() -> str | None:
    """Return None when the index opens and can be read, else what is wrong."""
    ix = open_index()
    with ix.searcher() as searcher:
        searcher.doc_count()
    return None
