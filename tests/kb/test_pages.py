"""What readers see on the help-centre pages, and what editors get in /cms/."""

from datetime import date
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from kb.exchange import import_bytes
from kb.models import ArticlePage, ArticleRelatedLink, ArticleVote, CategoryPage, FAQPage, KBHomePage
from tests.kb.kb_pages import LONG_BODY, SHORT_BODY, article, faq_page, import_articles, page, reviewed

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[2] / "kb" / "demo"
PAGE_BUDGET = 50 * 1024


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_kb_home_has_a_labelled_search_form_topics_popular_articles_and_a_way_to_a_person(client):
    import_articles(article("gift-wrap.en", title="Gift wrapping"), article("returns.en", category="Returns"))

    html = _html(client, "/en/help/")

    assert f'<form role="search" class="kb-search" action="{reverse("kb_search:results")}"' in html
    assert 'name="q"' in html
    assert '<label for="kb-q">Search the help centre</label>' in html and 'id="kb-q"' in html
    assert "Browse by topic" in html and ">Orders</a>" in html and ">Returns</a>" in html
    assert "Popular articles" in html and "Gift wrapping" in html
    assert 'href="/en/chat/widget/" data-helpdesk-chat-open>Chat with us</a>' in html
    assert f'href="{reverse("tickets:new")}"' in html and "Open a ticket" in html


def test_popular_articles_are_the_most_helpful_first(client):
    import_articles(article("a.en", title="Alpha"), article("b.en", title="Bravo"))
    ArticleVote.objects.create(article=page("b.en"), locale="en", helpful=True)

    html = _html(client, "/en/help/")

    popular = html.split("Popular articles", 1)[1]
    assert popular.index("Bravo") < popular.index("Alpha")


def test_category_page_lists_its_articles_under_breadcrumbs(client):
    import_articles(article("gift-wrap.en", title="Gift wrapping", summary="Wrapped with care."))

    html = _html(client, page("gift-wrap.en").get_parent().url)

    assert '<nav class="kb-breadcrumbs" aria-label="Breadcrumb">' in html
    assert '<a href="/en/help/">Help centre</a>' in html
    assert "Gift wrapping" in html and "Wrapped with care." in html


