"""Write validated articles into the page tree: categories per locale, pages, translations."""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ArticlePage, CategoryPage
from ..setup import content_languages
from .pages import create_child, publish, slug_for, stream_data, stream_prep, without_ids
from .validation import TRANSLATION_NAMESPACE, ArticleData, ImportRejected, Problem, where_article


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % vars(self)


def check_against_site(articles: list[ArticleData]) -> None:
    """Reject the file when it would move an article to another language or clash with a translation."""
    existing = {
        page.external_id: page
        for page in ArticlePage.objects.filter(external_id__in=[a.external_id for a in articles]).select_related(
            "locale"
        )
    }
    in_file = {article.external_id: article for article in articles}
    taken = {
        (page.translation_key, page.locale.language_code): page.external_id
        for page in ArticlePage.objects.filter(
            translation_key__in={a.translation_uuid for a in articles}
        ).select_related("locale")
    }
    problems = []
    for index, article in enumerate(articles):
        where = where_article(index, {"id": article.external_id})
        page = existing.get(article.external_id)
        if page is not None and page.locale.language_code != article.locale:
            message = _("The article exists in locale %(locale)s; an import cannot move it to another language.")
            problems.append(Problem(where, "locale", message % {"locale": page.locale.language_code}))
        holder = taken.get((article.translation_uuid, article.locale))
        if (
            holder
            and holder != article.external_id
            and (holder not in in_file or in_file[holder].translation_uuid == article.translation_uuid)
        ):
            message = _('Article "%(other)s" is already the %(locale)s translation for this translation_key.')
            problems.append(Problem(where, "translation_key", message % {"other": holder, "locale": article.locale}))
    if problems:
        raise ImportRejected(problems)


class Categories:
    """Find or create the category pages the articles name, linking their translations."""

    def __init__(self, homes: dict, articles: list[ArticleData]):
        self.homes = homes
        home_paths = {home.path for home in homes.values()}
        self.pages = {
            (page.locale.language_code, page.title): page
            for page in CategoryPage.objects.filter(depth=3).select_related("locale").order_by("-path")
            if page.path[: -page.steplen] in home_paths
        }
        self.keys = self._plan_keys(articles)

    def _plan_keys(self, articles) -> dict:
        """Give each new category the translation_key of its articles' translations' categories."""
        keys = {pair: page.translation_key for pair, page in self.pages.items()}
        used = defaultdict(set)
        for key, locale in CategoryPage.objects.values_list("translation_key", "locale__language_code"):
            used[key].add(locale)
        groups = defaultdict(dict)
        for article in articles:
            groups[article.translation_uuid][article.locale] = article.category
        order = {code: number for number, code in enumerate(content_languages())}
        new = sorted({(a.locale, a.category) for a in articles} - set(keys), key=lambda p: (order.get(p[0], 99), p[1]))
        for locale, name in new:
            votes = Counter(
                keys[(other_locale, other_name)]
                for group in groups.values()
                if group.get(locale) == name
                for other_locale, other_name in group.items()
                if other_locale != locale and (other_locale, other_name) in keys
            )
            ranked = sorted(votes.items(), key=lambda item: (-item[1], str(item[0])))
            key = next((key for key, _count in ranked if locale not in used[key]), None)
            if key is None:
                key = uuid.uuid5(TRANSLATION_NAMESPACE, f"category:{locale}:{name}")
                if locale in used[key]:
                    key = uuid.uuid4()
            keys[(locale, name)] = key
            used[key].add(locale)
        return keys

    def get(self, locale: str, name: str) -> CategoryPage:
        page = self.pages.get((locale, name))
        if page is None:
            home = self.homes[locale]
            page = CategoryPage(
                title=name, slug=slug_for(name, home), locale=home.locale, translation_key=self.keys[(locale, name)]
            )
            create_child(home, page)
            self.pages[(locale, name)] = page
        return page


def _apply(page: ArticlePage, article: ArticleData, body: list) -> None:
    page.title = article.title
    page.summary = article.summary
    page.body = body
    page.tags.set(list(article.tags))
    page.exchange_translation_key = article.translation_key
    page.last_reviewed = timezone.localdate()


def _unchanged(page: ArticlePage, article: ArticleData, parent: CategoryPage, body: list) -> bool:
    return (
        page.live
        and page.title == article.title
        and page.summary == article.summary
        and stream_data(page.body) == without_ids(body)
        and sorted(page.tags.names()) == sorted(article.tags)
        and page.translation_key == article.translation_uuid
        and page.exchange_translation_key == article.translation_key
        and page.path[: -page.steplen] == parent.path
    )


def _move(page: ArticlePage, parent: CategoryPage) -> ArticlePage:
    """Move an article to its new category, renaming its slug first if the category already uses it."""
    slug = slug_for(page.slug, parent, ignore_page_id=page.pk)
    if slug != page.slug:
        page.slug = slug
        page.save(update_fields=["slug", "url_path"], clean=False)
    page.move(parent, pos="last-child")
    return ArticlePage.objects.get(pk=page.pk)


def article_upsert(article: ArticleData, categories: Categories, result: ImportResult) -> ArticlePage:
    """Create, update (new published revision) or leave one article as it is."""
    parent = categories.get(article.locale, article.category)
    body = stream_prep(ArticlePage, "body", article.blocks)
    page = ArticlePage.objects.filter(external_id=article.external_id).first()
    if page is None:
        page = ArticlePage(
            external_id=article.external_id,
            slug=slug_for(article.title, parent, fallback=article.external_id),
            locale=parent.locale,
            translation_key=article.translation_uuid,
        )
        _apply(page, article, body)
        create_child(parent, page)
        result.created += 1
        return page
    if _unchanged(page, article, parent, body):
        result.unchanged += 1
        return page
    if page.path[: -page.steplen] != parent.path:
        page = _move(page, parent)
    if page.translation_key != article.translation_uuid:
        page.translation_key = article.translation_uuid
        page.save(update_fields=["translation_key"], clean=False)
    _apply(page, article, body)
    publish(page)
    result.updated += 1
    return page
