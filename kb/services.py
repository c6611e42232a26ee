"""Write path for the knowledge base's own records."""

from django.db import transaction

from .models import ArticleVote, SearchQuery

MAX_LOGGED_QUERY = 200


@transaction.atomic
def search_query_record(*, query: str, locale: str, result_count: int, source: str = "web") -> SearchQuery:
    """Record a public search so failed searches (no results, no click) can be reported."""
    return SearchQuery.objects.create(
        query=query.strip()[:MAX_LOGGED_QUERY], locale=locale, result_count=result_count, source=source
    )


@transaction.atomic
def article_vote_record(*, article, helpful: bool, reason: str = "", comment: str = ""):
    """Record a reader's "Was this helpful?" answer for the article in its language."""
    return ArticleVote.objects.create(
        article=article,
        locale=article.locale.language_code,
        helpful=helpful,
        reason="" if helpful else reason,
        comment="" if helpful else comment,
    )
