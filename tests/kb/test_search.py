"""The search engine behind kb.search, driven with ArticleDocuments (no pages, no database)."""

from pathlib import Path

import pytest

from kb import search
from kb.search import store

from .search_support import article, ids, search_index  # noqa: F401

pytestmark = pytest.mark.usefixtures("search_index")

REFUNDS = article(
    "refunds.en",
    "Returns and refunds",
    summary="Send most items back within 30 days for a full refund.",
    body="Pack the item in its box. Print the label from your account. We refund your card within five days.",
)
TRACKING = article(
    "tracking.en",
    "Where is my parcel?",
    summary="Follow your order with the tracking link we email you.",
    body="The courier scans the parcel at every depot. Parcels can wait at customs for a few days.",
)
GIFT_WRAP = article(
    "gift-wrap.en",
    "Gift wrapping",
    summary="Add gift wrap and a handwritten card at checkout.",
    body="Gift wrap costs a small fee per item.",
)
TRACKING_FA = article(
    "tracking.fa",
    "سفارشم کجاست؟ پیگیری مرسوله",
    summary="با کد رهگیری که برایتان پیامک می‌کنیم، مرسوله را دنبال کنید.",
    body="مرسوله‌ها در گمرک ممکن است چند روز بمانند.",
)
TRACKING_AR = article(
    "tracking.ar",
    "أين طلبي؟ تتبع الشحنة",
    summary="تابع شحنتك برقم التتبع الذي نرسله إليك.",
    body="قد تبقى الشحنات في الجمارك بضعة أيام.",
)


def test_an_indexed_article_is_found_by_a_word_of_its_body():
    search.index_articles([REFUNDS, TRACKING])

    hits = search.search_articles("customs", locale="en")

    assert ids(hits) == ["tracking.en"]
    assert (hits[0].title, hits[0].url, hits[0].locale) == ("Where is my parcel?", "/en/help/tracking.en/", "en")


def test_a_word_in_the_title_outranks_the_same_word_in_the_body():
    in_body = article("in-body.en", "Delivery times", body="Delivery takes longer around the holidays and for a parcel")
    in_title = article("in-title.en", "Holidays and opening hours", body="We close on public days off.")
    search.index_articles([in_body, in_title])

    assert ids(search.search_articles("holidays")) == ["in-title.en", "in-body.en"]


def test_a_word_in_the_summary_outranks_the_same_word_in_the_body():
    in_body = article("in-body.en", "Payments", body="Pay by card. Vouchers can be added at checkout.")
    in_summary = article("in-summary.en", "Discounts", summary="How to use a voucher.", body="Enter the code.")
    search.index_articles([in_body, in_summary])

    assert ids(search.search_articles("voucher")) == ["in-summary.en", "in-body.en"]


def test_a_locale_keeps_other_languages_out_and_no_locale_searches_them_all():
    search.index_articles([TRACKING, TRACKING_FA, TRACKING_AR, REFUNDS])

    assert ids(search.search_articles("مرسوله", locale="fa")) == ["tracking.fa"]
    assert search.search_articles("مرسوله", locale="en") == []
    assert set(ids(search.search_articles("customs parcel"))) == {"tracking.en"}


def test_a_query_without_locale_is_analysed_in_each_language():
    search.index_articles([TRACKING_FA, TRACKING_AR])

    # Arabic ي and ك in a Persian word, and the Arabic definite article with hamza on alef.
    assert ids(search.search_articles("پيگيري")) == ["tracking.fa"]
    assert ids(search.search_articles("الشحنة")) == ["tracking.ar"]


def test_indexing_an_article_again_replaces_it():
    search.index_article(REFUNDS)
    search.index_article(article("refunds.en", "Returns", body="Exchanges only, no money back."))

    assert search.search_articles("refund") == []
    assert ids(search.search_articles("exchanges")) == ["refunds.en"]


def test_a_removed_article_is_no_longer_found():
    search.index_articles([REFUNDS, TRACKING])

    search.remove_article("refunds.en")

    assert search.search_articles("refund") == []
    assert ids(search.search_articles("parcel")) == ["tracking.en"]


def test_removing_an_faq_page_removes_all_its_questions():
    questions = [
        article("faq.en#refund-time", "How long does a refund take?", body="Five days."),
        article("faq.en#gift", "Can I send a gift?", body="Yes, add gift wrap."),
    ]
    search.index_articles([*questions, REFUNDS])

    search.remove_article("faq.en")

    assert ids(search.search_articles("refund gift")) == ["refunds.en"]


