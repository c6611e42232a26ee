"""Managers' help-centre dashboard, mounted at /<lang>/staff/reports/kb/: the page and its CSV."""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_safe

from helpdesk.accounts.decorators import staff_permission_required
from helpdesk.core.charts import column_chart
from helpdesk.core.csvfile import csv_response
from helpdesk.core.dates import calendar_for, format_local_date, format_month, month_start
from helpdesk.core.period import PeriodForm

from . import dashboard

# The Manager role holds it (helpdesk/accounts/roles.py), as for the SLA report.
REPORTS_PERMISSION = "reports.view_reports"
DEFAULT_DAYS = 30
DAYS_BEFORE_MONTHS = 62  # as the SLA report: a longer period reads better month by month
TEMPLATE = "kb/staff/dashboard.html"
SORT_CHOICES = [
    ("sessions", gettext_lazy("Article sessions")),
    ("views", pgettext_lazy("page views", "Views")),
    ("bounce", gettext_lazy("Bounce rate")),
    ("engaged", gettext_lazy("Median engaged time")),
    ("helpful", gettext_lazy("Helpful rate")),
    ("contact", gettext_lazy("Contact-after rate")),
    ("deflection", gettext_lazy("Deflection rate")),
    ("title", gettext_lazy("Title")),
]


def seconds_text(seconds: int | None) -> str:
    """Engaged time as people read it: "1 min 05 s", "40 s"; "—" when nobody read."""
    if seconds is None:
        return "—"
    minutes, seconds = divmod(seconds, 60)
    if minutes:
        return _("%(minutes)s min %(seconds)02d s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)s s") % {"seconds": seconds}


def _category_choices() -> list[tuple[int, str]]:
    """One choice per category and its translations, named in the reader's language where it can be."""
    groups: dict[str, list[dashboard.Category]] = {}
    for category in dashboard.categories():
        groups.setdefault(category.translation_key, []).append(category)
    language, choices = translation.get_language(), []
    for group in groups.values():
        by_locale = {category.locale: category for category in group}
        value = by_locale.get(settings.LANGUAGE_CODE, group[0])
        choices.append((value.pk, by_locale.get(language, value).title))
    return choices


class ArticleFilterForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    category = forms.TypedChoiceField(label=gettext_lazy("Category"), required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Any")), *settings.LANGUAGES]
        self.fields["category"].choices = [("", _("Any")), *_category_choices()]

    def filters(self) -> dict:
        """The keyword arguments of dashboard.article_rows and daily_trend for the valid form."""
        category = self.cleaned_data["category"]
        return {
            "locale": self.cleaned_data["language"],
            "within": dashboard.category_group(category) if category else None,
        }

    def sort_key(self) -> str:
        return self.cleaned_data["sort"] or "sessions"

    def query(self) -> dict:
        """The filters as they were given, to carry into links."""
        return {name: value for name in self.fields if (value := self.data.get(name))}


def _forms(request) -> tuple[PeriodForm, ArticleFilterForm, str]:
    """The period (default: the last 30 days, today included) and the filters."""
    today, calendar = timezone.localdate(), calendar_for()
    data = request.GET.copy()
    if not data.get("from"):
        data["from"] = (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
    return PeriodForm(data, today=today, calendar=calendar), ArticleFilterForm(request.GET), calendar


def _trend(start: date, end: date, calendar: str, filters: dict) -> tuple[list, bool]:
    points = dashboard.daily_trend(start, end, **filters)
    if (end - start).days < DAYS_BEFORE_MONTHS:
        return points, False
    return dashboard.fold_trend(points, lambda day: month_start(day, calendar)), True


def _point_label(day: date, monthly: bool) -> str:
    return format_month(day, short=True) if monthly else format_local_date(day)


def _percent_text(value) -> str:
    return f"{value}%"


def _charts(trend: list, monthly: bool) -> dict:
    rtl = translation.get_language_bidi()
    views = [(_point_label(point.day, monthly), point.views) for point in trend]
    bounce = [(_point_label(point.day, monthly), point.bounce.percent) for point in trend]
    return {
        "views": column_chart(views, title=_("Article views"), rtl=rtl),
        "bounce": column_chart(bounce, title=_("Bounce rate"), rtl=rtl, value_format=_percent_text),
    }


@dataclass(frozen=True)
class Line:
    """A table row and its engaged time in words."""

    row: dashboard.ArticleRow
    engaged: str


@require_safe
@staff_permission_required(REPORTS_PERMISSION)
def dashboard_page(request):
    period, filters, calendar = _forms(request)
    context = {"period_form": period, "filter_form": filters}
    if not (period.is_valid() and filters.is_valid()):
        return render(request, TEMPLATE, context, status=400)
    start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    chosen = filters.filters()
    rows = dashboard.sort_rows(dashboard.article_rows(start, end, request=request, **chosen), filters.sort_key())
    totals = dashboard.total(row.figures for row in rows)
    trend, monthly = _trend(start, end, calendar, chosen)
    context |= {
        "start": start,
        "end": end,
        "lines": [Line(row, seconds_text(row.figures.median_engaged)) for row in rows],
        "totals": totals,
        "total_engaged": seconds_text(totals.median_engaged),
        "flagged": sum(row.needs_review for row in rows),
        "trend": trend,
        "monthly": monthly,
        "charts": _charts(trend, monthly),
        "searches": dashboard.failed_searches(start, end, locale=chosen["locale"]),
        "margin": settings.HELPDESK_KB_REVIEW_MARGIN,
        "min_sessions": settings.HELPDESK_KB_REVIEW_MIN_SESSIONS,
        "bounce_seconds": settings.HELPDESK_KB_BOUNCE_SECONDS,
        "sort": filters.sort_key(),
        "query": urlencode({"from": start.isoformat(), "to": end.isoformat(), **filters.query()}),
    }
    return render(request, TEMPLATE, context)


def _csv_header() -> list:
    return [
        _("Article"),
        _("Language"),
        _("Category"),
        pgettext("page views", "Views"),
        _("Article sessions"),
        _("Bounced sessions"),
        _("Bounce rate (%)"),
        _("Median engaged time (seconds)"),
        _("Votes"),
        _("Helpful votes"),
        _("Helpful rate (%)"),
        _("Sessions that contacted us"),
        _("Contact-after rate (%)"),
        _("Sessions ending here"),
        _("Deflected sessions"),
        _("Deflection rate (%)"),
        _("Needs review"),
    ]


def _csv_row(row: dashboard.ArticleRow) -> list:
    figures = row.figures
    return [
        row.title,
        row.locale,
        row.category.title if row.category else "",
        figures.views,
        figures.sessions,
        figures.bounces,
        figures.bounce.percent,
        figures.median_engaged,
        figures.votes,
        figures.helpful_votes,
        figures.helpful.percent,
        figures.contact_after,
        figures.contact.percent,
        figures.last_sessions,
        figures.deflected,
        figures.deflection.percent,
        1 if row.needs_review else 0,
    ]


@require_safe
@staff_permission_required(REPORTS_PERMISSION)
def articles_csv(request):
    period, filters, _calendar = _forms(request)
    if not (period.is_valid() and filters.is_valid()):
        return dashboard_page(request)  # the page says what to correct
    start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    rows = dashboard.sort_rows(dashboard.article_rows(start, end, **filters.filters()), filters.sort_key())
    name = f"kb-articles-{start.isoformat()}-{end.isoformat()}.csv"
    return csv_response(name, _csv_header(), (_csv_row(row) for row in rows))
