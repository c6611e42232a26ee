"""Managers' reports, mounted at /<lang>/staff/reports/: the SLA report (the page, the breaching tickets, the
CSV) and the retention insight (the page and its two CSV files)."""

from datetime import date
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from helpdesk.accounts.decorators import staff_permission_required
from helpdesk.core.charts import bar_chart, column_chart
from helpdesk.core.csvfile import csv_response, csv_streaming_response
from helpdesk.core.dates import calendar_for, format_local_date, format_month, month_start
from helpdesk.core.period import PeriodForm

from . import retention, sla
from .forms import BreachFilterForm
from .registry import sla_sections
from .sla_csv import sla_ticket_rows

REPORTS_PERMISSION = "reports.view_reports"  # the Manager role holds it (helpdesk/accounts/roles.py)
BREACHES_PER_PAGE = 25
DAYS_BEFORE_MONTHS = 62  # a longer period reads better month by month


def _period(request) -> tuple[PeriodForm, str]:
    calendar = calendar_for()
    return PeriodForm(request.GET, today=timezone.localdate(), calendar=calendar, default_months=1), calendar


def _volume(start: date, end: date, calendar: str) -> tuple[list, bool]:
    points = sla.daily_volume(start, end)
    if (end - start).days < DAYS_BEFORE_MONTHS:
        return points, False
    return sla.fold_volume(points, lambda day: month_start(day, calendar)), True


def _point_label(day: date, monthly: bool) -> str:
    return format_month(day, short=True) if monthly else format_local_date(day)


def _charts(report: sla.SlaReport, volume: list, monthly: bool) -> dict:
    rtl = translation.get_language_bidi()
    rates = [(row.label, row.first_response.percent) for row in report.by_priority]
    return {
        "created": column_chart(
            [(_point_label(p.day, monthly), p.created) for p in volume], title=_("Tickets created"), rtl=rtl
        ),
        "backlog": column_chart(
            [(_point_label(p.day, monthly), p.backlog) for p in volume], title=_("Unsolved tickets"), rtl=rtl
        ),
        "priority": bar_chart(
            rates,
            title=_("First response breached, by priority"),
            rtl=rtl,
            value_format=lambda value: f"{value}%",
            maximum=100,
        ),
    }


def _links(start: date, end: date) -> dict:
    period = urlencode({"from": start.isoformat(), "to": end.isoformat()})
    return {"period": period}


@require_safe
@staff_permission_required(REPORTS_PERMISSION)
def sla_page(request):
    period, calendar = _period(request)
    context = {"period_form": period}
    if not period.is_valid():
        return render(request, "reports/sla.html", context, status=400)
    start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    report = sla.sla_report(start, end)
    volume, monthly = _volume(start, end, calendar)
    context |= {
        "start": start,
        "end": end,
        "report": report,
        "total_rows": [report.total],
        "volume": volume,
        "monthly": monthly,
        "charts": _charts(report, volume, monthly),
        "sections": sla_sections(*sla.period_bounds(start, end)),
        **_links(start, end),
    }
    return render(request, "reports/sla.html", context)


@require_safe
@staff_permission_required(REPORTS_PERMISSION)
def sla_breaches(request):
    period, _calendar = _period(request)
    filters = BreachFilterForm(request.GET)
    context = {"period_form": period, "filter_form": filters}
    if not (period.is_valid() and filters.is_valid()):
        return render(request, "reports/sla_breaches.html", context, status=400)
    start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    tickets = sla.breaching_tickets(start, end, **filters.filters())
    query = {"from": start.isoformat(), "to": end.isoformat(), **filters.query()}
    context |= {
        "start": start,
        "end": end,
        "tickets": Paginator(tickets, BREACHES_PER_PAGE).get_page(request.GET.get("page")),
        "query": urlencode(query),
        **_links(start, end),
    }
    return render(request, "reports/sla_breaches.html", context)


@require_safe
@staff_permission_required(REPORTS_PERMISSION)
def sla_csv(request):
    period, _calendar = _period(request)
    if not period.is_valid():
        return sla_page(request)  # the page says what to correct
    start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    header, rows = sla_ticket_rows(start, end)
    return csv_streaming_response(f"sla-tickets-{start.isoformat()}-{end.isoformat()}.csv", header, rows)


# Retention insight


def _retention_period(request) -> PeriodForm:
    return PeriodForm(request.GET, today=timezone.localdate(), calendar=calendar_for())


def _percent_text(value) -> str:
    return f"{value}%"


def _rate_points(comparison: retention.Comparison) -> list[tuple[str, int | None]]:
    """Each group's repeat-purchase rate, then each group's exit-survey rate, labelled with their n."""
    points = []
    for label, metric in (
        (_("%(group)s: ordered again (n = %(n)s)"), "repeat_purchase"),
        (_("%(group)s: exit survey (n = %(n)s)"), "exit_survey"),
    ):
        for group in comparison.groups:
            rate = getattr(group, metric)
            points.append((label % {"group": group.label, "n": rate.sample}, rate.percent))
    return points


def _comparison_charts(comparison: retention.Comparison, rtl: bool) -> dict:
    """Both rates of both groups as bars, and each group's NPS as a column (it may be negative)."""
    title = {"comparison": comparison.title}
    nps = [(_("%(group)s (n = %(n)s)") % {"group": g.label, "n": g.nps.sample}, g.nps.score) for g in comparison.groups]
    return {
        "comparison": comparison,
        "rates": bar_chart(
            _rate_points(comparison),
            title=_("%(comparison)s: rates within 90 days") % title,
            rtl=rtl,
            value_format=_percent_text,
            maximum=100,
        ),
        "nps": column_chart(nps, title=_("%(comparison)s: NPS within 90 days") % title, rtl=rtl),
    }


def _credit_chart(report: retention.RetentionReport, rtl: bool):
    ratios = [(row.currency, None if row.ratio is None else float(row.ratio)) for row in report.credit_return]
    title = _("Order value per unit of credit granted, by currency")
    return bar_chart(ratios, title=title, rtl=rtl, value_format="{:.2f}".format)


@require_safe
@staff_permission_required(REPORTS_PERMISSION)
def retention_page(request):
    period = _retention_period(request)
    context = {"period_form": period}
    if not period.is_valid():
        return render(request, "reports/retention.html", context, status=400)
    start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    report, rtl = retention.retention_report(start, end), translation.get_language_bidi()
    context |= {
        "start": start,
        "end": end,
        "report": report,
        "comparisons": [_comparison_charts(comparison, rtl) for comparison in report.comparisons],
        "credit_chart": _credit_chart(report, rtl),
        "small_sample": retention.SMALL_SAMPLE,
        **_links(start, end),
    }
    return render(request, "reports/retention.html", context)


_RETENTION_EXPORTS = {
    "groups": lambda start, end: retention.comparison_rows(retention.retention_report(start, end)),
    "credit": lambda start, end: retention.credit_return_rows(retention.credit_return(start, end)),
}


@require_safe
@staff_permission_required(REPORTS_PERMISSION)
def retention_csv(request, export: str):
    period = _retention_period(request)
    if not period.is_valid():
        return retention_page(request)  # the page says what to correct
    start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    header, rows = _RETENTION_EXPORTS[export](start, end)
    return csv_response(f"retention-{export}-{start.isoformat()}-{end.isoformat()}.csv", header, rows)