def test_replacing_a_page_drops_the_questions_it_no_longer_has():
    search.index_articles(
        [article("faq.en#refund", "Refund time?", body="Five days."), article("faq.en#gift", "Gift?", body="Yes.")]
    )

    search.index_update(replace={"faq.en": [article("faq.en#refund", "Refund time?", body="Three days.")]})

    assert search.search_articles("gift") == []
    assert ids(search.search_articles("refund three")) == ["faq.en#refund"]


def test_the_snippet_is_plain_text_and_its_highlights_mark_the_matched_words():
    risky = article("risky.en", "Refunds", body="Refunds go back to your card. <script>alert(1)</script> is just text.")
    search.index_article(risky)

    hit = search.search_articles("refunded card")[0]

    assert "<script>alert(1)</script>" in hit.snippet
    assert [hit.snippet[start:end] for start, end in hit.highlights] == ["Refunds", "card"]


def test_the_snippet_shows_the_passage_where_the_words_matched():
    filler = " ".join(["Our warehouse ships every weekday."] * 30)
    search.index_article(article("long.en", "Shipping", body=f"{filler} Parcels to Norway need a customs form."))

    hit = search.search_articles("norway customs")[0]

    assert hit.snippet.startswith("…")
    assert "Norway need a customs form." in hit.snippet
    assert {hit.snippet[start:end] for start, end in hit.highlights} == {"Norway", "customs"}


@pytest.mark.parametrize(
    ("query", "locale", "expected"),
    [
        ("refnud", "en", "refunds.en"),  # a letter swapped
        ("parcell", "en", "tracking.en"),  # a letter added
        ("مرسوبه", "fa", "tracking.fa"),  # a letter replaced
        ("الشحتة", "ar", "tracking.ar"),
    ],
)
def test_a_typo_still_finds_the_article(query, locale, expected):
    search.index_articles([REFUNDS, TRACKING, TRACKING_FA, TRACKING_AR])

    assert ids(search.search_articles(query, locale=locale))[:1] == [expected]


def test_a_typo_next_to_a_known_word_still_counts():
    search.index_articles([REFUNDS, TRACKING, GIFT_WRAP])

    assert ids(search.search_articles("trakcing order"))[0] == "tracking.en"


def test_a_word_still_being_typed_finds_the_articles_it_starts():
    search.index_articles([REFUNDS, TRACKING])

    assert ids(search.search_articles("refu")) == ["refunds.en"]
    assert search.search_articles("refu ") == []  # a finished word that is no word


def test_a_quoted_phrase_needs_its_words_together():
    apart = article("apart.en", "Wrapping paper", body="A gift box, wrapped in paper you choose.")
    search.index_articles([GIFT_WRAP, apart])

    assert ids(search.search_articles('"gift wrap"')) == ["gift-wrap.en"]
    assert set(ids(search.search_articles("gift wrap"))) == {"gift-wrap.en", "apart.en"}


def test_a_quoted_phrase_nobody_wrote_falls_back_to_its_words():
    search.index_articles([GIFT_WRAP, REFUNDS])

    assert ids(search.search_articles('"wrap gift fee"')) == ["gift-wrap.en"]


@pytest.mark.parametrize("query", ["آسیب دیده", "آسیبدیده", "آسیب‌دیده"])
def test_words_written_apart_or_together_find_each_other_in_persian(query):
    search.index_articles(
        [
            article("damaged.fa", "کالای آسیب‌دیده", body="عکس بسته را بفرستید."),
            article("joined.fa", "پرداخت", body="کالای آسیبدیده را عوض می‌کنیم."),
            article("other.fa", "ارسال", body="زمان ارسال سه روز است."),
        ]
    )

    assert set(ids(search.search_articles(query, locale="fa"))) == {"damaged.fa", "joined.fa"}


def test_words_written_apart_find_the_word_written_together_in_english():
    search.index_articles([GIFT_WRAP, REFUNDS])

    assert ids(search.search_articles("check out handwritten", locale="en"))[0] == "gift-wrap.en"


def test_the_limit_caps_the_results():
    search.index_articles([article(f"a{n}.en", f"Parcel {n}", body="parcel") for n in range(60)])

    assert len(search.search_articles("parcel", limit=3)) == 3
    assert len(search.search_articles("parcel", limit=500)) == 50
    assert len(search.search_articles("parcel", limit=0)) == 1


