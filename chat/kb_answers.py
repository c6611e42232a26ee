"""The bot's view of the knowledge base: the same search as the help centre, as article links."""

from urllib.parse import urljoin

from django.conf import settings

from kb.search import search_articles

from .bot import MAX_ARTICLES, ArticleLink


def kb_search_links(q: str, locale: str, *, limit: int = MAX_ARTICLES) -> list[ArticleLink]:
    """Return the best articles in `locale` for what the visitor typed, with absolute links."""
    # The widget runs on the shop's own pages, so a link relative to the helpdesk would break there.
    base = settings.SITE_URL + "/"
    return [
        ArticleLink(title=hit.title, snippet=hit.snippet, url=urljoin(base, hit.url))
        for hit in search_articles(q, locale=locale, limit=limit)
    ]
