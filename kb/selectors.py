"""Reads for the public help-centre pages."""

from django.db.models import Count, Q
from wagtail.models import Page

from .blocks import anchor_for
from .models import ArticlePage, CategoryPage, FAQPage, VoteReason

POPULAR_LIMIT = 6
RELATED_LIMIT = 3
TOC_MIN_HEADINGS = 3
VOTED_SESSION_KEY = "kb_voted_articles"


def popular_articles(home, *, limit: int = POPULAR_LIMIT):
    """The home's most helpful articles (most "yes" votes, then most recently published)."""
    return (
        ArticlePage.objects.live()
        .public()
        .descendant_of(home)
        .annotate(helpful_votes=Count("votes", filter=Q(votes__helpful=True)))
        .order_by("-helpful_votes", "-last_published_at", "path")[:limit]
    )


def translations_of(page) -> list:
    """Live translations of a page, for the "read this in" links."""
    return list(page.get_translations().live().select_related("locale").order_by("locale__language_code"))


def breadcrumbs(page) -> list:
    """The pages above `page`, from its help-centre home down (the tree root left out)."""
    return list(page.get_ancestors().filter(depth__gt=1)) if page.path else []


def translation_for_path(home, path_components: list[str]):
    """The live translation, in `home`'s language, of the page at this path in another language's tree."""
    suffix = "".join(f"{component}/" for component in path_components)
    paths = [other.url_path + suffix for other in home.get_translations()]
    for found in Page.objects.filter(url_path__in=paths):
        translation = found.get_translation_or_none(home.locale)
        if translation is not None and translation.live:
            return translation
    return None


def home_context(home) -> dict:
    return {
        "categories": CategoryPage.objects.child_of(home).live().public().order_by("path"),
        "popular_articles": popular_articles(home),
        "faq_pages": FAQPage.objects.child_of(home).live().public().order_by("path"),
        "translations": translations_of(home),
    }


def category_context(category) -> dict:
    return {
        "articles": ArticlePage.objects.child_of(category).live().public().order_by("path"),
        "breadcrumbs": breadcrumbs(category),
        "translations": translations_of(category),
    }


def article_sections(page) -> tuple[list, list]:
    """Return the body as (block, anchor) pairs and the table of contents for long articles."""
    taken: set[str] = set()
    sections, headings = [], []
    for block in page.body:
        anchor = None
        if block.block_type == "heading":
            anchor = anchor_for(block.value["text"], taken)
            headings.append({"anchor": anchor, "text": block.value["text"], "level": block.value["level"]})
        sections.append((block, anchor))
    return sections, headings if len(headings) >= TOC_MIN_HEADINGS else []


def related_articles(page) -> list:
    """Articles the editor picked (in the page's language), else others from the same category."""
    chosen = [link.article for link in page.related_links.all() if link.article_id]
    localized = [article.localized for article in chosen]
    related = [
        article
        for article in localized
        if article.live and article.locale_id == page.locale_id and article.pk != page.pk
    ]
    if related or not page.path:
        return related[:RELATED_LIMIT]
    parent = page.get_parent()
    return list(
        ArticlePage.objects.child_of(parent).live().public().exclude(pk=page.pk).order_by("path")[:RELATED_LIMIT]
    )


def article_context(page, request) -> dict:
    sections, toc = article_sections(page)
    session = getattr(request, "session", None)
    voted = page.pk in (session.get(VOTED_SESSION_KEY, []) if session is not None else [])
    return {
        "sections": sections,
        "toc": toc,
        "breadcrumbs": breadcrumbs(page),
        "related_articles": related_articles(page),
        "translations": translations_of(page) if page.pk else [],
        "reviewed_on": page.last_reviewed or page.last_published_at,
        "already_voted": voted,
        "vote_reasons": VoteReason.choices,
    }