@pytest.mark.parametrize("query", ["", "   ", None, "\u200c", "the of and"])
def test_empty_or_stop_word_queries_find_nothing(query):
    search.index_article(REFUNDS)

    assert search.search_articles(query) == []


def test_an_unknown_locale_finds_nothing():
    search.index_article(REFUNDS)

    assert search.search_articles("refund", locale="de") == []


def test_search_health_opens_a_new_empty_index():
    assert search.search_health() is None
    assert search.search_articles("anything") == []


def test_rebuild_swaps_in_a_new_index_and_removes_the_old_one(settings):
    index_dir = Path(settings.WHOOSH_INDEX_DIR)
    search.index_articles([REFUNDS, TRACKING])
    old = store.live_name(index_dir)

    count = search.rebuild(iter([TRACKING, GIFT_WRAP]))

    assert count == 2
    assert search.search_articles("refund") == []
    assert ids(search.search_articles("gift")) == ["gift-wrap.en"]
    generations = sorted(path.name for path in index_dir.glob("gen-*"))
    assert generations == [store.live_name(index_dir)] != [old]


def test_searches_keep_working_during_a_rebuild():
    search.index_articles([REFUNDS])
    seen_meanwhile = []

    def documents():
        yield GIFT_WRAP
        seen_meanwhile.append(ids(search.search_articles("refund")))
        yield TRACKING

    search.rebuild(documents())

    assert seen_meanwhile == [["refunds.en"]]
    assert search.search_articles("refund") == []


def test_updates_made_during_a_rebuild_survive_the_swap():
    search.index_articles([REFUNDS, TRACKING])

    def documents():
        yield REFUNDS
        yield TRACKING
        search.index_article(GIFT_WRAP)  # published while the rebuild reads the database
        search.remove_article("tracking.en")  # and one unpublished

    search.rebuild(documents())

    assert ids(search.search_articles("gift")) == ["gift-wrap.en"]
    assert search.search_articles("customs") == []
    assert ids(search.search_articles("refund")) == ["refunds.en"]


def test_a_failed_rebuild_leaves_the_live_index_as_it_was(settings):
    index_dir = Path(settings.WHOOSH_INDEX_DIR)
    search.index_articles([REFUNDS])

    def documents():
        yield TRACKING
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        search.rebuild(documents())

    assert ids(search.search_articles("refund")) == ["refunds.en"]
    assert len(list(index_dir.glob("gen-*"))) == 1
    assert not (index_dir / store.JOURNAL).exists()


def test_a_rebuild_that_cannot_create_its_index_leaves_no_directory_behind(settings, monkeypatch):
    index_dir = Path(settings.WHOOSH_INDEX_DIR)
    search.index_articles([REFUNDS])
    live = store.live_name(index_dir)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.index, "create_in", disk_full)
    with pytest.raises(OSError):
        search.rebuild(iter([TRACKING]))

    assert [path.name for path in index_dir.glob("gen-*")] == [live]
    assert ids(search.search_articles("refund")) == ["refunds.en"]


def test_an_article_in_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="locale 'de'"):
        search.index_article(article("x.de", "Hallo"))


def test_the_open_searcher_sees_every_later_change():
    search.index_articles([REFUNDS, TRACKING])
    assert ids(search.search_articles("refund")) == ["refunds.en"]

    search.remove_article("refunds.en")
    search.index_article(article("tracking.en", "Where is my parcel?", body="Now with live maps."))

    assert search.search_articles("refund") == []
    assert search.search_articles("customs") == []
    assert ids(search.search_articles("maps")) == ["tracking.en"]


def test_a_sound_index_from_before_generations_is_replaced_by_a_fresh_one(settings):
    from whoosh import fields, index

    root = Path(settings.WHOOSH_INDEX_DIR)
    root.mkdir(parents=True)
    index.create_in(str(root), fields.Schema(id=fields.ID(stored=True)))

    assert search.search_health() is None
    assert not index.exists_in(str(root))
    assert store.live_name(root)


def test_an_unreadable_index_is_reported_not_replaced(settings):
    root = Path(settings.WHOOSH_INDEX_DIR)
    root.mkdir(parents=True)
    (root / "_MAIN_1.toc").write_bytes(b"\x00garbage")

    with pytest.raises(store.UnreadableIndex, match="run kb_reindex"):
        search.search_health()
    search.rebuild([REFUNDS])
    assert search.search_health() is None
    assert not (root / "_MAIN_1.toc").exists()
