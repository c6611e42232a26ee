"""Public queries, built from analysed words: no query syntax reaches the engine.

People type words, and sometimes a "quoted phrase". Everything else (wildcards, fields,
ranges, boosts, AND/OR/NOT, brackets) is just text here, so there is nothing to parse and
nothing to break. Length and term count are capped so that no query is expensive, and only
terms the index holds become part of the query.
"""

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from whoosh import query as q
from whoosh.query.compound import DefaultOr

from .analysis import query_terms, query_tokens
from .fuzzy import near_terms
from .schema import SEARCHED, WEIGHTS, field_name

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_VARIANTS = 6  # near spellings tried per unknown word
MAX_FUZZY_WORDS = 3  # unknown words per query that are looked up by near spelling
VARIANT_WEIGHT = 0.85  # a guessed word counts a little less than a typed one
PREFIX_MIN = 3
MAX_COMPOUNDS = 4  # joined neighbouring words tried per query
MIN_PART = 2  # shortest half of a split word
# Persian writes compounds joined, with a ZWNJ or with a space: a known word is also looked for as two.
SPLIT_KNOWN_LOCALES = ("fa",)

_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|«([^»]*)»|„([^“”]*)[“”]')
RTL_LOCALES = ("ar", "fa")
_SEPARATORS = re.compile(r"[\s\u200c]+")
_KEEP_FORMAT = {"\u200c", "\u200d"}  # ZWNJ and ZWJ belong to Persian and Arabic words


@dataclass(frozen=True)
class PublicQuery:
    text: str  # the cleaned query, as searched
    words: str  # everything outside quotes
    phrases: tuple[str, ...] = ()
    open_ended: bool = False  # the last word may still be being typed

    @property
    def is_empty(self) -> bool:
        return not (self.words.strip() or self.phrases)


@dataclass
class LocaleQuery:
    query: q.Query
    terms: set[str] = field(default_factory=set)  # index terms it can match, for highlighting


