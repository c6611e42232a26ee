"""Light Persian stemmer: plural, comparative, possessive and adjective suffixes, and می/نمی.

Works on terms already normalised for "fa". Normalisation turns ZWNJ into a space, so
"کتاب‌ها" and "می‌خواهم" arrive as two terms whose affix ("ها", "می") is a stop word; this
module only has to undo the joined spellings people type without ZWNJ ("کتابها", "میخواهم")
so that all three spellings give the same term.

Lucene's PersianAnalyzer does no stemming and its PersianStemmer removes suffixes only; here
the verb prefixes are removed too, plural-with-possessive forms ("هایم", "هایشان"), "گان"
plurals of words ending in silent ه ("فروشندگان" → "فروشنده") and the first-person ending
"م", which support questions are full of ("سفارشم", "حسابم", "خریدم").

Left alone on purpose: the possessives "ت" and "ش" ("کارت" is a card, "سفارش" an order), the
subjunctive and negative prefixes "ب" and "ن" ("بسته", "نام"), and a final silent ه ("نامه" is
not "نام"); none can be told from a root's letter without a dictionary.
"""

from functools import cache

from kb.analysis.normalise import normalize
from kb.analysis.stopwords import stop_words


def _n(word: str) -> str:
    return normalize(word, "fa")


# (suffix, replacement, shortest stem left), tried in this order.
_SUFFIXES = tuple(
    (_n(suffix), _n(replacement), shortest)
    for suffix, replacement, shortest in (
        ("هایمان", "", 2),
        ("هایتان", "", 2),
        ("هایشان", "", 2),
        ("هایم", "", 2),
        ("هایت", "", 2),
        ("هایش", "", 2),
        ("هایی", "", 2),
        ("های", "", 2),
        ("ها", "", 2),
        ("ترین", "", 3),
        ("تر", "", 3),
        ("گان", "ه", 3),
        ("ات", "", 3),
        ("ان", "", 3),
        ("ی", "", 3),
        ("م", "", 3),
    )
)

_VERB_PREFIXES = tuple(map(_n, ("نمی", "می")))
_SHORTEST_VERB = 3

# Words that start with "می" or end like a suffix but are whole words; stemming them would
# make them find unrelated words ("مهمان" → "مهم", "مردم" → "مرد") or vanish as a stop word
# ("میهمان" → "همان", "انجام" → "آنجا").
WHOLE_WORDS = """
    میز میزان میزبان میل میلاد میلیون میلیارد میوه میهن میهمان میان میانه میانگین میراث
    میخ میش میکروب میکروفون میگو میمون مینا میعاد میسر میکاپ میکس مینی میخک
    مهمان ارزان ایران تهران آسمان باران سازمان ساختمان مردم انجام تنها انتها
"""
PROTECTED = frozenset(map(_n, WHOLE_WORDS.split()))


@cache
def _stop_words() -> frozenset[str]:
    return stop_words("fa")


def _strip_suffixes(word: str) -> str:
    """Remove suffixes until none applies or a stop word is left ("کردم" → "کرد"), for the
    analyzer to drop."""
    stops = _stop_words()
    while word not in PROTECTED and word not in stops:
        for suffix, replacement, shortest in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= shortest:
                word = word[: -len(suffix)] + replacement
                break
        else:
            return word
    return word


def stem(word: str) -> str:
    """Return the light stem of a normalised Persian term.

    Suffixes first, so a protected noun is recognised under its plural ("میزها"); then a verb
    prefix, after which the rest is stemmed exactly as if it had been typed on its own, which is
    what makes "میخواهم" and "می خواهم" meet.
    """
    core = _strip_suffixes(word)
    if core in PROTECTED:
        return core
    for prefix in _VERB_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _SHORTEST_VERB:
            return stem(word[len(prefix) :])
    return core
