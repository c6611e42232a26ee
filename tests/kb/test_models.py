"""The help centre's page tree, page models and editors' rights."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import GroupPagePermission, Locale, Page, Revision, Site

from kb.documents import ArticleDocument
from kb.models import ArticlePage, CategoryPage, FAQPage, KBHomePage
from kb.setup import kb_tree_ensure
from tests.kb.kb_pages import LONG_BODY, article, faq_page, homes, import_articles, page

pytestmark = pytest.mark.django_db


def test_there_is_one_kb_home_per_language_linked_as_translations():
    tree = homes()

    assert set(tree) == {"en", "ar", "fa"}
    assert {home.locale.language_code for home in KBHomePage.objects.all()} == {"en", "ar", "fa"}
    assert len({home.translation_key for home in tree.values()}) == 1
    assert all(home.live for home in tree.values())
    assert Site.objects.get(is_default_site=True).root_page_id == tree["en"].pk
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {"en", "ar", "fa"}


def test_wagtails_welcome_page_is_gone():
    homes()

    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()


@pytest.mark.parametrize(
    ("url", "language", "direction"),
    [("/en/help/", "en", "ltr"), ("/ar/help/", "ar", "rtl"), ("/fa/help/", "fa", "rtl")],
)
def test_each_language_has_its_help_centre_home(client, url, language, direction):
    homes()

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert f'lang="{language}" dir="{direction}"' in html.split("<main", 1)[1]
    assert KBHomePage.objects.get(locale__language_code=language).title in html


def test_setting_up_the_tree_again_changes_nothing():
    homes()
    before = (Page.objects.count(), Revision.objects.count(), GroupPagePermission.objects.count())

    kb_tree_ensure()

    assert (Page.objects.count(), Revision.objects.count(), GroupPagePermission.objects.count()) == before


def test_agents_and_managers_may_add_edit_and_publish_in_every_kb_home(agent_sara, manager_lina):
    for home in homes().values():
        for user in (agent_sara, manager_lina):
            rights = home.permissions_for_user(user)
            assert rights.can_add_subpage() and rights.can_edit() and rights.can_publish()


def test_an_article_published_through_a_revision_is_live_and_a_draft_is_not(client):
    import_articles(article("gift-wrap.en"))
    draft = page("gift-wrap.en")
    draft.title = "Draft title"
    draft.save_revision()

    assert client.get(draft.url).status_code == 200
    assert "Draft title" not in client.get(draft.url).content.decode()

    draft.get_latest_revision().publish()

    assert "Draft title" in client.get(page("gift-wrap.en").url).content.decode()


def test_a_never_published_article_is_not_public(client):
    import_articles(article("gift-wrap.en"))
    category = page("gift-wrap.en").get_parent()
    hidden = category.add_child(instance=ArticlePage(title="Unpublished", body=[], live=False))
    hidden.save_revision()

    assert not ArticlePage.objects.get(pk=hidden.pk).live
    assert client.get("/en/help/orders/unpublished/").status_code == 404


def test_an_article_made_in_the_admin_gets_an_external_id_from_its_slug():
    import_articles(article("gift-wrap.en"))
    category = page("gift-wrap.en").get_parent()

    first = category.add_child(instance=ArticlePage(title="Returns", slug="returns", body=[], live=False))
    second = CategoryPage.objects.get(title="Orders").add_child(
        instance=ArticlePage(title="Returns", slug="returns-2", external_id="", body=[], live=False)
    )

    assert first.external_id == "returns.en"
    assert second.external_id == "returns-2.en"


def test_a_translation_copy_gets_its_own_external_id_and_shares_the_translation_key():
    import_articles(article("gift-wrap.en"), article("gift-wrap.fa", "fa"))
    english = page("gift-wrap.en")
    arabic_category = CategoryPage.objects.get(locale__language_code="fa").copy_for_translation(
        Locale.objects.get(language_code="ar")
    )

    copy = english.copy_for_translation(Locale.objects.get(language_code="ar"), copy_parents=False)

    assert arabic_category.locale.language_code == "ar"
    assert copy.external_id and copy.external_id != english.external_id
    assert copy.translation_key == english.translation_key


def test_an_article_describes_itself_to_the_search_engine_as_plain_text():
    import_articles(
        article(
            "gift-wrap.fa",
            "fa",
            title="کادوپیچ",
            body=LONG_BODY + "\n\n> [!TIP]\n> Keep the **receipt**.",
            tags=["هدیه", "gift"],
        )
    )

    document = page("gift-wrap.fa").search_document()

    assert isinstance(document, ArticleDocument)
    assert (document.id, document.locale, document.title, document.category) == (
        "gift-wrap.fa",
        "fa",
        "کادوپیچ",
        "سفارش‌ها",
    )
    assert document.url == page("gift-wrap.fa").url
    assert (
        "Before you start" in document.body
        and "Open My orders" in document.body
        and "Keep the receipt." in document.body
    )
    assert "<" not in document.body and "Tip" not in document.body
    assert document.tags == ("gift", "هدیه")


def test_faq_questions_become_one_search_document_each_with_an_anchor():
    import_articles(
        article("x.en"),
        faq=[{"locale": "en", "title": "FAQ", "items": [{"question": "Where is it?", "answer": "On **its** way."}]}],
    )

    (document,) = faq_page("faq.en").search_documents()

    assert document.id == "faq.en#where-is-it"
    assert document.url.endswith("/en/help/faq/#where-is-it")
    assert (document.title, document.body, document.locale) == ("Where is it?", "On its way.", "en")


def test_faq_anchors_stay_unique_on_the_page():
    page_ = FAQPage(
        title="FAQ",
        items=[
            ("item", {"question": "Why?", "answer": "A", "anchor": ""}),
            ("item", {"question": "Why?", "answer": "B", "anchor": ""}),
        ],
    )

    assert [item["anchor"] for item in page_.faq_items()] == ["why", "why-2"]


def _schedule(title: str):
    """Schedule a new article for tomorrow; return it and a function that moves the clock past it."""
    import_articles(article("gift-wrap.en"))
    category = page("gift-wrap.en").get_parent()
    scheduled = category.add_child(instance=ArticlePage(title=title, body=[], live=False))
    scheduled.go_live_at = timezone.now() + timedelta(days=1)
    revision = scheduled.save_revision()
    revision.publish()

    def time_passes():
        past = timezone.now() - timedelta(minutes=1)
        revision.refresh_from_db()
        revision.content["go_live_at"] = past.isoformat()
        revision.approved_go_live_at = past
        revision.save(update_fields=["content", "approved_go_live_at"])

    return scheduled, time_passes


def test_a_scheduled_article_goes_live_when_its_time_comes(client):
    scheduled, time_passes = _schedule("Sale starts")
    assert not ArticlePage.objects.get(pk=scheduled.pk).live
    assert client.get("/en/help/orders/sale-starts/").status_code == 404

    time_passes()
    call_command("publish_scheduled", stdout=StringIO())

    assert ArticlePage.objects.get(pk=scheduled.pk).live
    assert client.get("/en/help/orders/sale-starts/").status_code == 200


def test_the_periodic_job_runner_publishes_scheduled_articles(client):
    # Given an article scheduled for a time that has now passed
    _scheduled, time_passes = _schedule("Winter sale")
    time_passes()

    # When the runner that `make run` starts takes one turn
    call_command("run_schedule", once=True, stdout=StringIO())

    # Then readers see it
    assert client.get("/en/help/orders/winter-sale/").status_code == 200
