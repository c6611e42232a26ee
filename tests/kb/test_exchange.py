"""kb_import / kb_export (kb/FORMAT.md): validation, idempotency, translations, round trip."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from kb.exchange import ImportRejected, export_json, import_bytes
from kb.exchange.validation import translation_key_uuid
from kb.models import ArticlePage, CategoryPage, FAQPage
from tests.kb.kb_pages import article, exchange_file, faq_page, import_articles, page

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[2] / "kb" / "demo"


def _counts():
    return Page.objects.count(), Revision.objects.count()


def _rejected(raw: bytes) -> str:
    before = _counts()
    with pytest.raises(ImportRejected) as caught:
        import_bytes(raw)
    assert _counts() == before, "a rejected file must not write anything"
    return str(caught.value)


# Validation: each rule, naming the article and the field, nothing written.


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b'{"articles": [', "not valid JSON"),
        (b"[]", 'JSON object with an "articles" list'),
        (b'{"articles": {}}', 'field "articles": Must be a list'),
        (b'{"articles": [], "pages": []}', 'field "pages": Unknown field'),
    ],
)
def test_a_broken_file_is_rejected_with_the_reason(raw, expected):
    assert expected in _rejected(raw)


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ({"locale": "de"}, "locale", "Must be one of: en, ar, fa"),
        ({"title": ""}, "title", "Must not be empty"),
        ({"title": "   "}, "title", "Must not be empty"),
        ({"title": 42}, "title", "Must be text"),
        ({"title": "line one\nline two"}, "title", "one line"),
        ({"body": "nul \x00 byte"}, "body", "NUL character"),
        ({"summary": "a\x00b"}, "summary", "NUL character"),
        ({"tags": "gift"}, "tags", "list of text"),
        ({"tags": ["ok", 3]}, "tags", "list of text"),
        ({"tags": ["bad\x00tag"]}, "tags", "NUL character"),
        ({"colour": "red"}, "colour", "Unknown field"),
        ({"body": "<script>alert(1)</script>"}, "body", "Nothing readable"),
        ({"title": "x" * 256}, "title", "longer than 255"),
        ({"translation_key": ""}, "translation_key", "Must not be empty"),
    ],
)
def test_each_article_rule_names_the_article_and_field(change, field, expected):
    bad = article("gift-wrap.en", **change)

    message = _rejected(exchange_file(article("returns.en"), bad))

    assert f'article "gift-wrap.en", field "{field}": ' in message
    assert expected in message
    assert not ArticlePage.objects.filter(external_id="returns.en").exists()


@pytest.mark.parametrize("missing", ["id", "translation_key", "locale", "category", "title", "body"])
def test_every_required_field_is_required(missing):
    record = article("gift-wrap.en")
    del record[missing]

    message = _rejected(exchange_file(record))

    assert f'field "{missing}": This field is required' in message


def test_an_article_without_a_usable_id_is_named_by_its_position():
    message = _rejected(exchange_file(article("ok.en"), article("x", id=7)))

    assert 'article #2, field "id": Must be text' in message


def test_an_id_with_spaces_is_rejected():
    assert 'field "id": Use only letters' in _rejected(exchange_file(article("gift wrap.en")))


def test_duplicate_ids_are_rejected():
    message = _rejected(exchange_file(article("gift-wrap.en"), article("gift-wrap.en", title="Again")))

    assert 'article "gift-wrap.en", field "id": Used twice: article #1 has it too.' in message


def test_two_articles_cannot_be_the_same_translation_in_one_locale():
    message = _rejected(exchange_file(article("a.en", translation_key="k"), article("b.en", translation_key="k")))

    assert 'article "b.en", field "translation_key": Article "a.en" already has this translation_key' in message


def test_every_problem_in_the_file_is_reported_at_once():
    message = _rejected(exchange_file(article("a.en", locale="xx"), article("b.en", title="")))

    assert 'article "a.en", field "locale"' in message
    assert 'article "b.en", field "title"' in message


def test_an_import_cannot_move_an_article_to_another_language():
    import_articles(article("gift-wrap.en"))

    message = _rejected(exchange_file(article("gift-wrap.en", locale="fa")))

    assert 'article "gift-wrap.en", field "locale": The article exists in locale en' in message


def test_a_translation_key_already_used_in_that_locale_is_rejected():
    import_articles(article("gift-wrap.en"))

    message = _rejected(exchange_file(article("other.en", translation_key="gift-wrap")))

    assert (
        'article "other.en", field "translation_key": Article "gift-wrap.en" is already the en translation' in message
    )


def test_a_failure_late_in_the_writes_rolls_everything_back(monkeypatch):
    from kb.exchange import articles as writer

    real = writer.article_upsert
    calls = []

    def fail_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr("kb.exchange.article_upsert", fail_on_second)
    before = _counts()

    with pytest.raises(RuntimeError):
        import_articles(article("a.en"), article("b.en"))

    assert _counts() == before


# Writing: create, idempotent, update in place, translations, sanitising.


def test_import_creates_published_articles_under_their_category():
    result = import_articles(
        article("gift-wrap.en", title="Can I have my order gift-wrapped?", tags=["gift", "wrapping"])
    )

    created = page("gift-wrap.en")
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    assert created.live and not created.has_unpublished_changes
    assert created.get_parent().title == "Orders"
    assert sorted(created.tags.names()) == ["gift", "wrapping"]
    assert created.url == "/en/help/orders/can-i-have-my-order-gift-wrapped/"


def test_importing_the_same_file_twice_changes_nothing():
    raw = exchange_file(article("gift-wrap.en"), article("gift-wrap.fa", "fa"))
    import_bytes(raw)
    before = _counts()

    result = import_bytes(raw)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert _counts() == before


def test_an_edited_file_updates_the_article_in_place_with_a_new_published_revision():
    import_articles(article("gift-wrap.en"))
    original = page("gift-wrap.en")
    revisions = original.revisions.count()

    result = import_articles(article("gift-wrap.en", title="Gift wrapping", body="## New\n\nNew text.", tags=["new"]))

    updated = page("gift-wrap.en")
    assert result.updated == 1
    assert updated.pk == original.pk and updated.slug == original.slug
    assert updated.title == "Gift wrapping" and updated.live and not updated.has_unpublished_changes
    assert updated.revisions.count() == revisions + 1
    assert list(updated.tags.names()) == ["new"]
    assert "New text." in str(updated.body)


def test_a_changed_category_moves_the_article():
    import_articles(article("gift-wrap.en"))

    import_articles(article("gift-wrap.en", category="Gifts"))

    assert page("gift-wrap.en").get_parent().title == "Gifts"


def test_translations_share_a_wagtail_translation_key_and_so_do_their_categories():
    import_articles(article("gift-wrap.en"), article("gift-wrap.ar", "ar"), article("gift-wrap.fa", "fa"))

    english, arabic, persian = page("gift-wrap.en"), page("gift-wrap.ar"), page("gift-wrap.fa")
    assert english.translation_key == arabic.translation_key == persian.translation_key
    assert english.translation_key == translation_key_uuid("gift-wrap")
    assert {p.locale.language_code for p in english.get_translations(inclusive=True)} == {"en", "ar", "fa"}
    categories = [p.get_parent().specific for p in (english, arabic, persian)]
    assert len({c.translation_key for c in categories}) == 1
    assert [c.title for c in categories] == ["Orders", "الطلبات", "سفارش‌ها"]


def test_categories_are_found_by_name_per_locale_not_duplicated():
    import_articles(article("a.en"), article("b.en"))

    assert CategoryPage.objects.filter(title="Orders").count() == 1
    assert page("a.en").get_parent().pk == page("b.en").get_parent().pk


def test_arabic_and_persian_titles_give_readable_unicode_slugs():
    import_articles(
        article("gift-wrap.fa", "fa", title="آیا می‌توانم سفارشم را کادوپیچ کنم؟"),
        article("gift-wrap.ar", "ar", title="هل يمكن تغليف طلبي كهدية؟"),
    )

    assert page("gift-wrap.fa").slug == "آیا-میتوانم-سفارشم-را-کادوپیچ-کنم"
    assert page("gift-wrap.ar").slug == "هل-يمكن-تغليف-طلبي-كهدية"
    assert page("gift-wrap.fa").get_parent().slug == "سفارشها"


def test_markdown_is_rendered_and_sanitised():
    body = (
        "## Pay safely\n\n[Open](javascript:alert(1)) <script>alert(2)</script> <b onclick=x>bold</b>\n\n"
        "[Shop](https://shop.example) and [help](/en/help/)\n\n<iframe src=https://evil.example></iframe>"
    )
    import_articles(article("pay.en", body=body))

    html = str(page("pay.en").body)
    assert "<script" not in html and 'href="javascript:' not in html
    assert "onclick" not in html and "<iframe" not in html
    assert "<b>bold</b>" in html
    assert '<a href="https://shop.example" rel="nofollow noopener">Shop</a>' in html
    assert '<a href="/en/help/">help</a>' in html


# Export and the round trip.


def test_export_gives_back_the_imported_articles():
    records = [article("gift-wrap.en", tags=["gift", "wrapping"]), article("gift-wrap.fa", "fa", summary="")]
    import_articles(*records)

    exported = json.loads(export_json())["articles"]

    assert exported == [{**record, "body": record["body"]} for record in records]


def test_demo_help_centre_round_trips_import_export_import():
    demo = (DEMO / "help-centre.json").read_bytes()
    assert import_bytes(demo).created == 60
    exported = export_json()
    by_id = {record["id"]: record for record in json.loads(exported)["articles"]}
    assert by_id == {record["id"]: record for record in json.loads(demo)["articles"]}
    before = _counts()

    result = import_bytes(exported.encode())

    assert (result.created, result.updated, result.unchanged) == (0, 0, 60)
    assert _counts() == before
    assert export_json() == exported


def test_an_admin_made_translation_key_round_trips_as_its_uuid():
    import_articles(article("gift-wrap.en"))
    made = page("gift-wrap.en")
    made.exchange_translation_key = ""
    made.save(update_fields=["exchange_translation_key"], clean=False)

    record = json.loads(export_json())["articles"][0]

    assert record["translation_key"] == str(made.translation_key)
    assert import_bytes(exchange_file(record)).unchanged == 0  # the stored text is filled in again
    assert page("gift-wrap.en").translation_key == made.translation_key


# FAQ pages.


def test_faq_file_creates_one_faq_page_per_locale_with_anchored_questions():
    result = import_bytes((DEMO / "faq.json").read_bytes())

    assert result.created == 3
    english = faq_page("faq.en")
    assert english.get_parent().specific.locale.language_code == "en"
    items = english.faq_items()
    assert items[0]["anchor"] == "how-long-does-delivery-take"
    assert len({item["anchor"] for item in items}) == len(items)
    assert FAQPage.objects.filter(translation_key=english.translation_key).count() == 3


def test_faq_import_is_idempotent_and_round_trips():
    raw = (DEMO / "faq.json").read_bytes()
    import_bytes(raw)
    before = _counts()

    again = import_bytes(raw)
    exported = json.loads(export_json(include_faq=True))
    after_round_trip = import_bytes(json.dumps({"faq": exported["faq"]}).encode())

    assert again.unchanged == 3 and after_round_trip.unchanged == 3
    assert _counts() == before
    original = json.loads(raw)["faq"]
    assert [[i["answer"] for i in p["items"]] for p in exported["faq"]] == [
        [i["answer"] for i in p["items"]] for p in original
    ]


def test_a_bad_faq_entry_names_the_page_and_item():
    raw = json.dumps({"faq": [{"locale": "fa", "title": "پرسش‌ها", "items": [{"question": "چرا؟"}]}]}).encode()

    assert 'FAQ page #1 (fa), field "answer": This field is required' in _rejected(raw)


# The commands.


def test_kb_import_command_reports_what_it_did(tmp_path):
    path = tmp_path / "kb.json"
    path.write_bytes(exchange_file(article("gift-wrap.en")))
    out = StringIO()

    call_command("kb_import", str(path), stdout=out)

    assert "1 created, 0 updated, 0 unchanged" in out.getvalue()


def test_kb_import_command_refuses_a_bad_file_and_names_the_problem(tmp_path):
    path = tmp_path / "kb.json"
    path.write_bytes(exchange_file(article("gift-wrap.en", locale="de")))

    with pytest.raises(CommandError, match=r'(?s)Nothing was imported.*article "gift-wrap.en", field "locale"'):
        call_command("kb_import", str(path))


def test_kb_import_command_explains_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("kb_import", str(tmp_path / "missing.json"))


def test_kb_export_command_writes_utf8_json(tmp_path):
    import_articles(article("gift-wrap.fa", "fa", title="کادوپیچ"))
    path = tmp_path / "out.json"

    call_command("kb_export", str(path), stderr=StringIO())

    text = path.read_text(encoding="utf-8")
    assert '"title": "کادوپیچ"' in text
    assert json.loads(text)["articles"][0]["id"] == "gift-wrap.fa"


# Demo content.


def test_seed_demo_loads_the_help_centre_once():
    from helpdesk.core.demo import seed_help_centre

    seed_help_centre()
    before = _counts()
    seed_help_centre()

    assert _counts() == before
    assert ArticlePage.objects.live().count() == 60 and FAQPage.objects.live().count() == 3
    for language in ("en", "ar", "fa"):
        assert CategoryPage.objects.filter(locale__language_code=language).count() == 5
    assert len(set(CategoryPage.objects.values_list("translation_key", flat=True))) == 5
