"""Whoosh analyzers for English, Arabic and Persian knowledge-base text.

One analyzer per locale, used for documents and for queries alike:

    NormalisingTokenizer(locale) | LocaleStemFilter(locale)

The tokenizer finds words on the raw text (so offsets for highlighting point at what the reader
sees, harakat and ZWNJ included), normalises each word, splits it where normalisation says
(ZWNJ, a change of script, "iPhone۱۳") and marks stop words. The stem filter is Whoosh's
"morph" step, so `analyzer(text, no_morph=True)` (what Whoosh's spelling support calls) gives
the normalised but unstemmed words.

Each word is analysed on its own, so analysing a text and analysing its words one by one (as
Whoosh's query parser does) give the same terms. Both steps are cached per word: a knowledge
base has a small vocabulary, and most words of a new article have been seen before.

The index stores these objects in its schema (pickled), so the class names and the `locale`
attribute are part of the index format; `kb_reindex` after renaming them.
"""

import re
from functools import lru_cache

from whoosh.analysis import CompositeAnalyzer, Filter, Token, Tokenizer
from whoosh.lang.porter2 import stem as _porter2

from kb.analysis import stem_ar, stem_fa
from kb.analysis.normalise import ARABIC, OTHER, WORD_CHAR, check_locale, normalize, script_of, split_terms
from kb.analysis.stopwords import stop_words

# Longer "words" are URLs, hashes or base64 and would only bloat the index.
MAX_WORD = 128
MAX_TERM = 64

_WORD = re.compile(rf"{WORD_CHAR}+(?:[.,'’٫٬]{WORD_CHAR}+)*")
_WHOLE = re.compile(r".*", re.DOTALL)  # tokenize=False: Whoosh wants the value as one word

# Memoised because the fixpoint below asks again about stems that many words share.
porter2 = lru_cache(maxsize=65536)(_porter2)


def _stem_english(term: str) -> str:
    """Porter2, repeated until stable ("universe" → "univers" → "univ") so stems are fixed points."""
    if not term.isascii():
        return term
    for _ in range(8):
        stemmed = porter2(term)
        if stemmed == term:
            break
        term = stemmed
    return term


_STEMMERS = {
    ("ar", ARABIC): stem_ar.stem,
    ("fa", ARABIC): stem_fa.stem,
    ("en", OTHER): _stem_english,
    ("ar", OTHER): _stem_english,
    ("fa", OTHER): _stem_english,
}


@lru_cache(maxsize=131072)
def stem(term: str, locale: str) -> str:
    """Return the stem of one normalised term; numbers and Arabic script in English are kept."""
    stemmer = _STEMMERS.get((locale, script_of(term)))
    return stemmer(term) if stemmer else term


@lru_cache(maxsize=65536)
def word_terms(word: str, locale: str) -> tuple[tuple[str, bool], ...]:
    """Return the (normalised term, is stop word) pairs of one raw word.

    A term whose stem is a stop word is one too ("کردم" → "کرد", "وهو" → "هو", "others" →
    "other"), which keeps analysis idempotent and the unstemmed terms in step with the stemmed.
    """
    if len(word) > MAX_WORD:
        return ()
    stops = stop_words(locale)
    return tuple(
        (term, term in stops or stem(term, locale) in stops)
        for term, _ in split_terms(normalize(word, locale))
        if len(term) <= MAX_TERM
    )


class NormalisingTokenizer(Tokenizer):
    """Split text into normalised terms for one locale and mark stop words."""

    def __init__(self, locale: str):
        self.locale = check_locale(locale)

    def __eq__(self, other):
        return self.__class__ is getattr(other, "__class__", None) and self.locale == other.locale

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        words = _WORD.finditer(value) if tokenize else [_WHOLE.match(value)]
        for match in words:
            word = match.group()
            for term, stopped in word_terms(word, self.locale):
                if stopped and removestops:
                    continue
                token.text = term
                token.stopped = stopped
                token.boost = 1.0
                if keeporiginal:
                    token.original = word
                if positions:
                    token.pos = pos
                    pos += 1
                if chars:
                    token.startchar = start_char + match.start()
                    token.endchar = start_char + match.end()
                yield token


class LocaleStemFilter(Filter):
    """Replace each term by its stem in the locale's stemmer (Latin words use English)."""

    is_morph = True

    def __init__(self, locale: str):
        self.locale = check_locale(locale)

    def __call__(self, tokens):
        locale = self.locale
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text, locale)
            yield token


def analyzer_for(locale: str, *, stemming: bool = True):
    """Return the Whoosh analyzer for `locale`, to use at index and at query time.

    `stemming=False` gives normalised whole words, for spelling suggestions or an exact field.
    """
    tokenizer = NormalisingTokenizer(locale)
    return CompositeAnalyzer(tokenizer, LocaleStemFilter(locale)) if stemming else tokenizer


def tokens(text: str, locale: str, *, stemming: bool = True) -> list[str]:
    """Return the terms `text` is indexed and searched under."""
    return [token.text for token in analyzer_for(locale, stemming=stemming)(text)]