def test_article_page_shows_breadcrumbs_summary_body_and_help(client):
    import_articles(article("gift-wrap.en", title="Gift wrapping", summary="Wrapped with care."))

    html = _html(client, page("gift-wrap.en").url)

    crumbs = html.split('class="kb-breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert crumbs.index("Help centre") < crumbs.index("Orders") < crumbs.index("Gift wrapping")
    assert "<h1>Gift wrapping</h1>" in html and "Wrapped with care." in html
    assert "<strong>Gift wrap</strong>" in html
    assert "Still need help?" in html
    # Readable before any script runs: the only scripts are the reading beacon (deferred) and the
    # chat widget's loader (async).
    beacon, loader = html.split("<script")[1:]
    assert "js/kb-beacon.js" in beacon and " defer " in beacon
    assert "widget/loader.js" in loader and " async " in loader


def test_a_long_article_gets_a_table_of_contents_with_working_anchors(client):
    import_articles(article("long.en", body=LONG_BODY))

    html = _html(client, page("long.en").url)

    assert "On this page" in html
    for anchor, text in [("before-you-start", "Before you start"), ("steps", "Steps"), ("if-it-fails", "If it fails")]:
        assert f'<a href="#{anchor}">{text}</a>' in html
        assert f'<h2 id="{anchor}">{text}</h2>' in html


def test_a_short_article_has_no_table_of_contents(client):
    import_articles(article("short.en", body=SHORT_BODY))

    assert "On this page" not in _html(client, page("short.en").url)


def test_persian_headings_get_persian_anchors(client):
    import_articles(article("x.fa", "fa", body="## پیگیری سفارش\n\nمتن\n\n## وضعیت‌ها\n\nمتن\n\n## پیگیری سفارش\n\nباز"))

    html = _html(client, page("x.fa").url)

    assert '<h2 id="پیگیری-سفارش">' in html and '<h2 id="وضعیتها">' in html and '<h2 id="پیگیری-سفارش-2">' in html


def test_steps_and_callouts_render_as_such(client):
    import_articles(article("x.en", body="1. Sign in.\n2. Open **My orders**.\n\n> [!WARNING]\n> Refunds take 5 days."))

    html = _html(client, page("x.en").url)

    assert '<ol class="kb-steps">' in html and "<li>Sign in.</li>" in html
    assert (
        'class="kb-callout kb-callout-warning" role="note"' in html
        and "Warning" in html
        and "Refunds take 5 days." in html
    )


def test_related_articles_are_the_chosen_ones_in_the_readers_language(client):
    import_articles(
        article("a.en", title="Alpha"),
        article("b.en", title="Bravo", category="Other"),
        article("c.en", title="Charlie"),
    )
    chosen = page("a.en")
    chosen.related_links.add(ArticleRelatedLink(article=page("b.en")))
    chosen.save_revision().publish()

    related = _html(client, page("a.en").url).split("Related articles", 1)[1]

    assert "Bravo" in related and "Charlie" not in related


def test_without_chosen_related_articles_the_same_topic_is_offered(client):
    import_articles(
        article("a.en", title="Alpha"),
        article("c.en", title="Charlie"),
        article("d.en", title="Delta", category="Other"),
    )

    related = _html(client, page("a.en").url).split("Related articles", 1)[1]

    assert "Charlie" in related and "Delta" not in related and "Alpha" not in related


def test_persian_article_shows_the_jalali_review_date_in_persian_digits(client):
    import_articles(article("gift-wrap.fa", "fa"))
    reviewed("gift-wrap.fa", date(2026, 11, 22))

    html = _html(client, page("gift-wrap.fa").url)

    assert '<time datetime="2026-11-22">۱ آذر ۱۴۰۵</time>' in html


def test_english_article_shows_the_gregorian_review_date(client):
    import_articles(article("gift-wrap.en"))
    reviewed("gift-wrap.en", date(2026, 11, 22))

    assert '<time datetime="2026-11-22">22 November 2026</time>' in _html(client, page("gift-wrap.en").url)


def test_translations_are_offered_in_their_own_language(client):
    import_articles(article("gift-wrap.en"), article("gift-wrap.fa", "fa"))

    html = _html(client, page("gift-wrap.en").url)

    assert f'<a href="{page("gift-wrap.fa").url}" lang="fa" hreflang="fa">فارسی</a>' in html


def test_article_title_in_the_breadcrumb_is_isolated_for_mixed_direction(client):
    import_articles(article("x.fa", "fa", title="سفارش ORD-1234 کجاست؟"))

    assert "<bdi>سفارش ORD-1234 کجاست؟</bdi>" in _html(client, page("x.fa").url)


def test_faq_page_gives_each_question_an_anchor_and_a_link(client):
    import_bytes((DEMO / "faq.json").read_bytes())
    faq = faq_page("faq.fa")
    first = faq.faq_items()[0]

    html = _html(client, faq.url)

    assert f'<section id="{first["anchor"]}" class="kb-faq-item"' in html
    assert f'<a href="#{first["anchor"]}">{first["question"]}</a>' in html
    assert 'dir="rtl"' in html


def test_an_article_page_weighs_under_50_kb_with_its_stylesheets(client):
    import_bytes((DEMO / "help-centre.json").read_bytes())
    biggest = max(len(client.get(article_page.url).content) for article_page in ArticlePage.objects.live())
    css = sum(Path(finders.find(name)).stat().st_size for name in ("css/fonts.css", "css/app.css", "css/kb.css"))

    assert biggest + css <= PAGE_BUDGET


def test_a_hostile_article_renders_safely(client):
    import_articles(
        article("x.en", body="Hi <img src=x onerror=alert(1)> [x](javascript:alert(1)) <script>alert(2)</script>")
    )

    html = _html(client, page("x.en").url)

    assert "onerror" not in html and 'href="javascript' not in html and "alert(2)" not in html


# Previews and the editor.


@pytest.mark.parametrize("model", [KBHomePage, CategoryPage, ArticlePage, FAQPage])
def test_every_page_type_previews(model):
    import_articles(
        article("gift-wrap.en"), faq=[{"locale": "en", "title": "FAQ", "items": [{"question": "Q?", "answer": "A."}]}]
    )
    existing = model.objects.filter(locale__language_code="en").first().specific

    response = existing.make_preview_request()

    assert response.status_code == 200
    assert existing.title in response.content.decode()


def test_a_new_unsaved_article_previews_like_wagtails_create_view_does():
    import_articles(article("gift-wrap.en"))
    parent = CategoryPage.objects.get(title="Orders")
    new = ArticlePage(
        title="Brand new", slug="brand-new", body=[("heading", {"text": "Hello", "level": "h2"})], locale=parent.locale
    )
    new.depth = parent.depth + 1
    new.path = parent.get_last_child()._inc_path()
    new.set_url_path(parent)

    response = new.make_preview_request()

    assert response.status_code == 200
    assert "Brand new" in response.content.decode() and "Hello" in response.content.decode()


@pytest.mark.parametrize("model", [KBHomePage, CategoryPage, ArticlePage, FAQPage])
def test_an_agent_can_open_every_kb_page_type_in_the_editor(client, agent_sara, model):
    import_articles(
        article("gift-wrap.en"), faq=[{"locale": "en", "title": "FAQ", "items": [{"question": "Q?", "answer": "A."}]}]
    )
    client.force_login(agent_sara)
    target = model.objects.filter(locale__language_code="fa" if model is KBHomePage else "en").first()

    assert client.get(reverse("wagtailadmin_pages:edit", args=[target.pk])).status_code == 200


def test_an_agent_can_start_a_new_article_in_a_category(client, agent_sara):
    import_articles(article("gift-wrap.en"))
    client.force_login(agent_sara)
    category = CategoryPage.objects.get(title="Orders")

    response = client.get(reverse("wagtailadmin_pages:add", args=["kb", "articlepage", category.pk]))

    assert response.status_code == 200


def test_an_agent_cannot_edit_pages_outside_the_help_centre(client, agent_sara):
    client.force_login(agent_sara)
    root = Page.get_first_root_node()

    assert not root.permissions_for_user(agent_sara).can_add_subpage()


def test_article_feedback_report_lists_votes_for_staff_only(client, agent_sara, customer_emma):
    import_articles(article("gift-wrap.en", title="Gift wrapping"))
    ArticleVote.objects.create(
        article=page("gift-wrap.en"), locale="en", helpful=False, reason="unclear", comment="Too long"
    )
    client.force_login(agent_sara)

    html = _html(client, reverse("kb_article_feedback"))

    assert "Gift wrapping" in html and "It was hard to follow" in html and "Too long" in html


def test_switching_language_on_an_article_lands_on_its_translation(client):
    import_articles(article("gift-wrap.en"), article("gift-wrap.fa", "fa", title="کادوپیچ"))
    english = page("gift-wrap.en")

    response = client.post("/i18n/setlang/", {"language": "fa", "next": english.url}, follow=True)

    assert response.redirect_chain[-1][0] == page("gift-wrap.fa").url
    assert "<h1>کادوپیچ</h1>" in response.content.decode()


def test_a_page_without_a_translation_in_that_language_is_not_found(client):
    import_articles(article("gift-wrap.en"))

    assert client.get(page("gift-wrap.en").url.replace("/en/", "/fa/", 1)).status_code == 404


def _new_article_form(title: str) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": "track-a-parcel",
            "summary": "Follow it to your door.",
            "body": streamfield(
                [("heading", {"text": "Where is it", "level": "h2"}), ("paragraph", rich_text("<p>Use the link.</p>"))]
            ),
            "related_links": inline_formset([]),
            "comments": inline_formset([]),
            "tags": "",
            "last_reviewed": "",
        }
    )


