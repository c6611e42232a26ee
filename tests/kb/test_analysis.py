"""Orthographic rules of KB search: every way of typing a word finds the article written another way.

Each case indexes every spelling as its own article, then searches with every spelling: the
rule holds on the document side and on the query side at once.
"""

import pytest

from kb.analysis import normalize, tokens
from tests.kb.search_helpers import build_index, finds_each_other, search

TATWEEL = "\u0640"
ZWNJ = "\u200c"

SPELLINGS = {
    # rule: (locale, spellings that must all find each other)
    "alef with hamza above": ("ar", ["أسعار", "اسعار"]),
    "alef with hamza below": ("ar", ["إرجاع", "ارجاع"]),
    "alef madda": ("fa", ["آدرس", "ادرس"]),
    "alef wasla": ("ar", ["ٱلكتاب", "الكتاب"]),
    "alef maksura and Arabic yeh": ("ar", ["مستوى", "مستوي"]),
    "Arabic yeh typed in Persian": ("fa", ["پیگیری", "پيگيري"]),
    "Arabic kaf typed in Persian": ("fa", ["کتاب", "كتاب"]),
    "Persian kaf and yeh typed in Arabic": ("ar", ["كتابي", "کتابی"]),
    "teh marbuta and heh, Arabic": ("ar", ["مدرسة", "مدرسه"]),
    "teh marbuta and heh, Persian": ("fa", ["مدرسة", "مدرسه"]),
    "heh with yeh above, heh goal, heh with hamza": ("fa", ["خانۀ", "خانه", "خانهٔ", "خانہ"]),
    "waw with hamza": ("fa", ["سؤال", "سوال", "سئوال"]),
    "waw with hamza, doubled waw": ("ar", ["مسؤول", "مسئول"]),
    "missing hamza on yeh between consonants": ("fa", ["مسئله", "مسأله", "مساله"]),
    "hamza on yeh after alef": ("fa", ["پائیز", "پاییز"]),
    "hamza on yeh before yeh": ("fa", ["رئیس", "رییس"]),
    "hamza on yeh typed as yeh + hamza above": ("fa", ["مسئله", "مسی\u0654له"]),
    "hamza on yeh, Arabic": ("ar", ["سائق", "سايق"]),
    "hamza before teh": ("fa", ["هیئت", "هیأت", "هیات"]),
    "standalone hamza, Arabic": ("ar", ["إلغاء", "الغاء", "الغا"]),
    "standalone hamza, Persian": ("fa", ["اجزاء", "اجزا"]),
    "tatweel, Arabic": ("ar", [f"كـ{TATWEEL}تاب", "كتاب"]),
    "tatweel, Persian": ("fa", [f"سـ{TATWEEL}فارش", "سفارش"]),
    "harakat and tanween": ("ar", ["كِتَابٌ", "كتاب"]),
    "shadda and sukun": ("ar", ["مُسْتَخْدِم", "مستخدم", "مستخدّم"]),
    "harakat typed in Persian": ("fa", ["سِفارِش", "سفارش"]),
    "superscript alef": ("ar", ["الرحمٰن", "الرحمن"]),
    "Quranic marks": ("ar", ["الكتاب\u06d6", "الكتاب"]),
    "presentation forms": ("ar", ["\ufedb\ufe98\ufe8e\ufe8f", "كتاب"]),
    "lam-alef ligature": ("ar", ["\ufec3\ufefc\ufe8f", "طلاب"]),
    "Persian digits": ("fa", ["۱۲۳", "١٢٣", "123"]),
    "Arabic-Indic digits": ("ar", ["١٢٣", "۱۲۳", "123"]),
    "digits in English text": ("en", ["order 123", "order ١٢٣", "order ۱۲۳"]),
    "mixed digits in one number": ("fa", ["۱2٣", "123"]),
    "decimal separators": ("fa", ["۲٫۵", "2.5"]),
    "thousands separators": ("fa", ["۱٬۰۰۰", "1,000", "1000"]),
    "Latin case": ("en", ["Password", "PASSWORD", "password"]),
    "Latin accents": ("en", ["café", "cafe"]),
    "full-width Latin": ("en", ["ｉＰｈｏｎｅ", "iphone"]),
    "bidi marks inside a word": ("fa", ["سفا\u200fرش", "سفارش"]),
    "soft hyphen and zero-width joiner inside a word": ("en", ["pass\u00adword", "pass\u200dword", "password"]),
}


