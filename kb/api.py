"""The public knowledge-base API: `GET /api/v1/kb/search` and `GET /api/v1/kb/articles/<id>`.

No key is needed (the help centre is public) and any Authorization header is ignored; both are
rate-limited per IP address. See docs/api.md and kb/FORMAT.md.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.schema import ErrorSerializer, error_responses
from helpdesk.core.sanitize import clean_html

from .models import ArticlePage
from .search import search_articles
from .search.query import clean
from .search.schema import LOCALES
from .services import search_query_record

API_RATE_PER_IP = "120/m"
DEFAULT_LIMIT = 10
MAX_LIMIT = 50


def _check_rate(request) -> None:
    if is_ratelimited(request, group="kb.api", key="ip", rate=API_RATE_PER_IP, increment=True):
        raise exceptions.Throttled(wait=60, detail=_("Too many requests. Please wait a minute and try again."))


class LocaleField(serializers.ChoiceField):
    """`fa`, `fa-IR` and `fa_IR` all mean Persian."""

    def __init__(self, **kwargs):
        super().__init__(choices=LOCALES, **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(str(data).replace("_", "-").split("-")[0].lower())


class SearchParams(serializers.Serializer):
    # `q` is not validated here: any text is a query (NUL bytes included), cleaned by the engine.
    locale = LocaleField(required=False, allow_blank=True, default="")
    limit = serializers.IntegerField(required=False, default=DEFAULT_LIMIT)
    suggest = serializers.BooleanField(required=False, default=False)

    def validate_limit(self, value):
        return max(1, min(value, MAX_LIMIT))


class SearchResultSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The article's stable id, as in kb_import/kb_export (`gift-wrap.fa`).")
    title = serializers.CharField()
    url = serializers.URLField(help_text="The article's public page.")
    locale = serializers.ChoiceField(choices=LOCALES)
    snippet = serializers.CharField(help_text="Plain text around the words that matched.")


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="The query as searched (trimmed, at most 200 characters).")
    results = SearchResultSerializer(many=True, help_text="Best match first.")


class ArticleSerializer(serializers.Serializer):
    id = serializers.CharField()
    locale = serializers.ChoiceField(choices=LOCALES)
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    url = serializers.URLField()
    category = serializers.CharField(allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField())
    body_text = serializers.CharField(help_text="The body as plain text, one line per paragraph or step.")
    body_html = serializers.CharField(help_text="The body as sanitised HTML (no scripts, styles or embeds).")
    last_reviewed = serializers.DateField(allow_null=True)
    translations = serializers.DictField(
        child=serializers.CharField(), help_text="The ids of the article's published translations, by locale."
    )


RATE_LIMITED_RESPONSE = OpenApiResponse(
    ErrorSerializer, description="Too many requests from this address (`rate_limited`); try again in a minute."
)

SEARCH_EXAMPLE = {
    "query": "gift wrap",
    "results": [
        {
            "id": "gift-wrap.en",
            "title": "Can I have my order gift-wrapped?",
            "url": "https://help.example.com/en/help/orders/gift-wrap/",
            "locale": "en",
            "snippet": "Gift wrapping is available on most items for a small fee.",
        }
    ],
}


class KBSearchView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="kb_search",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="What the visitor typed (capped at 200 characters)."),
            OpenApiParameter(
                "locale", OpenApiTypes.STR, enum=list(LOCALES), description="Only articles in this language."
            ),
            OpenApiParameter("limit", OpenApiTypes.INT, description="Results wanted: 1 to 50 (default 10)."),
            OpenApiParameter(
                "suggest",
                OpenApiTypes.BOOL,
                description="`true` for suggestions while the visitor types: the search is not recorded.",
            ),
        ],
        responses={
            200: OpenApiResponse(SearchResponseSerializer, description="Matching articles, best first."),
            **error_responses(400),
            429: RATE_LIMITED_RESPONSE,
        },
        examples=[OpenApiExample("results", value=SEARCH_EXAMPLE, response_only=True)],
        auth=[],
        summary="Search the help centre",
        description=(
            "Public, no key needed; rate-limited per IP address (429 `rate_limited`). An empty or unparseable "
            "query answers 200 with no results, never an error. `limit` outside 1-50 is clamped; a `limit` that "
            "is not a whole number, or an unknown `locale`, is a 400 `validation_error`. `fa-IR` means `fa`."
        ),
        tags=["knowledge base"],
    )
    def get(self, request):
        _check_rate(request)
        params = SearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        query, locale = clean(request.query_params.get("q", "")), params.validated_data["locale"] or None
        hits = search_articles(query, locale=locale, limit=params.validated_data["limit"]) if query else []
        if query and not params.validated_data["suggest"]:
            search_query_record(
                query=query, locale=locale or request.LANGUAGE_CODE, result_count=len(hits), source="api"
            )
        results = [
            {
                "id": hit.id,
                "title": hit.title,
                "url": request.build_absolute_uri(hit.url),
                "locale": hit.locale,
                "snippet": hit.snippet,
            }
            for hit in hits
        ]
        return Response({"query": query, "results": results})


def _readable_article(article_id: str) -> ArticlePage:
    article = get_object_or_404(ArticlePage.objects.live().public().select_related("locale"), external_id=article_id)
    if article.get_ancestors().filter(live=False, depth__gt=1).exists():
        raise exceptions.NotFound()
    return article


class KBArticleView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="kb_article",
        responses={200: ArticleSerializer, **error_responses(404), 429: RATE_LIMITED_RESPONSE},
        auth=[],
        summary="Read one help-centre article",
        description=(
            "Public, no key needed; rate-limited per IP address. `id` is the article's stable id from search "
            "results or kb_export. Only published articles that visitors can read are returned."
        ),
        tags=["knowledge base"],
    )
    def get(self, request, article_id: str):
        _check_rate(request)
        article = _readable_article(article_id)
        doc = article.search_document()
        translations = {doc.locale: doc.id} | {
            page.locale.language_code: page.external_id
            for page in article.get_translations().live().public().select_related("locale")
        }
        data = {
            "id": doc.id,
            "locale": doc.locale,
            "title": doc.title,
            "summary": doc.summary,
            "url": request.build_absolute_uri(doc.url),
            "category": doc.category,
            "tags": list(doc.tags),
            "body_text": doc.body,
            "body_html": clean_html(str(article.body)),
            "last_reviewed": article.last_reviewed,
            "translations": translations,
        }
        return Response(ArticleSerializer(data).data)
