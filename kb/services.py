"""Write path for the knowledge base's own records."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .beacon import BeaconEvent
from .models import ArticleEvent, ArticlePage, ArticleVote, SearchQuery

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


@transaction.atomic
def article_events_record(*, session: str, events: list[BeaconEvent]) -> list[ArticleEvent]:
    """Store one beacon batch; events for pages that are not live public articles are dropped."""
    wanted = {event.article_id for event in events if event.article_id is not None}
    locales = dict(ArticlePage.objects.live().public().filter(pk__in=wanted).values_list("pk", "locale__language_code"))
    now = timezone.now()
    rows = [
        ArticleEvent(
            session=session,
            article_id=event.article_id,
            # An article's events count in the article's own language, whatever the page claimed.
            locale=locales.get(event.article_id, event.locale),
            kind=event.kind,
            value=event.value,
            next_kind=event.next_kind,
            created_at=now,
            day=timezone.localdate(now),
        )
        for event in events
        if event.article_id is None or event.article_id in locales
    ]
    return ArticleEvent.objects.bulk_create(rows)


@transaction.atomic
def article_events_purge(*, keep_days: int | None = None) -> int:
    """Delete beacon events older than the retention period (HELPDESK_KB_EVENTS_KEEP_DAYS)."""
    days = settings.HELPDESK_KB_EVENTS_KEEP_DAYS if keep_days is None else keep_days
    deleted, _by_model = ArticleEvent.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
