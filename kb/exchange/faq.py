"""FAQ pages in the exchange file: {"faq": [{"locale", "title", "items": [{"question", "answer"}]}]}.

Optional per page: "id" (default "faq.<locale>"), "translation_key" (default "faq") and "intro";
optional per item: "anchor". Answers are Markdown, sanitised like article bodies.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..blocks import anchor_for
from ..markdown import markdown_to_html
from ..models import FAQPage
from .articles import ImportResult
from .pages import create_child, publish, slug_for, stream_data, stream_prep, without_ids
from .validation import EXTERNAL_ID, ImportRejected, Problem, check_fields, check_text, languages, translation_key_uuid

FAQ_FIELDS = ("id", "translation_key", "locale", "title", "intro", "items")
FAQ_REQUIRED = ("locale", "title", "items")
ITEM_FIELDS = ("question", "answer", "anchor")
MAX_ITEMS = 200


@dataclass(frozen=True)
class FAQData:
    external_id: str
    translation_key: str
    locale: str
    title: str
    intro: str
    items: tuple[dict, ...]

    @property
    def stream(self) -> list[dict]:
        return [{"type": "item", "value": dict(item)} for item in self.items]


def _where(index: int, item) -> str:
    locale = item.get("locale") if isinstance(item, dict) else None
    if isinstance(locale, str):
        return _("FAQ page #%(number)d (%(locale)s)") % {"number": index + 1, "locale": locale}
    return _("FAQ page #%(number)d") % {"number": index + 1}


def _check_items(value, where: str) -> tuple[tuple[dict, ...], list[Problem]]:
    if not isinstance(value, list) or not value:
        return (), [Problem(where, "items", _("Must be a non-empty list."))]
    if len(value) > MAX_ITEMS:
        return (), [Problem(where, "items", _("Has more than %(limit)d questions.") % {"limit": MAX_ITEMS})]
    items, problems, taken = [], [], set()
    for number, item in enumerate(value, start=1):
        name = f"items[{number}]"
        if not isinstance(item, dict):
            problems.append(Problem(where, name, _("Must be a JSON object.")))
            continue
        found = check_fields(item, where, ITEM_FIELDS, ("question", "answer"))
        question, more = check_text(
            item.get("question"), where=where, name=f"{name}.question", required=True, limit=300
        )
        found += more
        answer, more = check_text(
            item.get("answer"), where=where, name=f"{name}.answer", required=True, limit=20_000, multiline=True
        )
        found += more
        anchor, more = check_text(item.get("anchor"), where=where, name=f"{name}.anchor", required=False, limit=60)
        found += more
        html = markdown_to_html(answer) if answer else ""
        if answer and not html:
            found.append(Problem(where, f"{name}.answer", _("Nothing readable is left once unsafe HTML is removed.")))
        problems += found
        if not found:
            items.append({"question": question, "answer": html, "anchor": anchor_for(anchor or question, taken)})
    return tuple(items), problems


def faq_validate(entries: list) -> list[FAQData]:
    problems, pages, ids = [], [], set()
    for index, entry in enumerate(entries):
        where = _where(index, entry)
        if not isinstance(entry, dict):
            problems.append(Problem(where, None, _("Must be a JSON object.")))
            continue
        found = check_fields(entry, where, FAQ_FIELDS, FAQ_REQUIRED)
        values = {}
        for name, limit in (("id", 100), ("translation_key", 100), ("title", 255), ("intro", 1000)):
            values[name], more = check_text(
                entry.get(name), where=where, name=name, required=False, limit=limit, multiline=name == "intro"
            )
            found += more
        if "title" in entry and not values["title"]:
            found.append(Problem(where, "title", _("Must not be empty.")))
        locale = entry.get("locale")
        if "locale" in entry and locale not in languages():
            found.append(Problem(where, "locale", _("Must be one of: %(codes)s.") % {"codes": ", ".join(languages())}))
        external_id = values["id"] or f"faq.{locale}"
        if values["id"] and not EXTERNAL_ID.match(values["id"]):
            found.append(Problem(where, "id", _("Use only letters, digits and . - _ : (no spaces).")))
        if external_id in ids:
            found.append(Problem(where, "id", _("Used twice in this file.")))
        ids.add(external_id)
        items, more = _check_items(entry.get("items"), where)
        found += more
        problems += found
        if not found:
            pages.append(
                FAQData(
                    external_id, values["translation_key"] or "faq", locale, values["title"], values["intro"], items
                )
            )
    if problems:
        raise ImportRejected(problems)
    return pages


def faq_upsert(data: FAQData, homes: dict, result: ImportResult) -> FAQPage:
    """Create, update or leave one FAQ page under its language's KB home."""
    home = homes[data.locale]
    key = translation_key_uuid(data.translation_key)
    items = stream_prep(FAQPage, "items", data.stream)
    page = FAQPage.objects.filter(external_id=data.external_id).first()
    if page is not None and (
        page.live
        and (page.title, page.intro, page.exchange_translation_key) == (data.title, data.intro, data.translation_key)
        and stream_data(page.items) == without_ids(items)
    ):
        result.unchanged += 1
        return page
    if page is None:
        taken = FAQPage.objects.filter(translation_key=key, locale=home.locale).exists()
        page = FAQPage(
            external_id=data.external_id, slug=slug_for(data.title, home, fallback="faq"), locale=home.locale
        )
        page.translation_key = key if not taken else page.translation_key
        page.title, page.intro, page.items, page.exchange_translation_key = (
            data.title,
            data.intro,
            items,
            data.translation_key,
        )
        create_child(home, page)
        result.created += 1
        return page
    page.title, page.intro, page.items, page.exchange_translation_key = (
        data.title,
        data.intro,
        items,
        data.translation_key,
    )
    publish(page)
    result.updated += 1
    return page
