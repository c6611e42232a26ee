"""What a visitor types to ask the bot for a person, and how typed text is matched against it.

Every phrase is checked whatever the visitor's language: a Persian speaker on the English
widget who writes "اپراتور" still gets a person. Text and phrases go through the knowledge
base's normalisation (Arabic ي/ك typed for Persian ی/ک, ZWNJ, harakat, digits), then are
compared word by word.
"""

from functools import lru_cache

from kb.analysis import LOCALES, normalize, stem
from kb.analysis.normalise import split_terms

HUMAN_PHRASES: tuple[str, ...] = (
    # English
    "human",
    "humans",
    "talk to a human",
    "real person",
    "live person",
    "a person",
    "someone real",
    "talk to someone",
    "speak to someone",
    "agent",
    "live agent",
    "operator",
    "representative",
    # Persian
    "اپراتور",
    "کارشناس",
    "با یک آدم",
    "آدم واقعی",
    "انسان واقعی",
    "پشتیبان انسانی",
    "پشتیبانی انسانی",
    "صحبت با کارشناس",
    "صحبت با پشتیبان",
    # Arabic
    "موظف",
    "شخص حقيقي",
    "إنسان حقيقي",
    "التحدث مع موظف",
    "التحدث مع شخص",
    "خدمة العملاء",
    "وكيل",
)

# What a manager starts with before editing the list (the lead seeds the settings row from it).
DEFAULT_HANDOFF_KEYWORDS: tuple[str, ...] = (
    "refund",
    "complaint",
    "بازگشت وجه",
    "شکایت",
    "استرداد",
    "شكوى",
    "استرجاع",
)

# Longer texts are a pasted document, not a request for a person; the cap keeps matching cheap.
MAX_MATCHED_CHARS = 2000


def supported_locale(locale: str | None) -> str:
    """Return the analysis locale for a language code ("fa-IR" → "fa"), English when unknown."""
    code = str(locale or "").replace("_", "-").split("-")[0].lower()
    return code if code in LOCALES else "en"


def words_of(text: str, locale: str) -> tuple[str, ...]:
    """Return the normalised words of `text` as the knowledge-base search sees them."""
    return tuple(term for term, _script in split_terms(normalize(text[:MAX_MATCHED_CHARS], locale)))


@lru_cache(maxsize=1024)
def _phrase_words(phrase: str, locale: str) -> tuple[tuple[str, str], ...]:
    return tuple((word, stem(word, locale)) for word in words_of(phrase, locale))


def _word_matches(typed: str, wanted: str, wanted_stem: str, locale: str) -> bool:
    # Same stem alone is too loose ("operation" and "operator" share one), so the typed word must
    # also contain the wanted one: "refunds", "الموظف" and "شکایتم" match, "operation" does not.
    return typed == wanted or (wanted in typed and stem(typed, locale) == wanted_stem)


def _contains(words: tuple[str, ...], phrase: tuple[tuple[str, str], ...], locale: str) -> bool:
    size = len(phrase)
    return any(
        all(
            _word_matches(words[start + i], wanted, wanted_stem, locale)
            for i, (wanted, wanted_stem) in enumerate(phrase)
        )
        for start in range(len(words) - size + 1)
    )


def mentions_any(text: str, locale: str, phrases: tuple[str, ...]) -> bool:
    """Tell whether `text` contains one of `phrases` as consecutive words, after normalisation."""
    locale = supported_locale(locale)
    words = words_of(text, locale)
    if not words:
        return False
    for phrase in phrases:
        wanted = _phrase_words(phrase, locale)
        if wanted and _contains(words, wanted, locale):
            return True
    return False
