"""The index follows the Wagtail pages: publish, edit, unpublish, move, delete, restrict, translate."""

import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from wagtail.models import PageViewRestriction

from kb import search
from kb.models import ArticlePage, CategoryPage, FAQPage, IndexBacklog

from .search_support import exchange_record, ids, import_articles, search_index  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index")]

TRACKING = exchange_record(
    "tracking.en", "Where is my parcel?", "The courier scans the parcel at every depot.", category="Delivery"
)
REFUNDS = exchange_record("refunds.en", "Returns and refunds", "We refund your card within five days.")
TRACKING_FA = exchange_record(
    "tracking.fa", "مرسوله‌ام کجاست؟", "پیک مرسوله را در هر انبار اسکن می‌کند.", category="ارسال", key="tracking"
)


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_articles(TRACKING, REFUNDS)
    return ArticlePage.objects.get(external_id="tracking.en")


def test_a_published_article_is_searchable_at_its_public_url(published):
    hits = search.search_articles("courier", locale="en")

    assert ids(hits) == ["tracking.en"]
    assert hits[0].url == published.public_path()
    assert hits[0].url.startswith("/en/help/")


def test_an_import_reaches_the_index_in_one_write_when_it_commits(django_capture_on_commit_callbacks, monkeypatch):
    writes, real_update = [], search.index_update
    monkeypatch.setattr(search, "index_update", lambda **kwargs: writes.append(kwargs) or real_update(**kwargs))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_articles(TRACKING, REFUNDS, TRACKING_FA)

    assert len(callbacks) == 1 and len(writes) == 1
    assert set(writes[0]["replace"]) == {"tracking.en", "refunds.en", "tracking.fa"}
    assert ids(search.search_articles("courier", locale="en")) == ["tracking.en"]
    assert ids(search.search_articles("مرسوله", locale="fa")) == ["tracking.fa"]


