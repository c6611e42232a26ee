"""The analyzers inside Whoosh: stored in an index on disk, highlighting, phrases, spelling."""

from whoosh import fields, index
from whoosh.qparser import QueryParser

from kb.analysis import analyzer_for
from tests.kb.search_helpers import build_index, search


def test_an_index_on_disk_reopens_with_the_same_analysis(tmp_path):
    # Given an index written with the Persian analyzer (Whoosh pickles the schema)
    schema = fields.Schema(id=fields.ID(stored=True), body=fields.TEXT(analyzer=analyzer_for("fa")))
    with index.create_in(tmp_path, schema).writer() as writer:
        writer.add_document(id="books", body="کتاب‌های جدید فروشگاه")

    # When another process opens it and searches with a joined spelling
    reopened = index.open_dir(tmp_path)

    # Then the analyzer came back intact and finds the article
    assert reopened.schema["body"].analyzer == analyzer_for("fa")
    assert search(reopened, "کتابهای") == {"books"}


def test_analyzers_compare_by_locale_and_stemming():
    assert analyzer_for("ar") == analyzer_for("ar")
    assert analyzer_for("ar") != analyzer_for("fa")
    assert analyzer_for("fa", stemming=False) != analyzer_for("fa")


def test_offsets_cover_the_word_as_written_with_its_harakat_and_zwnj():
    text = "لطفاً مِی‌خواهم كِتَابٌ"
    analyzer = analyzer_for("fa")

    spans = [(token.text, text[token.startchar : token.endchar]) for token in analyzer(text, chars=True)]

    assert spans == [("خواه", "مِی‌خواهم"), ("کتاب", "كِتَابٌ")]


def test_a_snippet_highlights_the_word_the_customer_meant():
    # Given an article with harakat, and a query typed without them
    body = "يمكنك إلغاءُ الطَّلَبِ خلال ساعة من الشراء."
    idx = build_index("ar", {"cancel": body})
    with idx.searcher() as searcher:
        query = QueryParser("body", idx.schema).parse("الغاء الطلب")
        hit = searcher.search(query)[0]

        # When the snippet is made from the stored text
        snippet = hit.highlights("body", text=body, top=1)

    # Then the words as written are highlighted
    assert 'class="match term0">إلغاءُ</b>' in snippet
    assert 'class="match term1">الطَّلَبِ</b>' in snippet


def test_a_phrase_matches_across_zwnj_space_and_joined_spellings():
    idx = build_index("fa", {"new-books": "کتاب‌های جدید رسید", "old": "جدید نیست این کتاب"})

    assert search(idx, '"کتابهای جدید"') == {"new-books"}
    assert search(idx, '"کتاب ها جدید"') == {"new-books"}


def test_spelling_words_are_unstemmed_and_normalised():
    field = fields.TEXT(analyzer=analyzer_for("ar"), spelling=True)

    assert list(field.spellable_words("المعلمون في المدرسةِ")) == ["المدرسه", "المعلمون"]