@pytest.mark.parametrize(("locale", "spellings"), SPELLINGS.values(), ids=SPELLINGS.keys())
def test_every_spelling_finds_every_other(locale, spellings):
    # Given one article per spelling, when each spelling is searched, then it finds them all.
    found = finds_each_other(locale, spellings)

    expected = {str(i) for i in range(len(spellings))}
    assert found == dict.fromkeys(spellings, expected)


ZWNJ_VARIANTS = {
    # the verb prefixes می/نمی and the suffixes ها/هایم/ترین with ZWNJ, joined and with a space
    "want": ["می‌خواهم", "میخواهم", "می خواهم"],
    "do not know": ["نمی‌دانم", "نمیدانم", "نمی دانم"],
    "buy": ["می‌خرم", "میخرم", "می خرم"],
    "books": ["کتاب‌ها", "کتابها", "کتاب ها", "کتاب"],
    "my books": ["کتاب‌هایم", "کتابهایم", "کتاب هایم", "کتاب"],
    "orders of": ["سفارش‌های", "سفارشهای", "سفارش های", "سفارش"],
    "biggest": ["بزرگ‌ترین", "بزرگترین", "بزرگ ترین", "بزرگ"],
    "cheaper": ["ارزان‌تر", "ارزانتر", "ارزان تر", "ارزان"],
    "compound word": ["نرم‌افزار", "نرم افزار"],
}


@pytest.mark.parametrize("spellings", ZWNJ_VARIANTS.values(), ids=ZWNJ_VARIANTS.keys())
def test_zwnj_space_and_joined_spellings_find_each_other(spellings):
    found = finds_each_other("fa", spellings)

    expected = {str(i) for i in range(len(spellings))}
    assert found == dict.fromkeys(spellings, expected)


def test_spaced_verb_prefix_query_finds_only_the_zwnj_article():
    # Given an article with "می‌خواهم" and one without
    index = build_index("fa", {"cancel": "می‌خواهم سفارش را لغو کنم", "new": "سفارش جدید"})

    # When the customer types the prefix with a space, or joined, then only the first is found
    assert search(index, "می خواهم") == {"cancel"}
    assert search(index, "میخواهم لغو کنم") == {"cancel"}
    assert search(index, "سفارش") == {"cancel", "new"}


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("ar", "والكتاب", ["كتاب"]),
        ("ar", "بالمدرسة", ["مدرس"]),
        ("ar", "للطلاب", ["طلاب"]),
        ("ar", "المعلمون", ["معلم"]),
        ("ar", "الطالبات", ["طالب"]),
        ("ar", "كالبرق", ["برق"]),
        ("ar", "فالحساب", ["حساب"]),
        ("ar", "وللطلاب", ["طلاب"]),
        ("ar", "المدرسية", ["مدرس"]),
        ("ar", "المسلمين", ["مسلم"]),
        ("ar", "بطاقتي", ["بطاق"]),
        ("ar", "طلباتكم", ["طلب"]),
        ("fa", "کتاب‌هایم", ["کتاب"]),
        ("fa", "بزرگ‌ترین", ["بزرگ"]),
        ("fa", "نمی‌دانم", ["دان"]),
        ("fa", "دانشجویان", ["دانشجو"]),
        ("fa", "فروشندگان", ["فروشنده"]),
        ("fa", "اطلاعات", ["اطلاع"]),
        ("fa", "سفارشم", ["سفارش"]),
        ("en", "Running shoes", ["run", "shoe"]),
        ("en", "cancelled cancellation", ["cancel", "cancel"]),
    ],
)
def test_stemming(locale, text, expected):
    assert tokens(text, locale) == expected


INFLECTIONS = {
    "Arabic article and conjunction": ("ar", ["الكتاب", "والكتاب", "كتاب", "بالكتاب"]),
    "Arabic feminine plural": ("ar", ["الطالبات", "طالبة"]),
    "Arabic masculine plural": ("ar", ["المعلمون", "معلمين", "معلم"]),
    "Arabic possessives": ("ar", ["طلبي", "طلبك", "طلبنا", "طلبهم", "الطلب"]),
    "Arabic teh marbuta before a pronoun": ("ar", ["بطاقتي", "البطاقة", "بطاقتك"]),
    "Arabic word starting with waw": ("ar", ["وقتك", "الوقت", "وقت"]),
    "Persian plural in ان": ("fa", ["کاربران", "کاربر"]),
    "Persian plural in یان": ("fa", ["دانشجویان", "دانشجو"]),
    "Persian plural in گان": ("fa", ["فروشندگان", "فروشنده"]),
    "Persian plural in ات": ("fa", ["تنظیمات", "تنظیم"]),
    "Persian first person": ("fa", ["سفارشم", "سفارش"]),
    "Persian adjective in ی": ("fa", ["پستی", "پست"]),
    "English plural and tense": ("en", ["returns", "returned", "returning", "return"]),
}


