"""Properties of KB text analysis that must hold for any text a customer or an editor can type."""

import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kb.analysis import LOCALES, analyzer_for, normalize, tokens
from kb.analysis.analyzers import MAX_TERM, MAX_WORD
from kb.analysis.normalise import split_terms

# Characters the rules care about, so examples are dense in them rather than in random scripts.
TRICKY = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةىٱیکۀہەھپچژگ"
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0654\u0655\u0670\u06d6\u06e5\u0640"
    "\u200b\u200c\u200d\u200e\u200f\u00ad\ufeff\u2066"
    "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬"
    "aAeEsSiIçéÉßİıǰﬁ'’ʼ.,-_ \n\t"
    "ﻻﻛﺘﺎﺏ﷽ﷲ™㎏½①ｉＰ"
)
tricky_text = st.text(alphabet=st.sampled_from(TRICKY), max_size=60)
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60)
texts = st.one_of(tricky_text, any_text)
locales = st.sampled_from(LOCALES)
property_settings = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def terms(analyzer, text, **kwargs):
    return [(token.text, token.pos, token.stopped) for token in analyzer(text, positions=True, **kwargs)]


@property_settings
@given(text=texts, locale=locales, stemming=st.booleans())
@example(text="\ud800\udfff\x00\x1b", locale="fa", stemming=True)
@example(text="((((NOT NOT ", locale="en", stemming=True)
def test_analysis_never_raises_and_yields_short_nonempty_terms(text, locale, stemming):
    result = tokens(text, locale, stemming=stemming)

    assert all(0 < len(term) <= MAX_TERM for term in result)
    assert all(" " not in term and "\u200c" not in term for term in result)


@property_settings
@given(text=texts, locale=locales, stemming=st.booleans())
@example(text="others", locale="en", stemming=True)
@example(text="universe", locale="en", stemming=True)
@example(text="وللطلاب", locale="ar", stemming=True)
@example(text="میخواهم", locale="fa", stemming=True)
def test_analysing_the_terms_again_gives_the_same_terms(text, locale, stemming):
    first = tokens(text, locale, stemming=stemming)

    assert tokens(" ".join(first), locale, stemming=stemming) == first


@property_settings
@given(text=texts, locale=locales)
def test_query_and_index_analysis_are_the_same_function(text, locale):
    analyzer = analyzer_for(locale)

    assert terms(analyzer, text, mode="query") == terms(analyzer, text, mode="index")


@property_settings
@given(first=texts, second=texts, locale=locales)
def test_text_is_analysed_word_by_word_as_the_query_parser_does(first, second, locale):
    # Whoosh's parser splits a query at spaces and analyses each part; the index sees it whole
    assert tokens(f"{first} {second}", locale) == tokens(first, locale) + tokens(second, locale)


@property_settings
@given(text=texts, locale=locales)
def test_normalize_is_idempotent(text, locale):
    once = normalize(text, locale)

    assert normalize(once, locale) == once


@property_settings
@given(text=st.one_of(tricky_text, any_text).filter(lambda text: len(text) <= MAX_WORD), locale=locales)
def test_words_are_normalised_as_the_whole_text_would_be(text, locale):
    # per-word normalisation (for highlighting offsets) agrees with normalising the whole text
    whole = [term for term, _ in split_terms(normalize(text, locale)) if len(term) <= MAX_TERM]

    assert [text for text, _, _ in terms(analyzer_for(locale, stemming=False), text, removestops=False)] == whole


@property_settings
@given(text=texts, locale=locales)
def test_unstemmed_terms_are_what_whoosh_spelling_asks_for(text, locale):
    analyzer = analyzer_for(locale)

    assert [t.text for t in analyzer(text, no_morph=True)] == tokens(text, locale, stemming=False)


@pytest.mark.parametrize("locale", LOCALES)
def test_huge_and_hostile_inputs_are_analysed(locale):
    # Given a megabyte of random code points, words of every length, and control characters
    rng = random.Random(3)
    noise = "".join(chr(rng.randrange(0x110000)) for _ in range(1_000_000))
    long_word = "ب" * 100_000
    article = " ".join(["سفارش", "order", long_word, "\x00\x07\x1b", "١٢٣" * 40, noise])

    result = tokens(article, locale)

    # Then analysis completes, keeps the ordinary words and drops the absurdly long ones
    assert result[:2] == ["سفارش", "order"]
    assert all(len(term) <= MAX_TERM for term in result)