def test_a_publish_rolled_back_never_reaches_the_index(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        import_articles(REFUNDS)
        raise RuntimeError("the request failed after publishing")

    assert search.search_articles("refund") == []


def test_a_new_revision_replaces_the_indexed_text(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_articles({**TRACKING, "body": "Parcels wait at customs for a few days."})

    assert search.search_articles("depot") == []
    assert ids(search.search_articles("customs")) == ["tracking.en"]


def test_an_unpublished_article_leaves_the_index(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        published.unpublish()

    assert search.search_articles("courier") == []
    assert ids(search.search_articles("refund")) == ["refunds.en"]


def test_a_deleted_article_leaves_the_index(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        published.delete()

    assert search.search_articles("courier") == []


def test_a_moved_article_is_found_at_its_new_address(published, django_capture_on_commit_callbacks):
    orders = CategoryPage.objects.get(title="Orders", locale__language_code="en")

    with django_capture_on_commit_callbacks(execute=True):
        published.move(orders, pos="last-child")

    hit = search.search_articles("courier")[0]
    assert hit.url == ArticlePage.objects.get(pk=published.pk).public_path()
    assert "/orders/" in hit.url


def test_articles_under_an_unpublished_category_leave_the_index_and_come_back(
    published, django_capture_on_commit_callbacks
):
    delivery = published.get_parent().specific

    with django_capture_on_commit_callbacks(execute=True):
        delivery.unpublish()
    hidden = search.search_articles("courier")
    with django_capture_on_commit_callbacks(execute=True):
        delivery.save_revision().publish()

    assert hidden == []
    assert ids(search.search_articles("courier")) == ["tracking.en"]


def test_a_view_restriction_takes_articles_out_of_public_search(published, django_capture_on_commit_callbacks):
    delivery = published.get_parent()

    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(page=delivery, restriction_type="password", password="x")
    hidden = search.search_articles("courier")
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()

    assert hidden == []
    assert ids(search.search_articles("courier")) == ["tracking.en"]


def test_a_published_translation_is_searchable_in_its_language(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_articles(TRACKING_FA)

    assert ids(search.search_articles("مرسوله", locale="fa")) == ["tracking.fa"]
    assert ids(search.search_articles("courier", locale="en")) == ["tracking.en"]
    fa = ArticlePage.objects.get(external_id="tracking.fa")
    assert fa.translation_key == published.translation_key


def test_faq_questions_are_indexed_and_a_removed_question_leaves(django_capture_on_commit_callbacks):
    faq = {
        "locale": "en",
        "title": "Questions",
        "items": [
            {"question": "Do you ship to Norway?", "answer": "Yes, with a customs form."},
            {"question": "Can I pay in instalments?", "answer": "Yes, at checkout."},
        ],
    }
    with django_capture_on_commit_callbacks(execute=True):
        import_articles(faq=[faq])
    page = FAQPage.objects.get(locale__language_code="en")
    found_first = search.search_articles("norway")
    with django_capture_on_commit_callbacks(execute=True):
        import_articles(faq=[{**faq, "items": faq["items"][1:]}])

    assert [hit.url for hit in found_first] == [f"{page.public_path()}#{ids(found_first)[0].split('#')[1]}"]
    assert search.search_articles("norway") == []
    assert len(search.search_articles("instalments")) == 1


def test_kb_reindex_rebuilds_from_the_published_pages(published, capsys):
    search.index_update(replace={"stale.en": [search.ArticleDocument("stale.en", "en", "Courier strike", "/x/")]})
    ArticlePage.objects.filter(external_id="refunds.en").update(live=False)  # unpublished behind the index's back

    call_command("kb_reindex")

    assert "Indexed 1 documents" in capsys.readouterr().out
    assert ids(search.search_articles("courier")) == ["tracking.en"]
    assert search.search_articles("refund") == []


def test_a_failing_index_never_fails_the_publish(monkeypatch, caplog, django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(search, "index_update", broken)
    with caplog.at_level(logging.ERROR, logger="kb.indexing"), django_capture_on_commit_callbacks(execute=True):
        import_articles(REFUNDS)

    assert ArticlePage.objects.get(external_id="refunds.en").live
    assert "Could not update the search index" in caplog.text


def test_a_failed_index_update_is_redone_by_the_repair_job_without_a_rebuild(
    monkeypatch, caplog, django_capture_on_commit_callbacks, capsys
):
    real_update = search.index_update

    def disk_full(**kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(search, "index_update", disk_full)
    with caplog.at_level(logging.ERROR, logger="kb.indexing"), django_capture_on_commit_callbacks(execute=True):
        import_articles(REFUNDS)
    page = ArticlePage.objects.get(external_id="refunds.en")
    assert page.pk in IndexBacklog.objects.values_list("page_id", flat=True)  # with the category made for it

    # Still full: the repair fails, says so, and keeps the pages for the next run.
    waiting = IndexBacklog.objects.count()
    with pytest.raises(CommandError, match="could not be repaired yet"):
        call_command("kb_index_repair")
    assert IndexBacklog.objects.count() == waiting
    assert search.search_articles("refund") == []

    monkeypatch.setattr(search, "index_update", real_update)  # space again
    call_command("kb_index_repair")

    assert f"Indexed {waiting} pages again." in capsys.readouterr().out
    assert ids(search.search_articles("refund")) == ["refunds.en"]
    assert not IndexBacklog.objects.exists()
    call_command("kb_index_repair")  # nothing left to do: silent
    assert capsys.readouterr().out == ""


def test_a_failed_removal_of_a_deleted_page_is_redone_by_the_repair_job(
    published, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    page_id = published.pk

    def disk_full(doc_id):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(search, "remove_article", disk_full)
    with caplog.at_level(logging.ERROR, logger="kb.indexing"), django_capture_on_commit_callbacks(execute=True):
        published.delete()
    assert "Could not remove tracking.en" in caplog.text
    assert list(IndexBacklog.objects.values_list("page_id", "removed_id")) == [(page_id, "tracking.en")]
    assert ids(search.search_articles("courier")) == ["tracking.en"]  # still found, though deleted

    call_command("kb_index_repair")

    assert search.search_articles("courier") == []
    assert not IndexBacklog.objects.exists()


def test_a_page_failing_again_while_the_repair_runs_stays_in_the_backlog(
    published, monkeypatch, django_capture_on_commit_callbacks
):
    from kb import indexing

    indexing._remember_failure([published.pk])
    real_update = search.index_update
    calls = []

    def update_while_it_fails_elsewhere(**kwargs):
        real_update(**kwargs)
        calls.append(kwargs)
        indexing._remember_failure([published.pk])  # another process's update of the page failed meanwhile

    monkeypatch.setattr(search, "index_update", update_while_it_fails_elsewhere)
    call_command("kb_index_repair")

    assert list(IndexBacklog.objects.values_list("page_id", flat=True)) == [published.pk]  # for the next run
    monkeypatch.setattr(search, "index_update", real_update)
    call_command("kb_index_repair")
    assert not IndexBacklog.objects.exists()
    assert len(calls) == 1


def test_a_page_failing_again_before_the_repair_reads_it_is_repaired_once(published):
    from kb import indexing

    indexing._remember_failure([published.pk])
    indexing._remember_failure([published.pk])  # a second failure of the same page: one row, the later time

    assert IndexBacklog.objects.count() == 1
    call_command("kb_index_repair")
    assert not IndexBacklog.objects.exists()
