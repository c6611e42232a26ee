"""The public search results page, /<lang>/help/search/?q=...&locale=..., and its counted result links.

Each result links to /<lang>/help/search/go/<token>/, which counts the click on the search and
redirects to the page, so "results, none clicked" can be reported (docs/analytics.md). The token
is signed, so a link can only count for the search that showed it, and only for a day.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from kb.beacon import is_bot, opted_out
from kb.documents import SearchHit
from kb.models import ArticlePage, FAQPage
from kb.search import search_articles
from kb.search.query import clean
from kb.services import search_click_record, search_query_record

RESULTS_LIMIT = 20
SEARCH_RATE_PER_IP = "60/m"
CLICK_RATE_PER_IP = "120/m"  # beyond it a result link still works, but is not counted
ALL_LANGUAGES = "all"
RESULT_LINK_SALT = "kb.search.result-link"
RESULT_LINK_MAX_AGE = timedelta(days=1)


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    locale = forms.ChoiceField(required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locale"].choices = [(ALL_LANGUAGES, _("All languages")), *settings.LANGUAGES]

    def search_locale(self) -> str | None:
        """The language to search in: the one picked, else the page's; None for all of them."""
        picked = self.cleaned_data.get("locale") if self.is_valid() else ""
        if picked == ALL_LANGUAGES:
            return None
        return picked or get_language()


def snippet_parts(hit: SearchHit) -> list[tuple[str, bool]]:
    """The snippet cut at its highlights, as (text, highlighted) pairs for the template to escape."""
    parts, at = [], 0
    for start, end in hit.highlights:
        if start < at or end > len(hit.snippet):
            continue
        if start > at:
            parts.append((hit.snippet[at:start], False))
        parts.append((hit.snippet[start:end], True))
        at = end
    if at < len(hit.snippet):
        parts.append((hit.snippet[at:], False))
    return parts


def result_token(*, search_id: int, page_id: int, anchor: str = "") -> str:
    """Sign which search showed which page (and FAQ question), for its counted result link."""
    return signing.dumps([search_id, page_id, anchor], salt=RESULT_LINK_SALT)


def result_token_read(token: str) -> tuple[int, int, str]:
    """(search id, page id, anchor) of a result link; signing.BadSignature when forged or expired."""
    value = signing.loads(token, salt=RESULT_LINK_SALT, max_age=RESULT_LINK_MAX_AGE)
    match value:
        case [int() as search_id, int() as page_id, str() as anchor]:
            return search_id, page_id, anchor
    raise signing.BadSignature("Unexpected result link.")


def result_links(hits: list[SearchHit], *, search_id: int) -> dict[str, str]:
    """Counted links by hit id; a hit whose page is no longer published keeps its plain URL."""
    article_ids = {hit.id for hit in hits if "#" not in hit.id}
    faq_ids = {hit.id.partition("#")[0] for hit in hits if "#" in hit.id}
    pages = {}
    for model, wanted in ((ArticlePage, article_ids), (FAQPage, faq_ids)):
        if wanted:
            pages |= dict(model.objects.live().public().filter(external_id__in=wanted).values_list("external_id", "pk"))
    links = {}
    for hit in hits:
        external_id, _hash, anchor = hit.id.partition("#")
        if external_id in pages:
            token = result_token(search_id=search_id, page_id=pages[external_id], anchor=anchor)
            links[hit.id] = reverse("kb_search:go", args=[token])
    return links


@require_GET
@ratelimit(key="ip", rate=SEARCH_RATE_PER_IP, block=True)
def results(request):
    form = SearchForm(request.GET)
    query = clean(form.data.get("q"))  # printable, at most MAX_QUERY_CHARS: safe to show and to store
    locale = form.search_locale()
    hits = search_articles(query, locale=locale, limit=RESULTS_LIMIT) if query else []
    links = {}
    if query:
        search = search_query_record(query=query, locale=locale or get_language(), result_count=len(hits), source="web")
        links = result_links(hits, search_id=search.pk) if hits else {}
    context = {
        "form": form,
        "query": query,
        "locale": locale or ALL_LANGUAGES,
        "results": [(hit, snippet_parts(hit), links.get(hit.id)) for hit in hits],
        "locale_choices": form.fields["locale"].choices,
    }
    return render(request, "kb/search/results.html", context)


def _result_page(page_id: int) -> ArticlePage | FAQPage:
    """The live public article or FAQ page a result link names (looked up by model, not content type)."""
    for model in (ArticlePage, FAQPage):
        if found := model.objects.live().public().filter(pk=page_id).first():
            return found
    raise Http404


@require_GET
@never_cache
@ratelimit(key="ip", rate=CLICK_RATE_PER_IP, block=False)
def result_go(request, token: str):
    """Count a followed search result (not for bots, DNT or GPC), then go to the page."""
    try:
        search_id, page_id, anchor = result_token_read(token)
    except signing.BadSignature:
        raise Http404 from None
    page = _result_page(page_id)
    if not (request.limited or is_bot(request.headers.get("User-Agent", "")) or opted_out(request.headers)):
        search_click_record(search_id=search_id)
    url = page.get_url(request)
    if not url:
        raise Http404
    return redirect(url + (f"#{anchor}" if anchor else ""))
