"""Managers' survey reports, mounted at /<lang>/staff/surveys/: the page, and each report as CSV."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from helpdesk.accounts.decorators import staff_permission_required
from helpdesk.core.charts import bar_chart, column_chart
from helpdesk.core.dates import calendar_for, format_month

from . import reports
from .report_csv import EXPORTS, csv_response
from .staff_forms import CommentFilterForm, PeriodForm

# Managers hold it and agents do not (helpdesk/accounts/roles.py); the reports show every agent's scores.
REPORTS_PERMISSION = "surveys.view_survey"
COMMENTS_PER_PAGE = 25


def _forms(request) -> tuple[PeriodForm, CommentFilterForm, str]:
    calendar = calendar_for()
    period = PeriodForm(request.GET, today=timezone.localdate(), calendar=calendar)
    return period, CommentFilterForm(request.GET), calendar


def _percent_text(value) -> str:
    return f"{value}%"


def _charts(nps, agents, channels, rates, exits, exit_intent) -> dict:
    rtl = translation.get_language_bidi()

    def percentages(rows, value, title):
        points = [(row.label, getattr(row, value)) for row in rows]
        return bar_chart(points, title=title, rtl=rtl, value_format=_percent_text, maximum=100)

    months = [(format_month(row.month, short=True), row.nps) for row in nps.months]
    reasons = [(label, total) for (_code, label), total in zip(exits.reasons, exits.totals, strict=True)]
    return {
        "nps": column_chart(months, title=_("NPS by month"), rtl=rtl),
        "agents": percentages(agents.rows, "satisfied_percent", _("Satisfied ratings by agent")),
        "channels": percentages(channels.rows, "satisfied_percent", _("Satisfied ratings by channel")),
        "rates": percentages(rates.rows, "rate", _("Response rate by survey")),
        "exits": bar_chart(reasons, title=_("Exit reasons chosen in the period"), rtl=rtl),
        "exit_intent": bar_chart(exit_intent.reasons, title=_("Why visitors were leaving"), rtl=rtl),
    }


def _report_context(start, end, calendar: str) -> dict:
    found = {
        "nps": reports.nps_by_month(start, end, calendar=calendar),
        "agents": reports.csat_by_agent(start, end),
        "channels": reports.csat_by_channel(start, end),
        "rates": reports.response_rates(start, end),
        "exits": reports.exit_reasons_by_month(start, end, calendar=calendar),
        "exit_intent": reports.exit_intent_summary(start, end),
    }
    return {**found, "charts": _charts(**found), "start": start, "end": end}


def _csv_links(start, end, comment_filter: CommentFilterForm) -> dict[str, str]:
    period = {"from": start.isoformat(), "to": end.isoformat()}
    links = {}
    for name in EXPORTS:
        query = {**period, **(comment_filter.query() if name == "comments" else {})}
        links[name.replace("-", "_")] = f"{reverse('surveys_staff:csv', args=[name])}?{urlencode(query)}"
    return links


@require_safe
@staff_permission_required(REPORTS_PERMISSION)
def reports_page(request):
    period, comment_filter, calendar = _forms(request)
    context = {"period_form": period, "comment_form": comment_filter}
    if period.is_valid():
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
        context |= _report_context(start, end, calendar)
        context["csv"] = _csv_links(start, end, comment_filter)
        if comment_filter.is_valid():
            answers = reports.comments(start, end, **comment_filter.filters())
            context["comments"] = Paginator(answers, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    status = 200 if period.is_valid() and comment_filter.is_valid() else 400
    return render(request, "surveys/staff/reports.html", context, status=status)


@require_safe
@staff_permission_required(REPORTS_PERMISSION)
def report_csv(request, report: str):
    export = EXPORTS.get(report)
    if export is None:
        raise Http404
    period, comment_filter, calendar = _forms(request)
    if not (period.is_valid() and comment_filter.is_valid()):
        return reports_page(request)  # the page says what to correct
    start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    header, rows = export(start, end, calendar=calendar, filters=comment_filter.filters())
    return csv_response(f"surveys-{report}-{start.isoformat()}-{end.isoformat()}.csv", header, rows)