def _clean_char(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cc" or category.startswith("Z"):
        return " "
    if category in ("Cs", "Co", "Cn") or (category == "Cf" and char not in _KEEP_FORMAT):
        return ""
    return char


def clean(raw: str | None) -> str:
    """The query as it will be searched: printable, single-spaced, at most MAX_QUERY_CHARS long."""
    text = "".join(_clean_char(char) for char in (raw or "")[: MAX_QUERY_CHARS * 2])
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()


def parse(raw: str | None) -> PublicQuery:
    text = clean(raw)
    phrases = tuple(next(g for g in m.groups() if g is not None).strip() for m in _QUOTED.finditer(text))
    words = _QUOTED.sub(" ", text)
    open_ended = bool(text) and not (raw or "")[-1:].isspace() and text[-1].isalnum()
    return PublicQuery(text=text, words=words, phrases=tuple(p for p in phrases if p), open_ended=open_ended)


class _Builder:
    """Turns one locale's analysed words into Whoosh queries over the terms the index holds."""

    def __init__(self, reader, locale: str, *, fuzzy: bool, deadline: float):
        self.reader = reader
        self.locale = locale
        self.fuzzy = fuzzy
        self.deadline = deadline
        self.budget = MAX_TERMS
        self.fuzzy_left = MAX_FUZZY_WORDS
        self.terms: set[str] = set()

    def take(self, items: list) -> list:
        taken = items[: self.budget]
        self.budget -= len(taken)
        return taken

    def exact(self, term: str, weight: float = 1.0) -> list[q.Query]:
        found = []
        for name in SEARCHED:
            fname = field_name(name, self.locale)
            if self.reader.doc_frequency(fname, term):
                found.append(q.Term(fname, term, boost=WEIGHTS[name] * weight))
        if found:
            self.terms.add(term)
        return found

    def variants(self, term: str, word: str, *, typing: bool) -> list[q.Query]:
        """Index terms near an unknown word: one or two edits away, or (while typing) starting with it."""
        if not self.fuzzy or self.fuzzy_left <= 0 or not _same_script(term, self.locale):
            return []
        if any(char.isdigit() for char in term):
            return []
        self.fuzzy_left -= 1
        text = field_name("text", self.locale)
        near = near_terms(self.reader, text, term, _edits(term, word), deadline=self.deadline, limit=MAX_VARIANTS * 4)
        near.update(swap for swap in _swapped(term) if self.reader.doc_frequency(text, swap))
        if typing and len(term) >= PREFIX_MIN:
            near.update(self._starting_with(text, term))
        near.discard(term)
        found = []
        for variant in sorted(near, key=lambda t: (-self.reader.doc_frequency(text, t), t))[:MAX_VARIANTS]:
            found += self.exact(variant, weight=VARIANT_WEIGHT)
        return found

    def holds(self, term: str) -> bool:
        return any(self.reader.doc_frequency(field_name(name, self.locale), term) for name in SEARCHED)

    def joined(self, text: str, already: list[str]) -> list[q.Query]:
        """Neighbouring words the index holds as one (می خواهم → میخواهم, check out → checkout)."""
        pieces = [piece for piece in _SEPARATORS.split(text) if piece][: MAX_TERMS + 1]
        found = []
        for left, right in itertools.pairwise(pieces):
            terms = query_terms(left + right, self.locale)
            if len(terms) == 1 and terms[0][0] not in already and (alternatives := self.exact(terms[0][0])):
                found.append(DefaultOr(alternatives))
        return found[:MAX_COMPOUNDS]

    def split(self, term: str) -> list[q.Query]:
        """A word the index also holds as two, side by side (آسیبدیده → آسیب‌دیده, giftwrap → gift wrap)."""
        middle = len(term) / 2
        for cut in sorted(range(MIN_PART, len(term) - MIN_PART + 1), key=lambda i: abs(i - middle)):
            left, right = term[:cut], term[cut:]
            if self.holds(left) and self.holds(right):
                self.terms.update((left, right))
                return [
                    q.Phrase(field_name(name, self.locale), [left, right], boost=WEIGHTS[name]) for name in SEARCHED
                ]
        return []

    def _starting_with(self, fname: str, term: str):
        for count, btext in enumerate(self.reader.expand_prefix(fname, term)):
            if count >= MAX_VARIANTS * 4:
                return
            yield btext.decode("utf-8")

    def phrase(self, text: str) -> q.Query | None:
        analysed = self.take(query_terms(text, self.locale))
        if len(analysed) < 2:
            alternatives = self.exact(analysed[0][0]) if analysed else []
            return DefaultOr(alternatives) if alternatives else None
        words = [term for term, _pos in analysed]
        if not all(any(self.reader.doc_frequency(field_name(n, self.locale), w) for n in SEARCHED) for w in words):
            return None
        self.terms.update(words)
        gaps = [b - a for (_, a), (_, b) in itertools.pairwise(analysed)]
        slop = max(1, *gaps)  # where the analysis leaves gaps for the stop words it drops, allow them
        fields = [field_name(name, self.locale) for name in SEARCHED]
        return DefaultOr(
            [q.Phrase(f, words, slop=slop, boost=WEIGHTS[name]) for f, name in zip(fields, SEARCHED, strict=True)]
        )


def _is_arabic_script(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u08ff" or "\ufb50" <= char <= "\ufeff"


def _same_script(term: str, locale: str) -> bool:
    """Typos are guessed within a script: a Latin word is not respelled into Persian, nor back."""
    return any(_is_arabic_script(char) for char in term) == (locale in RTL_LOCALES)


def _edits(term: str, word: str) -> int:
    """Edits allowed for a typo: by the length of the word typed, and of its stem (Arabic stems are short)."""
    by_word = 0 if len(word) < 4 else 1 if len(word) < 8 else 2
    by_term = 0 if len(term) < 3 else 1 if len(term) < 6 else 2
    return min(by_word, by_term)


def _swapped(term: str) -> set[str]:
    """The word with two neighbouring letters swapped, the commonest typo (one edit, not two)."""
    return {term[:i] + term[i + 1] + term[i] + term[i + 2 :] for i in range(len(term) - 1)} - {term}


def _unique(items):
    seen = set()
    return [item for item in items if not (item in seen or seen.add(item))]


def known_share(parsed: PublicQuery, locale: str, reader) -> float:
    """How much of the query this locale's articles know: the likeliest language scores highest."""
    terms = _unique(term for term, _pos in query_terms(f"{parsed.words} {' '.join(parsed.phrases)}", locale))
    if not terms:
        return 0.0
    build = _Builder(reader, locale, fuzzy=False, deadline=0.0)
    return sum(build.holds(term) for term in terms[:MAX_TERMS]) / min(len(terms), MAX_TERMS)


def for_locale(parsed: PublicQuery, locale: str, reader, *, fuzzy: bool, deadline: float) -> LocaleQuery | None:
    """The query over one locale's fields, or None when nothing in that locale can match.

    Every quoted phrase must match; the other words are optional, and articles matching more
    of them rank higher. With `fuzzy`, a word the index does not hold (a typo, or a word still
    being typed) matches the nearest spellings the index does hold, looked for until `deadline`.
    Words written apart or together (with a space, a ZWNJ or nothing) also match the other way
    of writing them.
    """
    build = _Builder(reader, locale, fuzzy=fuzzy, deadline=deadline)
    phrases = [build.phrase(text) for text in parsed.phrases]
    if any(p is None for p in phrases):
        return None
    typed: dict[str, str] = {}  # each term once, with the word it was typed as
    for term, _pos, word in query_tokens(parsed.words, locale):
        typed.setdefault(term, word)
    terms = build.take(list(typed))
    optional = []
    for position, term in enumerate(terms):
        alternatives = build.exact(term)
        if not alternatives or locale in SPLIT_KNOWN_LOCALES:
            alternatives += build.split(term)
        if not alternatives:
            typing = parsed.open_ended and position == len(terms) - 1
            alternatives = build.variants(term, typed[term], typing=typing)
        if alternatives:
            optional.append(DefaultOr(alternatives))
    optional += build.joined(parsed.words, terms)
    words = DefaultOr(optional) if len(optional) > 1 else (optional or [None])[0]
    if phrases:
        required = phrases[0] if len(phrases) == 1 else q.And(phrases)
        return LocaleQuery(q.AndMaybe(required, words) if words else required, build.terms)
    return LocaleQuery(words, build.terms) if words else None
