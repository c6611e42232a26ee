"""Light Arabic stemmer: the article and its attached conjunctions and prepositions, and suffixes.

Works on terms already normalised for "ar" (ة → ه, ى → ي, no hamza seats), so "ية" and "يه"
are one suffix. The rules are those of Lucene's ArabicStemmer (Larkey's light10), with these
changes that make it safer and more useful for support questions:

- a stem keeps at least three letters after a suffix is removed (Arabic roots are mostly
  triliteral, and two-letter stems are mostly destroyed words: "مكان" must not become "مك");
- the possessive pronouns people type about their own things are removed too ("طلبي",
  "طلبك", "طلبنا", "طلبهم" all find "طلب"), and ة written as ت before them is undone
  ("بطاقتي", "شحنتك" find "بطاقة", "شحنة");
- a bare و is removed after the suffixes, so "وقتك" keeps the و of "وقت";
- stripping repeats until nothing changes ("وللطلاب" → "للطلاب" → "طلاب"), so stemming a stem
  changes nothing. It stops at a stop word, which the analyzer then drops: a stop word with a
  conjunction or a pronoun attached ("وهو", "ولكن", "بعدها") is still a stop word.

The single-letter proclitics ب ف ك ل are deliberately not removed on their own: without a
dictionary they cannot be told apart from a root's first letter ("كتاب", "بطاقة", "فاتورة"),
and removing them would make "بطاقة" (card) find "طاقة" (energy). With the article they are
removed ("بالبطاقة" → "بطاقه").
"""

from functools import cache

from kb.analysis.normalise import normalize
from kb.analysis.stopwords import stop_words


def _n(word: str) -> str:
    return normalize(word, "ar")


# The article with what can be glued to it; it leaves two letters ("الأم" → "ام").
_ARTICLES = tuple(map(_n, ("وال", "بال", "كال", "فال", "لل", "ال")))
_SHORTEST_AFTER_ARTICLE = 2

# A bare و is removed last, after suffixes, and only from a word that keeps three letters:
# otherwise "وقتك" (your time) would lose the و of "وقت" before its ك.
_WAW = _n("و")

# Longest first; "ية" and "ة" are "يه" and "ه" once normalised.
_SUFFIXES = tuple(
    dict.fromkeys(
        _n(suffix)
        for suffix in ("كما", "هما", "ها", "ان", "ات", "ون", "ين", "ية", "كم", "هم", "هن", "نا", "ة", "ه", "ي", "ك")
    )
)
_SHORTEST_STEM = 3

# Suffixes before which ة is written ت; the pronouns and the ة-or-pronoun ه.
_PRONOUNS = frozenset(map(_n, ("كما", "هما", "ها", "كم", "هم", "هن", "نا", "ه", "ي", "ك")))
_TEH = _n("ت")
_FEMININE_PLURAL = _n("ات")

# Words a rule would turn into a stop word or nonsense.
PROTECTED = frozenset(map(_n, ("الله", "اللهم")))


@cache
def _stop_words() -> frozenset[str]:
    return stop_words("ar")


def _strip_article(word: str) -> str | None:
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= _SHORTEST_AFTER_ARTICLE:
            return word[len(article) :]
    return None


def _strip_waw(word: str) -> str | None:
    if word.startswith(_WAW) and len(word) - len(_WAW) >= _SHORTEST_STEM:
        return word[len(_WAW) :]
    return None


def _strip_suffix(word: str) -> str | None:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _SHORTEST_STEM:
            stem = word[: -len(suffix)]
            if (
                suffix in _PRONOUNS
                and stem.endswith(_TEH)
                and not stem.endswith(_FEMININE_PLURAL)  # "طلباتي" → "طلبات" → "طلب"
                and len(stem) > _SHORTEST_STEM  # "بيتي" → "بيت", not "بي"
            ):
                return stem[:-1]
            return stem
    return None


def stem(word: str) -> str:
    """Return the light stem of a normalised Arabic term."""
    stops = _stop_words()
    while word not in PROTECTED and word not in stops:
        shorter = _strip_article(word) or _strip_suffix(word) or _strip_waw(word)
        if shorter is None:
            return word
        word = shorter
    return word
