"""kb_export: the live help centre in the exchange format (kb/FORMAT.md)."""

from wagtail.images import get_image_model

from ..markdown import blocks_to_markdown
from ..markdown_html import html_to_markdown
from ..models import ArticlePage, CategoryPage, FAQPage
from .pages import stream_data
from .validation import translation_key_uuid


def exported_translation_key(page) -> str:
    """The file's translation_key text when it still maps to the page's key, else the key's UUID."""
    text = page.exchange_translation_key
    if text and translation_key_uuid(text) == page.translation_key:
        return text
    return str(page.translation_key)


def _image_markdown(value: dict) -> str:
    chosen = value.get("image") or {}
    image = get_image_model().objects.filter(pk=chosen.get("image")).first()
    if image is None:
        return ""
    alt = "" if chosen.get("decorative") else chosen.get("alt_text") or value.get("caption") or image.title
    return f"![{alt.replace(']', '').replace('[', '')}]({image.file.url})"


def article_record(page: ArticlePage, category: str) -> dict:
    return {
        "id": page.external_id,
        "translation_key": exported_translation_key(page),
        "locale": page.locale.language_code,
        "category": category,
        "title": page.title,
        "summary": page.summary,
        "body": blocks_to_markdown(stream_data(page.body), image_markdown=_image_markdown).rstrip("\n"),
        "tags": list(page.tagged_items.order_by("pk").values_list("tag__name", flat=True)),
    }


def faq_record(page: FAQPage) -> dict:
    items = [
        {"question": item["question"], "answer": html_to_markdown(item["answer"].source), "anchor": item["anchor"]}
        for item in page.faq_items()
    ]
    return {
        "id": page.external_id,
        "translation_key": exported_translation_key(page),
        "locale": page.locale.language_code,
        "title": page.title,
        "intro": page.intro,
        "items": items,
    }


def export_data(*, include_faq: bool = False) -> dict:
    """Every live article (and optionally FAQ page), in tree order."""
    categories = {page.path: page.title for page in CategoryPage.objects.only("path", "title")}
    articles = ArticlePage.objects.live().select_related("locale").order_by("path")
    data = {"articles": [article_record(page, categories.get(page.path[: -page.steplen], "")) for page in articles]}
    if include_faq:
        data["faq"] = [faq_record(page) for page in FAQPage.objects.live().select_related("locale").order_by("path")]
    return data
