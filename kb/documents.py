"""What the knowledge base hands to its search engine, and what the engine hands back.

Page models turn themselves into an `ArticleDocument`; the search package indexes those and
answers with `SearchHit`s. Neither side knows how the other is built.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ArticleDocument:
    id: str  # stable external id, e.g. "gift-wrap.fa" (kb/FORMAT.md)
    locale: str  # "en", "ar" or "fa"
    title: str
    url: str
    summary: str = ""
    body: str = ""  # plain text, headings and steps included
    category: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SearchHit:
    id: str
    locale: str
    title: str
    url: str
    snippet: str  # plain text; callers escape it, highlighted terms are marked by `highlights`
    score: float
    highlights: tuple[tuple[int, int], ...] = ()  # (start, end) offsets of matched terms in `snippet`