@pytest.mark.parametrize(("locale", "spellings"), INFLECTIONS.values(), ids=INFLECTIONS.keys())
def test_inflected_forms_find_each_other(locale, spellings):
    found = finds_each_other(locale, spellings)

    expected = {str(i) for i in range(len(spellings))}
    assert found == dict.fromkeys(spellings, expected)


@pytest.mark.parametrize(
    ("locale", "word", "other"),
    [
        ("ar", "بطاقة", "طاقة"),  # card is not energy: a bare ب is not stripped
        ("ar", "كتاب", "تاب"),
        ("ar", "مكان", "مك"),  # a suffix leaves three letters
        ("ar", "بيتي", "بي"),
        ("fa", "کارت", "کار"),  # card is not work: possessive ت is not stripped
        ("fa", "مهمان", "مهم"),  # guest is not important
        ("fa", "نامه", "نام"),  # letter is not name
        ("fa", "مردم", "مرد"),
        ("fa", "میهمان", "همان"),
        ("fa", "میزها", "زها"),
    ],
)
def test_short_or_protected_words_are_not_destroyed(locale, word, other):
    assert tokens(word, locale)
    assert tokens(word, locale) != tokens(other, locale)


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("ar", "إلى الى إلي"),
        ("ar", "وهو ولكن بعدها"),
        ("fa", "می ها های ترین"),
        ("fa", "آنها انها"),
        ("fa", "كه را به از"),  # Arabic kaf: the same stop word as که
        ("fa", "کردم میکردم"),
        ("en", "The others were having"),
    ],
)
def test_stop_words_are_dropped_however_they_are_spelled(locale, text):
    assert tokens(text, locale) == []


def test_a_content_word_whose_stem_looks_like_a_stop_word_is_kept():
    # "انجام" (done) ends like the possessive م, and "آنجا" (there) is a stop word
    assert tokens("انجام سفارش", "fa") == ["انجام", "سفارش"]


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("fa", "گوشی iPhone 13 را خریدم", ["گوش", "iphon", "13", "خرید"]),
        ("fa", "iPhone۱۳", ["iphon", "13"]),
        ("fa", "آیفون۱۳", ["ایفون", "13"]),
        ("ar", "هاتف Samsung Galaxy بسعر ٢٬٥٠٠", ["هاتف", "samsung", "galaxi", "بسعر", "2500"]),
        ("en", "How do I return my iPhone's charger?", ["return", "iphon", "charger"]),
    ],
)
def test_mixed_scripts_split_into_terms_and_digits_are_ascii(locale, text, expected):
    assert tokens(text, locale) == expected


def test_harakat_and_zwnj_stay_inside_the_word_for_the_tokenizer():
    # a plain \w+ would cut "كَتَبَ" into three letters at its harakat
    assert tokens("كَتَبَ الطالبُ", "ar") == ["كتب", "طالب"]
    assert tokens("كَتَبَ", "ar", stemming=False) == ["كتب"]


def test_unstemmed_terms_are_normalised_whole_words():
    assert tokens("كتاب‌هاي جديد", "fa", stemming=False) == ["کتاب", "جدید"]
    assert tokens("المعلمون", "ar", stemming=False) == ["المعلمون"]


def test_normalize_is_character_level_and_keeps_words_whole():
    assert normalize("كتابُ الطالبةِ ١٢٣", "ar") == "كتاب الطالبه 123"
    assert normalize("كتابُ الطالبةِ ١٢٣", "fa") == "کتاب الطالبه 123"
    assert normalize("می‌خواهم", "fa") == "می خواهم"


def test_an_unknown_locale_is_refused():
    with pytest.raises(ValueError, match="Unsupported locale 'de'"):
        tokens("hallo", "de")
