"""The public search results page: /<lang>/help/search/?q=...&locale=..."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from kb.documents import SearchHit
from kb.search import search_articles
from kb.search.query import clean
from kb.services import search_query_record

RESULTS_LIMIT = 20
SEARCH_RATE_PER_IP = "60/m"
ALL_LANGUAGES = "all"


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


@require_GET
@ratelimit(key="ip", rate=SEARCH_RATE_PER_IP, block=True)
def results(request):
    form = SearchForm(request.GET)
    query = clean(form.data.get("q"))  # printable, at most MAX_QUERY_CHARS: safe to show and to store
    locale = form.search_locale()
    hits = search_articles(query, locale=locale, limit=RESULTS_LIMIT) if query else []
    if query:
        search_query_record(query=query, locale=locale or get_language(), result_count=len(hits), source="web")
    context = {
        "form": form,
        "query": query,
        "locale": locale or ALL_LANGUAGES,
        "results": [(hit, snippet_parts(hit)) for hit in hits],
        "locale_choices": form.fields["locale"].choices,
    }
    return render(request, "kb/search/results.html", context)
