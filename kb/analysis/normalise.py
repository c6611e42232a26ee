"""Character-level normalisation shared by the analyzers of every locale.

The same function runs on documents and on queries, so each rule exists to make two ways of
typing one word meet. Nothing here depends on whether the text is a query.
"""

import itertools
import re
import unicodedata

LOCALES = ("en", "ar", "fa")

NUMBER = "number"
ARABIC = "arabic"
OTHER = "other"

ZWNJ = "\u200c"


def check_locale(locale: str) -> str:
    """Return `locale` when the analyzers support it, else raise ValueError."""
    if locale not in LOCALES:
        raise ValueError(f"Unsupported locale {locale!r}: expected one of {', '.join(LOCALES)}.")
    return locale


def _scan_unicode() -> tuple[list[int], dict[int, str], list[int]]:
    """Find every combining mark, non-ASCII decimal digit and word-making compatibility symbol.

    Done once at import (about 30 ms) so the tables follow the Python's Unicode version instead
    of a hand-copied list. Nothing above U+1FFFF matters except the variation selectors.
    """
    marks, digits, compat_words = [], {}, []
    for code in itertools.chain(range(0x20000), range(0xE0100, 0xE01F0)):
        char = chr(code)
        category = unicodedata.category(char)
        if category[0] == "M":
            marks.append(code)
        elif category == "Nd" and code > 0x7F:
            digits[code] = str(unicodedata.decimal(char))
        elif (
            not char.isalnum()
            and unicodedata.decomposition(char).startswith("<")
            and any(c.isalnum() for c in unicodedata.normalize("NFKC", char))
        ):
            # "™", "㎏", "﷽": not word characters themselves, but NFKC turns them into words.
            compat_words.append(code)
    return marks, digits, compat_words


def _char_class(codes: list[int]) -> str:
    """Render sorted code points as the inside of a regex character class, as ranges."""
    ranges = []
    for _, group in itertools.groupby(enumerate(codes), lambda pair: pair[1] - pair[0]):
        run = [code for _, code in group]
        first, last = re.escape(chr(run[0])), re.escape(chr(run[-1]))
        ranges.append(first if run[0] == run[-1] else f"{first}-{last}")
    return "".join(ranges)


_MARKS, _DIGITS, _COMPAT_WORDS = _scan_unicode()

# Invisible characters that live inside words: bidi controls, soft hyphen, BOM, word joiners.
_FORMAT = "\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"

# What the tokenizer treats as part of a word on the raw text: word characters plus marks
# (harakat are category Mn, so a plain \w+ would cut "كَتَبَ" into letters), ZWNJ and the
# other invisible characters above, so they are removed by normalisation and not by splitting.
WORD_CHAR = rf"[\w{_char_class(_MARKS)}{_FORMAT}{_char_class(_COMPAT_WORDS)}]"

_STRIP = dict.fromkeys(_MARKS)
_STRIP.update(
    dict.fromkeys(
        [
            0x0621,  # standalone hamza: usually dropped when typing (إلغاء / الغا, اجزاء / اجزا)
            0x0640,  # tatweel, a stretching stroke with no meaning
            0x0674,  # high hamza
            0x06E5,  # small waw (Quranic)
            0x06E6,  # small yeh (Quranic)
            0x02BC,  # modifier apostrophe, so "donʼt" meets "dont"
            0x00AD,
            0x061C,
            0x200D,  # ZWJ only changes letter shapes
            0x200E,
            0x200F,
            0xFEFF,
            *range(0x202A, 0x202F),
            *range(0x2060, 0x2065),
            *range(0x2066, 0x206A),
        ]
    )
)
# ZWNJ separates morphemes the way a space does: "می‌خواهم" ≡ "می خواهم", "کتاب‌ها" ≡ "کتاب ها".
# The stemmers rejoin what people type without it ("میخواهم", "کتابها").
_STRIP.update(dict.fromkeys([0x200B, 0x200C], " "))
_STRIP.update(dict.fromkeys(range(0xD800, 0xE000), " "))  # lone surrogates cannot be text


