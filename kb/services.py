"""Write path for the knowledge base's own records."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.models import PageViewRestriction

from .beacon import NEXT_CHOICES, SESSION_PATTERN, BeaconEvent
from .models import ArticleEvent, ArticleEventKind, ArticlePage, ArticleVote, SearchQuery

MAX_LOGGED_QUERY = 200


@transaction.atomic
def search_query_record(*, query: str, locale: str, result_count: int, source: str = "web") -> SearchQuery:
    """Record a public search so failed searches (no results, no click) can be reported."""
    return SearchQuery.objects.create(
        query=query.strip()[:MAX_LOGGED_QUERY], locale=locale, result_count=result_count, source=source
    )


def search_click_record(*, search_id: int) -> bool:
    """Count one result followed from a web search's results page; False when the search is gone."""
    return bool(SearchQuery.objects.filter(pk=search_id).update(clicks=F("clicks") + 1))


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


def article_events_record(*, session: str, events: list[BeaconEvent]) -> list[ArticleEvent]:
    """Store one beacon batch; events for pages that are not live public articles are dropped.

    Two round trips whatever the batch, as every reader's visit sends one: the articles read with
    their view restrictions in one query (Wagtail's `public()` reads the restrictions first), then
    one INSERT, atomic on its own (`bulk_create` wraps any split in a transaction).
    """
    wanted = {event.article_id for event in events if event.article_id is not None}
    # A restriction on the article or on any page above it: its page's path begins the article's.
    restricted = PageViewRestriction.objects.filter(page__path=Substr(OuterRef("path"), 1, Length("page__path")))
    public = ArticlePage.objects.live().filter(pk__in=wanted).exclude(Exists(restricted))
    locales = dict(public.values_list("pk", "locale__language_code"))
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


@transaction.atomic
def article_contact_record(*, session: str, channel: str, locale: str) -> ArticleEvent | None:
    """Record that a help-centre session reached a person (a ticket or a chat); None for an invalid session id.

    Stored without an article and without anything that names the ticket, the chat or the person.
    """
    if channel not in NEXT_CHOICES[ArticleEventKind.CONTACT]:
        raise ValueError(f"A contact is a chat or a ticket, not {channel!r}.")
    if not isinstance(session, str) or not SESSION_PATTERN.fullmatch(session):
        return None
    now = timezone.now()
    return ArticleEvent.objects.create(
        session=session,
        article=None,
        locale=locale if locale in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        kind=ArticleEventKind.CONTACT,
        next_kind=channel,
        created_at=now,
        day=timezone.localdate(now),
    )