def test_an_agent_previews_a_new_article_in_the_editor(client, agent_sara):
    import_articles(article("gift-wrap.en"))
    client.force_login(agent_sara)
    category = CategoryPage.objects.get(title="Orders")
    url = reverse("wagtailadmin_pages:preview_on_add", args=["kb", "articlepage", category.pk])

    checked = client.post(url, _new_article_form("Track a parcel"))
    preview = client.get(url)

    assert checked.json()["is_valid"] is True
    assert preview.status_code == 200
    assert "Track a parcel" in preview.content.decode() and "Where is it" in preview.content.decode()


def test_an_agent_writes_and_publishes_an_article_in_the_editor(client, agent_sara):
    import_articles(article("gift-wrap.en"))
    client.force_login(agent_sara)
    category = CategoryPage.objects.get(title="Orders")

    response = client.post(
        reverse("wagtailadmin_pages:add", args=["kb", "articlepage", category.pk]),
        {**_new_article_form("Track a parcel"), "action-publish": "action-publish"},
    )

    assert response.status_code == 302
    made = ArticlePage.objects.get(title="Track a parcel")
    assert made.live and made.external_id == "track-a-parcel.en" and made.revisions.count() == 1
    assert "Use the link." in _html(client, made.url)


def test_an_agent_translates_an_article_into_persian_from_the_editor(client, agent_sara):
    # Translated articles link their categories, so the copy has a Persian category to go to.
    import_articles(article("gift-wrap.en"), article("returns.en"), article("returns.fa", "fa"))
    client.force_login(agent_sara)
    english = page("gift-wrap.en")
    persian = Locale.objects.get(language_code="fa")

    response = client.post(
        reverse("simple_translation:submit_page_translation", args=[english.pk]), {"locales": [persian.pk]}
    )

    assert response.status_code == 302
    translation = english.get_translation(persian)
    assert translation.get_parent().title == "سفارش‌ها"
    assert translation.external_id != english.external_id
