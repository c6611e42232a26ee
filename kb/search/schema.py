"""The index's fields: one analysed field per locale, plus what a hit shows.

`text_<locale>` holds the title, tags, summary, body and category, each section's words
weighted by what the section is worth (see analysis.SectionAnalyzer). One field rather than
one per section keeps both indexing and matching cheap (one posting list per word); a
document fills only its own locale's field.
"""

from dataclasses import dataclass

from whoosh import fields

from kb.documents import ArticleDocument

from .analysis import SEPARATOR, SectionAnalyzer

LOCALES = ("en", "ar", "fa")

# A word in the title says more than one in the tags or summary, and those more than the body's.
SECTIONS = {"title": 6.0, "tags": 2.0, "summary": 2.0, "body": 1.0, "category": 1.0}
WEIGHTS = {"text": 1.0}  # query-time weight of each analysed field
SEARCHED = tuple(WEIGHTS)


def field_name(name: str, locale: str) -> str:
    return f"{name}_{locale}"


def build_schema() -> fields.Schema:
    """Stored fields for display, analysed fields per locale for matching."""
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        source=fields.ID,  # the page a document comes from: an FAQ page's id for each of its questions
        locale=fields.ID(stored=True),
        url=fields.STORED,
        title=fields.STORED,
        summary=fields.STORED,
        body=fields.STORED,
        tags=fields.STORED,
        category=fields.STORED,
    )
    for locale in LOCALES:
        analyzer = SectionAnalyzer(locale, tuple(SECTIONS.values()))
        # Character offsets let snippets be highlighted from the index, without analysing again.
        schema.add(field_name("text", locale), fields.TEXT(analyzer=analyzer, chars=True))
    return schema


def source_of(doc_id: str) -> str:
    """The page a document belongs to: "faq.en#returns" belongs to "faq.en"."""
    return doc_id.split("#", 1)[0]


def is_supported(locale: str) -> bool:
    return locale in LOCALES


def _one_line(text: str) -> str:
    """Whitespace collapsed and no separators: stored and analysed text must be the same string."""
    return " ".join((text or "").replace(SEPARATOR, " ").split())


def to_fields(doc: ArticleDocument) -> dict:
    """The document as Whoosh field values; a document is analysed only with its own locale."""
    if not is_supported(doc.locale):
        raise ValueError(f"Article {doc.id!r} has locale {doc.locale!r}; the index knows {', '.join(LOCALES)}.")
    sections = {
        "title": _one_line(doc.title),
        "tags": " · ".join(_one_line(tag) for tag in doc.tags),
        "summary": _one_line(doc.summary),
        "body": _one_line(doc.body),
        "category": _one_line(doc.category),
    }
    return {
        "id": doc.id,
        "source": source_of(doc.id),
        "locale": doc.locale,
        "url": doc.url,
        "title": sections["title"],
        "summary": sections["summary"],
        "body": sections["body"],
        "tags": sections["tags"],
        "category": sections["category"],
        field_name("text", doc.locale): SEPARATOR.join(sections[name] for name in SECTIONS),
    }


@dataclass(frozen=True)
class TextLayout:
    """Where each section sits inside a document's `text_<locale>` field."""

    lengths: tuple[int, ...]  # of the sections, in SECTIONS order

    @classmethod
    def of(cls, stored: dict) -> "TextLayout":
        return cls(tuple(len(stored.get(name, "")) for name in SECTIONS))

    def locate(self, start: int, end: int) -> tuple[str, int, int] | None:
        """(section, start, end) with offsets relative to that section."""
        section_start = 0
        for name, length in zip(SECTIONS, self.lengths, strict=True):
            if start >= section_start and end <= section_start + length:
                return name, start - section_start, end - section_start
            section_start += length + len(SEPARATOR)
        return None
