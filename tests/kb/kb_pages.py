"""Build help-centre content for tests through the importer, the way shops and editors do."""

import json
from datetime import date

from kb.exchange import import_bytes
from kb.models import ArticlePage, FAQPage
from kb.setup import kb_tree_ensure

CATEGORIES = {"en": "Orders", "ar": "الطلبات", "fa": "سفارش‌ها"}
LONG_BODY = (
    "## Before you start\n\nHave your order number.\n\n## Steps\n\n1. Sign in.\n2. Open **My orders**."
    "\n\n## If it fails\n\nContact us."
)
SHORT_BODY = "## Gift wrapping\n\nTick **Gift wrap** at checkout.\n\n## Price\n\nIt costs $4.50."


def article(external_id: str, locale: str = "en", **fields) -> dict:
    """One article in the exchange format (kb/FORMAT.md); `fields` override the defaults."""
    record = {
        "id": external_id,
        "translation_key": external_id.rsplit(".", 1)[0],
        "locale": locale,
        "category": CATEGORIES.get(locale, "Orders"),
        "title": f"Title of {external_id}",
        "summary": f"Summary of {external_id}.",
        "body": SHORT_BODY,
        "tags": ["gift"],
    }
    record.update(fields)
    return record


def exchange_file(*articles: dict, faq: list | None = None) -> bytes:
    data: dict = {"articles": list(articles)}
    if faq is not None:
        data["faq"] = faq
    return json.dumps(data, ensure_ascii=False).encode()


def import_articles(*articles: dict, faq: list | None = None):
    return import_bytes(exchange_file(*articles, faq=faq))


def page(external_id: str) -> ArticlePage:
    return ArticlePage.objects.get(external_id=external_id)


def faq_page(external_id: str) -> FAQPage:
    return FAQPage.objects.get(external_id=external_id)


def reviewed(external_id: str, day: date) -> ArticlePage:
    """Set an article's last-reviewed date through a published revision."""
    found = page(external_id)
    found.last_reviewed = day
    found.save_revision().publish()
    return page(external_id)


def homes():
    return kb_tree_ensure()
