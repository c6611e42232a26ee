"""Helpers shared by the article and FAQ importers: slugs, canonical stream data, publishing."""

from django.utils.text import slugify
from wagtail.coreutils import find_available_slug

SLUG_LENGTH = 80


def slug_for(title: str, parent, *, fallback: str = "page", ignore_page_id=None) -> str:
    """A readable slug from the title (Arabic and Persian letters kept), free under `parent`."""
    base = slugify(title, allow_unicode=True)[:SLUG_LENGTH].strip("-_") or slugify(fallback)[:SLUG_LENGTH] or "page"
    return find_available_slug(parent, base, ignore_page_id=ignore_page_id)


def without_ids(data):
    """Stream data without the block ids Wagtail adds, for comparing content."""
    if isinstance(data, list):
        return [without_ids(item) for item in data]
    if isinstance(data, dict):
        return {key: without_ids(value) for key, value in data.items() if key != "id"}
    return data


def stream_data(stream_value) -> list:
    """The stored stream of a page's StreamField, ids left out."""
    return without_ids(list(stream_value.raw_data))


def stream_prep(model, field_name: str, raw: list) -> list:
    """Raw blocks in the form Wagtail stores them (block and list-item ids included)."""
    block = model._meta.get_field(field_name).stream_block
    return block.get_prep_value(block.to_python(raw))


def publish(page) -> None:
    """Publish the page's current state through a new revision (never by setting `live`)."""
    page.save_revision().publish()


def create_child(parent, page) -> None:
    """Add `page` under `parent` as a draft, then publish it through a revision."""
    page.live = False
    parent.add_child(instance=page)
    publish(page)
