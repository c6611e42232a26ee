"""Keep the search index in step with the Wagtail pages.

Publishing, unpublishing, moving, deleting and restricting a page are followed, once the
transaction commits (a rolled-back publish never reaches the index), by a sync of that page
and everything under it: each article or FAQ page there is indexed if readers can reach it
(live, every ancestor live, no view restriction) and removed otherwise. A translation is a
page of its own, so publishing one indexes it in its language. The sync runs synchronously
in the committing process, so a change is searchable as soon as the request that made it ends.

An import publishes many pages in one transaction: inside `batched()` the changed pages are
collected and synced together, one index commit for the lot instead of one per page.
"""

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import search
from .documents import ArticleDocument
from .models import ArticlePage, FAQPage, IndexBacklog

logger = logging.getLogger(__name__)
_batch: ContextVar[set[int] | None] = ContextVar("kb_index_batch", default=None)

INDEXED_MODELS = (ArticlePage, FAQPage)
STEP = Page.steplen


def _documents(page) -> list[ArticleDocument]:
    return page.search_documents() if isinstance(page, FAQPage) else [page.search_document()]


def _ancestor_paths(path: str) -> list[str]:
    # The tree's root (depth 1) is not a page anyone reads; it does not hide anything.
    return [path[:end] for end in range(2 * STEP, len(path), STEP)]


def _hiding_paths(path: str = "") -> list[str]:
    """Paths under which pages are unreachable: unpublished pages and pages with view restrictions."""
    near = Q(path__in=_ancestor_paths(path)) | Q(path__startswith=path) if path else Q()
    hidden = Page.objects.filter(near, live=False, depth__gt=1).values_list("path", flat=True)
    restricted = PageViewRestriction.objects.filter(
        Q(page__path__in=_ancestor_paths(path)) | Q(page__path__startswith=path) if path else Q()
    ).values_list("page__path", flat=True)
    return [*hidden, *restricted]


def _reachable(page, hiding: list[str]) -> bool:
    return page.live and not any(page.path.startswith(prefix) for prefix in hiding)


def _pages_under(path: str = "") -> Iterator:
    for model in INDEXED_MODELS:
        pages = model.objects.filter(path__startswith=path) if path else model.objects.all()
        yield from pages.select_related("locale").order_by("path").iterator(chunk_size=200)


def index_repair() -> int:
    """Index again the pages whose update failed; return how many. Raises (keeping them) if it fails again.

    A page that fails again while this runs is stamped with a later `failed_at`, so its row is
    kept for the next run rather than deleted with the ones read here.
    """
    waiting = list(IndexBacklog.objects.order_by("pk").values_list("pk", "page_id", "removed_id", "failed_at"))
    if not waiting:
        return 0
    page_ids = [page_id for _pk, page_id, _removed, _at in waiting]
    paths = Page.objects.filter(pk__in=page_ids).values_list("path", flat=True)
    subtree_sync(*paths, remove=[removed for _pk, _page_id, removed, _at in waiting if removed])
    latest = max(at for _pk, _page_id, _removed, at in waiting)
    IndexBacklog.objects.filter(pk__in=[pk for pk, *_rest in waiting], failed_at__lte=latest).delete()
    return len(waiting)


def searchable_documents() -> Iterator[ArticleDocument]:
    """Every document readers can reach, for a full rebuild (read lazily, as the rebuild asks)."""
    hiding = _hiding_paths()
    for page in _pages_under():
        if _reachable(page, hiding):
            yield from _documents(page)


def subtree_sync(*paths: str, remove: Iterable[str] = ()) -> None:
    """Index or remove each article and FAQ page at the `paths` and below, as readers can now see them.

    `remove` names more ids to take out in the same write (pages deleted since).
    """
    replace, remove = {}, list(remove)
    tops = sorted(set(paths))
    tops = [path for index, path in enumerate(tops) if not any(path.startswith(top) for top in tops[:index])]
    for path in tops:
        hiding = _hiding_paths(path)
        for page in _pages_under(path):
            if _reachable(page, hiding):
                replace[page.external_id] = _documents(page)
            else:
                remove.append(page.external_id)
    if replace or remove:
        search.index_update(replace=replace, remove=remove)


def _remember_failure(page_ids, *, removed_id: str = "") -> None:
    """Keep the pages for `kb_index_repair` (every minute, run_schedule) to index again or remove.

    A page already waiting is stamped with this failure's time (see `index_repair`).
    """
    try:
        now = timezone.now()
        rows = [IndexBacklog(page_id=page_id, removed_id=removed_id, failed_at=now) for page_id in page_ids]
        updated = ["failed_at", "removed_id"] if removed_id else ["failed_at"]
        IndexBacklog.objects.bulk_create(rows, update_conflicts=True, unique_fields=["page_id"], update_fields=updated)
    except Exception:  # the database failed too: only `manage.py kb_reindex` can repair it now
        logger.exception("Could not remember pages %s for a later index repair", sorted(page_ids))


def _sync_after_commit(*page_ids: int) -> None:
    def sync():
        paths = Page.objects.filter(pk__in=page_ids).values_list("path", flat=True)
        try:
            if paths:
                subtree_sync(*paths)
        except Exception:  # the page change stands; kb_index_repair retries it
            logger.exception("Could not update the search index for pages %s", page_ids)
            _remember_failure(page_ids)

    batch = _batch.get()
    if batch is None:
        transaction.on_commit(sync)
    else:
        batch.update(page_ids)


@contextmanager
def batched():
    """Inside a transaction: sync the pages changed in the block once, when the transaction commits."""
    if _batch.get() is not None:  # already collecting for an outer block
        yield
        return
    page_ids: set[int] = set()
    token = _batch.set(page_ids)
    try:
        yield
    finally:
        _batch.reset(token)
    if page_ids:
        _sync_after_commit(*page_ids)


def _remove_after_commit(page_id: int, external_id: str) -> None:
    def remove():
        try:
            search.remove_article(external_id)
        except Exception:  # kb_index_repair retries it
            logger.exception("Could not remove %s from the search index", external_id)
            _remember_failure([page_id], removed_id=external_id)

    transaction.on_commit(remove)


def page_changed(sender, instance, **kwargs):
    """Published, unpublished or moved: sync the page and the pages under it."""
    _sync_after_commit(instance.pk)


def page_deleted(sender, instance, **kwargs):
    if instance.external_id:
        _remove_after_commit(instance.pk, instance.external_id)


def restriction_changed(sender, instance, **kwargs):
    _sync_after_commit(instance.page_id)


def connect() -> None:
    """Follow page changes (called from the app's ready())."""
    page_published.connect(page_changed, dispatch_uid="kb.index.published")
    page_unpublished.connect(page_changed, dispatch_uid="kb.index.unpublished")
    post_page_move.connect(page_changed, dispatch_uid="kb.index.moved")
    for model in INDEXED_MODELS:
        post_delete.connect(page_deleted, sender=model, dispatch_uid=f"kb.index.deleted.{model.__name__}")
    post_save.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="kb.index.restricted")
    post_delete.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="kb.index.unrestricted")
