"""Knowledge base in the Wagtail admin: the "Article feedback" report (helpful votes and why)."""

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.reports import ReportView

from helpdesk.accounts.roles import is_agent

from .models import ArticleVote, VoteReason


class ArticleFeedbackFilterSet(WagtailFilterSet):
    locale = django_filters.ChoiceFilter(label=_("Language"), choices=settings.LANGUAGES, empty_label=_("All"))
    helpful = django_filters.BooleanFilter(label=_("Helpful"))
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=VoteReason.choices, empty_label=_("All"))

    class Meta:
        model = ArticleVote
        fields = ["locale", "helpful", "reason"]


class ArticleFeedbackReport(ReportView):
    page_title = _("Article feedback")
    header_icon = "help"
    filterset_class = ArticleFeedbackFilterSet
    index_url_name = "kb_article_feedback"
    index_results_url_name = "kb_article_feedback_results"
    columns = [
        Column("article", label=_("Article"), accessor="article.title"),
        Column("locale", label=_("Language"), accessor="get_locale_display"),
        BooleanColumn("helpful", label=_("Helpful")),
        Column("reason", label=_("Reason"), accessor="get_reason_display"),
        Column("comment", label=_("Comment")),
        DateColumn("created_at", label=_("Date")),
    ]
    list_export = ["article.title", "locale", "helpful", "reason", "comment", "created_at"]
    export_headings = {"article.title": _("Article")}

    def dispatch(self, request, *args, **kwargs):
        if not is_agent(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return ArticleVote.objects.select_related("article").order_by("-created_at")

    def get_filename(self):
        return f"article-feedback-{timezone.localdate():%Y-%m-%d}"


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_agent(request.user)


@hooks.register("register_admin_urls")
def register_article_feedback_urls():
    return [
        path("reports/article-feedback/", ArticleFeedbackReport.as_view(), name="kb_article_feedback"),
        path(
            "reports/article-feedback/results/",
            ArticleFeedbackReport.as_view(results_only=True),
            name="kb_article_feedback_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_article_feedback_menu_item():
    return StaffMenuItem(
        _("Article feedback"), reverse("kb_article_feedback"), name="kb-article-feedback", icon_name="help", order=800
    )