def _latin_folding() -> dict[int, str]:
    """Map accented Latin letters to ASCII ("café" → "cafe"), as people rarely type accents."""
    table = {}
    for code in itertools.chain(range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if base and base != chr(code) and base.isascii() and base.isalpha():
            table[code] = base
    return table


def _letters_table(yeh: str, kaf: str) -> dict[int, str]:
    table = _latin_folding()
    table.update(_DIGITS)
    table.update(dict.fromkeys(map(ord, "آأإٱٲٳٵ"), "ا"))
    # Arabic ي, alef maksura ى, Persian ی and the Urdu forms are one letter to a reader.
    table.update(dict.fromkeys(map(ord, "يىیېێۍےۓئ"), yeh))
    table.update(dict.fromkeys(map(ord, "كکڪ"), kaf))
    # ة and the Persian ezafe/heh forms: "مدرسة" ≡ "مدرسه", "خانۀ" ≡ "خانه".
    table.update(dict.fromkeys(map(ord, "ةۀہۂۃەھ"), "ه"))
    table.update(dict.fromkeys(map(ord, "ؤٶ"), "و"))
    table[ord("٫")] = "."  # Arabic decimal separator
    table[ord("٬")] = ","  # Arabic thousands separator (kept ones are not between digit groups)
    return table


# Arabic keeps its own ي/ك so "did you mean" suggestions look right; Persian and English use ی/ک.
_LETTERS = {
    "ar": _letters_table("ي", "ك"),
    "fa": _letters_table("ی", "ک"),
    "en": _letters_table("ی", "ک"),
}

# Persian keyboards type ئ as ی + hamza above; NFKC only composes the Arabic ي + hamza.
_YEH_HAMZA_ABOVE = re.compile("[ىی][\u064b-\u065f\u0670]*\u0654")

# ئ has no single spelling without its hamza: "مسئله" is typed "مساله" (like "مسأله"), "پائیز" is
# typed "پاییز", "سئوال" and "سؤال" are typed "سوال". Between consonants it becomes ا, next to a
# vowel or at the end ی, and before و it disappears (the و it sits on is already there).
_HAMZA_YEH = re.compile(r"(?P<drop>ئ(?=[وؤ]))|(?P<yeh>(?<=[اآأإٱ])ئ|ئ(?=[يىیئاآأإ]|(?!\w)))|ئ")
_HAMZA_YEH_REPLACEMENT = {"drop": "", "yeh": "ي", None: "ا"}

# "مسؤول" → "مسوول" must meet "مسئول" → "مسول": a doubled و is never needed to find a word.
_WAW_RUN = re.compile("وو+")

_THOUSANDS = re.compile(r"(?<=\d)[,٬](?=\d{3}(?!\d))")
_POSSESSIVE = re.compile(r"(?<=[^\W\d_])['’]s(?!\w)")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])['’](?=[^\W\d_])")


def _hamza_yeh(match: re.Match) -> str:
    return _HAMZA_YEH_REPLACEMENT[match.lastgroup]


def _latin_rules(text: str) -> str:
    if "'" in text or "’" in text:
        text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", text))
    if "," in text or "٬" in text:
        text = _THOUSANDS.sub("", text)
    return text


def normalize(text: str, locale: str) -> str:
    """Return `text` as the analyzers see it before stemming.

    NFKC (presentation forms such as ﻻ, ligatures, full-width letters), case folding, no
    harakat, Quranic marks, tatweel or invisible characters, one spelling per letter (alef
    forms, yeh, kaf, heh, hamza seats), ASCII digits in every script, ZWNJ as a space, and
    thousands separators and English apostrophes dropped ("1,000" → "1000", "don't" → "dont").
    """
    letters = _LETTERS[check_locale(locale)]
    if text.isascii():
        return _latin_rules(text.lower())
    text = unicodedata.normalize("NFKC", text).casefold()
    if "\u0654" in text:
        text = _YEH_HAMZA_ABOVE.sub("ئ", text)
    text = text.translate(_STRIP)
    if "ئ" in text:
        text = _HAMZA_YEH.sub(_hamza_yeh, text)
    text = _latin_rules(text).translate(letters)
    if "وو" in text:
        text = _WAW_RUN.sub("و", text)
    return text


_ARABIC_LETTERS = (
    "\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u0870-\u0887\u0889-\u088e\u08a0-\u08c9"
)
_ARABIC_BLOCKS = "\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff"

# Scripts never share a term: "iPhone۱۳" gives "iphone" and "13", "آیفونها" stays one word.
_TERM = re.compile(
    rf"(?P<{NUMBER}>[0-9]+(?:\.[0-9]+)*)"
    rf"|(?P<{ARABIC}>[{_ARABIC_LETTERS}]+)"
    rf"|(?P<{OTHER}>[^\W\d_{_ARABIC_BLOCKS}]+)"
)


def split_terms(normalized: str) -> list[tuple[str, str]]:
    """Split normalised text into (term, script) pairs; script is NUMBER, ARABIC or OTHER."""
    return [(match.group(), match.lastgroup) for match in _TERM.finditer(normalized)]


def script_of(term: str) -> str:
    """Return the script of one term, as split_terms would have reported it."""
    match = _TERM.match(term)
    return match.lastgroup if match else OTHER
