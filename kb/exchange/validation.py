"""Whole-file validation for kb_import (kb/FORMAT.md): every problem named by article and field."""

import json
import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from ..markdown import markdown_to_blocks

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ARTICLES = 10_000
MAX_PROBLEMS = 50
LIMITS = {"id": 100, "translation_key": 100, "category": 255, "title": 255, "summary": 500, "body": 100_000}
MAX_TAGS, MAX_TAG_LENGTH = 30, 100
ARTICLE_FIELDS = ("id", "translation_key", "locale", "category", "title", "summary", "body", "tags")
REQUIRED_FIELDS = ("id", "translation_key", "locale", "category", "title", "body")
TOP_LEVEL_FIELDS = ("articles", "faq")
EXTERNAL_ID = re.compile(r"^[\w.:-]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Fixed forever: uuid5(namespace, text) turns a file's translation_key into Wagtail's.
TRANSLATION_NAMESPACE = uuid.UUID("5d1c3f0e-8f8a-4c55-9a55-2b1f0c6a7e41")


def languages() -> list[str]:
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def translation_key_uuid(text: str) -> uuid.UUID:
    """Map a file's translation_key to Wagtail's: a UUID is kept as is, any other text hashed (uuid5)."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return uuid.uuid5(TRANSLATION_NAMESPACE, text)


@dataclass(frozen=True)
class Problem:
    where: str
    field: str | None
    message: str

    def __str__(self):
        if self.field:
            return _('%(where)s, field "%(field)s": %(message)s') % {
                "where": self.where,
                "field": self.field,
                "message": self.message,
            }
        return f"{self.where}: {self.message}"


class ImportRejected(Exception):
    """The file breaks the format; nothing was imported."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems[:MAX_PROBLEMS]
        more = len(problems) - len(self.problems)
        lines = [str(problem) for problem in self.problems]
        if more:
            lines.append(_("… and %(count)d more problems.") % {"count": more})
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class ArticleData:
    external_id: str
    translation_key: str
    locale: str
    category: str
    title: str
    body: str
    summary: str = ""
    tags: tuple[str, ...] = ()
    blocks: list = field(default_factory=list, compare=False, hash=False)

    @property
    def translation_uuid(self) -> uuid.UUID:
        return translation_key_uuid(self.translation_key)


def where_article(index: int, item) -> str:
    external_id = item.get("id") if isinstance(item, dict) else None
    if isinstance(external_id, str) and external_id.strip():
        return _('article "%(id)s"') % {"id": external_id.strip()}
    return _("article #%(number)d") % {"number": index + 1}


def check_text(value, *, where: str, name: str, required: bool, limit: int, multiline: bool = False):
    """Return (clean text, problems) for one text field."""
    if value is None and not required:
        return "", []
    if not isinstance(value, str):
        return "", [Problem(where, name, _("Must be text."))]
    if "\x00" in value:
        return "", [Problem(where, name, _("Contains a NUL character."))]
    if not multiline and (_CONTROL.search(value) or "\n" in value or "\r" in value):
        return "", [Problem(where, name, _("Must be one line without control characters."))]
    text = value.strip()
    if required and not text:
        return "", [Problem(where, name, _("Must not be empty."))]
    if len(text) > limit:
        return "", [Problem(where, name, _("Is longer than %(limit)d characters.") % {"limit": limit})]
    return text, []


def _check_tags(value, where: str) -> tuple[tuple[str, ...], list[Problem]]:
    if value is None:
        return (), []
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        return (), [Problem(where, "tags", _("Must be a list of text."))]
    if len(value) > MAX_TAGS:
        return (), [Problem(where, "tags", _("Has more than %(limit)d tags.") % {"limit": MAX_TAGS})]
    tags, problems = [], []
    for tag in value:
        text, tag_problems = check_text(tag, where=where, name="tags", required=True, limit=MAX_TAG_LENGTH)
        problems += tag_problems
        if text and text not in tags:
            tags.append(text)
    return tuple(tags), problems


def check_fields(item: dict, where: str, allowed, required) -> list[Problem]:
    problems = [Problem(where, name, _("Unknown field.")) for name in item if name not in allowed]
    return problems + [Problem(where, name, _("This field is required.")) for name in required if name not in item]


def check_article(index: int, item) -> tuple[ArticleData | None, list[Problem]]:
    where = where_article(index, item)
    if not isinstance(item, dict):
        return None, [Problem(where, None, _("Must be a JSON object."))]
    problems = check_fields(item, where, ARTICLE_FIELDS, REQUIRED_FIELDS)
    values = {}
    for name in ("id", "translation_key", "category", "title", "summary", "body"):
        if name in item or name == "summary":
            values[name], found = check_text(
                item.get(name),
                where=where,
                name=name,
                required=name in REQUIRED_FIELDS,
                limit=LIMITS[name],
                multiline=name in {"body", "summary"},
            )
            problems += found
    if values.get("id") and not EXTERNAL_ID.match(values["id"]):
        problems.append(Problem(where, "id", _("Use only letters, digits and . - _ : (no spaces).")))
    if "locale" in item and item["locale"] not in languages():
        problems.append(Problem(where, "locale", _("Must be one of: %(codes)s.") % {"codes": ", ".join(languages())}))
    tags, tag_problems = _check_tags(item.get("tags"), where)
    problems += tag_problems
    blocks = markdown_to_blocks(values["body"]) if values.get("body") else []
    if values.get("body") and not blocks:
        problems.append(Problem(where, "body", _("Nothing readable is left once unsafe HTML is removed.")))
    if problems:
        return None, problems
    return ArticleData(
        external_id=values["id"],
        translation_key=values["translation_key"],
        locale=item["locale"],
        category=values["category"],
        title=values["title"],
        body=values["body"],
        summary=values["summary"],
        tags=tags,
        blocks=blocks,
    ), []


def _check_uniqueness(articles: list[tuple[int, ArticleData]]) -> list[Problem]:
    problems, ids, keys = [], {}, {}
    for index, article in articles:
        where = where_article(index, {"id": article.external_id})
        if article.external_id in ids:
            problems.append(
                Problem(
                    where, "id", _("Used twice: article #%(number)d has it too.") % {"number": ids[article.external_id]}
                )
            )
        ids.setdefault(article.external_id, index + 1)
        pair = (article.translation_uuid, article.locale)
        if pair in keys:
            problems.append(
                Problem(
                    where,
                    "translation_key",
                    _('Article "%(other)s" already has this translation_key in locale %(locale)s.')
                    % {"other": keys[pair], "locale": article.locale},
                )
            )
        keys.setdefault(pair, article.external_id)
    return problems


def load_json(raw: bytes) -> dict:
    """Decode and parse the file, or raise ImportRejected saying why."""
    where = _("file")
    if len(raw) > MAX_FILE_BYTES:
        raise ImportRejected([Problem(where, None, _("Is larger than 20 MB."))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            [Problem(where, None, _("Is not UTF-8 text (byte %(at)d).") % {"at": exc.start})]
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = _("Is not valid JSON: %(error)s (line %(line)d, column %(column)d).")
        raise ImportRejected(
            [Problem(where, None, message % {"error": exc.msg, "line": exc.lineno, "column": exc.colno})]
        ) from None
    if not isinstance(data, dict) or not any(name in data for name in TOP_LEVEL_FIELDS):
        raise ImportRejected([Problem(where, None, _('Must be a JSON object with an "articles" list.'))])
    problems = [Problem(where, name, _("Unknown field.")) for name in data if name not in TOP_LEVEL_FIELDS]
    problems += [
        Problem(where, name, _("Must be a list."))
        for name in TOP_LEVEL_FIELDS
        if name in data and not isinstance(data[name], list)
    ]
    if isinstance(data.get("articles"), list) and len(data["articles"]) > MAX_ARTICLES:
        problems.append(Problem(where, "articles", _("Has more than %(limit)d articles.") % {"limit": MAX_ARTICLES}))
    if problems:
        raise ImportRejected(problems)
    return data


def articles_validate(items: list) -> list[ArticleData]:
    """Check every article; return them all or raise ImportRejected with every problem found."""
    problems, articles = [], []
    for index, item in enumerate(items):
        article, found = check_article(index, item)
        problems += found
        if article is not None:
            articles.append((index, article))
    problems += _check_uniqueness(articles)
    if problems:
        raise ImportRejected(problems)
    return [article for _index, article in articles]
