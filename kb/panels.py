"""The "Reader analytics" panel on an article's edit screen in the Wagtail admin (docs/reports.md)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList, Panel

# As for the dashboard: only managers (and admins) read the figures.
REPORTS_PERMISSION = "reports.view_reports"


class ReaderAnalyticsPanel(Panel):
    """Read-only figures for the article from the daily roll-ups: the last 30 days and the 30 before."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "kb/staff/_reader_analytics_panel.html"

        def is_shown(self):
            saved = self.instance is not None and self.instance.pk is not None
            return saved and self.request is not None and self.request.user.has_perm(REPORTS_PERMISSION)

        def get_context_data(self, parent_context=None):
            from .dashboard import article_periods, review_thresholds
            from .staff_views import seconds_text

            context = super().get_context_data(parent_context)
            periods = article_periods(self.instance, timezone.localdate())
            margin, min_sessions = review_thresholds()
            locale = self.instance.locale.language_code
            return context | {
                "periods": [(period, seconds_text(period.row.figures.median_engaged)) for period in periods],
                "current": periods[0].row,
                "margin": margin,
                "min_sessions": min_sessions,
                "dashboard_url": f"{reverse('kb_reports:dashboard')}?language={locale}",
            }


def reader_analytics_tab() -> ObjectList:
    """The edit screen's "Reader analytics" tab; users without the permission do not see it at all."""
    return ObjectList(
        [ReaderAnalyticsPanel(heading=_("How readers use this article"))],
        heading=_("Reader analytics"),
        permission=REPORTS_PERMISSION,
    )
