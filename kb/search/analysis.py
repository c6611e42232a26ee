"""The per-locale text analysis the engine indexes and queries with.

Whoosh pickles a schema's analyzers into the index. `SectionAnalyzer` pickles as just its
locale and weights and looks the real analyzer up when called, so an index never holds a
stale copy of the analysis code, and the same analysis serves indexing and querying.

A field holds several sections of an article (title, tags, summary, body, category) joined by
SEPARATOR. Each section's words weigh what the section is worth, and character offsets count
from the start of the joined text, so a snippet can be highlighted from the index without
analysing the article again.
"""

from functools import cache

from whoosh.analysis import Analyzer

SEPARATOR = "\x1e"  # ASCII record separator: never in article text (schema.to_fields strips it)
SECTION_GAP = 8  # positions skipped between sections, so a phrase never spans two


@cache
def _analyzer(locale: str):
    from kb.analysis import analyzer_for

    return analyzer_for(locale)


class SectionAnalyzer(Analyzer):
    """Analyse each SEPARATOR-joined section with the locale's analysis, weighting its words."""

    def __init__(self, locale: str, weights: tuple[float, ...] = (1.0,)):
        self.locale = locale
        self.weights = tuple(weights)

    def __repr__(self):
        return f"{type(self).__name__}({self.locale!r}, {self.weights!r})"

    def __getstate__(self):
        return {"locale": self.locale, "weights": self.weights}

    def __setstate__(self, state):
        self.locale, self.weights = state["locale"], tuple(state["weights"])

    def __call__(self, value, start_pos=0, start_char=0, **kwargs):
        analyse = _analyzer(self.locale)
        if SEPARATOR not in value:
            yield from analyse(value, start_pos=start_pos, start_char=start_char, **kwargs)
            return
        pos, char = start_pos, start_char
        for number, section in enumerate(value.split(SEPARATOR)):
            weight = self.weights[min(number, len(self.weights) - 1)]
            for token in analyse(section, start_pos=pos, start_char=char, **kwargs):
                token.boost = weight
                if kwargs.get("positions"):
                    pos = token.pos + 1
                yield token
            pos += SECTION_GAP
            char += len(section) + len(SEPARATOR)


def query_terms(text: str, locale: str) -> list[tuple[str, int]]:
    """Analyse query text as the index does: (term, position) pairs in order."""
    return [(term, pos) for term, pos, _word in query_tokens(text, locale)]


def query_tokens(text: str, locale: str) -> list[tuple[str, int, str]]:
    """(term, position, the word as typed) for each term of the query text."""
    tokens = _analyzer(locale)(text, positions=True, keeporiginal=True, mode="query")
    return [(token.text, token.pos, getattr(token, "original", token.text)) for token in tokens]
