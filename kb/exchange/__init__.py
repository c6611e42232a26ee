"""kb_import / kb_export: the help centre as one JSON file (kb/FORMAT.md)."""

import json

from django.db import transaction

from .. import indexing
from ..setup import kb_tree_ensure
from .articles import Categories, ImportResult, article_upsert, check_against_site
from .exporter import export_data
from .faq import faq_upsert, faq_validate
from .validation import ImportRejected, articles_validate, load_json

__all__ = ["ImportRejected", "ImportResult", "export_json", "import_bytes"]


def import_bytes(raw: bytes) -> ImportResult:
    """Validate the whole file, then import it in one transaction; raise ImportRejected on any problem."""
    data = load_json(raw)
    articles = articles_validate(data.get("articles", []))
    faq_pages = faq_validate(data.get("faq", []))
    result = ImportResult()
    with transaction.atomic(), indexing.batched():
        check_against_site(articles)
        homes = kb_tree_ensure()
        categories = Categories(homes, articles)
        for article in articles:
            article_upsert(article, categories, result)
        for faq_page in faq_pages:
            faq_upsert(faq_page, homes, result)
    return result


def export_json(*, include_faq: bool = False) -> str:
    """The live help centre as the exchange file's UTF-8 JSON text."""
    return json.dumps(export_data(include_faq=include_faq), ensure_ascii=False, indent=2) + "\n"
