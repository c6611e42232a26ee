"""The survey reports as CSV rows; helpdesk.core.csvfile writes them safely for spreadsheets."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.core.csvfile import csv_response, safe_cell
from helpdesk.core.dates import format_month

from . import reports

__all__ = ["EXPORTS", "csv_response", "safe_cell"]


def _month_cells(month: date) -> list:
    return [format_month(month), month.isoformat()]


def nps_rows(start, end, *, calendar, **_filters):
    report = reports.nps_by_month(start, end, calendar=calendar)
    header = [_("Month"), _("Month starts"), _("Answers"), _("Promoters"), _("Passives"), _("Detractors"), _("NPS")]
    rows = [[*_month_cells(m.month), m.responses, m.promoters, m.passives, m.detractors, m.nps] for m in report.months]
    total = report.total
    rows.append([_("Whole period"), "", total.responses, total.promoters, total.passives, total.detractors, total.nps])
    return header, rows


def _csat_rows(report: reports.CsatReport, first_column: str):
    header = [first_column, _("Ratings"), _("Average (1–5)"), _("Satisfied (%)")]
    rows = [[row.label, row.ratings, row.average, row.satisfied_percent] for row in [*report.rows, report.total]]
    return header, rows


def csat_agent_rows(start, end, **_filters):
    return _csat_rows(reports.csat_by_agent(start, end), _("Agent"))


def csat_channel_rows(start, end, **_filters):
    return _csat_rows(reports.csat_by_channel(start, end), _("Channel"))


def rate_rows(start, end, **_filters):
    report = reports.response_rates(start, end)
    header = [_("Survey"), _("Sent"), _("Answered"), _("Response rate (%)")]
    return header, [[row.label, row.sent, row.answered, row.rate] for row in [*report.rows, report.total]]


def skipped_rows(start, end, **_filters):
    report = reports.response_rates(start, end)
    header = [_("Not sent because"), *report.skipped_kinds, _("Total")]
    return header, [[row.label, *row.counts, row.total] for row in report.skipped]


def exit_rows(start, end, *, calendar, **_filters):
    report = reports.exit_reasons_by_month(start, end, calendar=calendar)
    header = [_("Month"), _("Month starts"), _("Exit answers"), *(label for _code, label in report.reasons)]
    rows = [[*_month_cells(m.month), m.answers, *m.counts] for m in report.months]
    rows.append([_("Whole period"), "", report.answers, *report.totals])
    return header, rows


def comment_rows(start, end, *, filters, **_rest):
    header = [
        _("Answered"),
        _("Survey"),
        _("Recommendation (0–10)"),
        _("Rating (1–5)"),
        _("Language"),
        _("Customer"),
        _("Agent"),
        _("Follow-up ticket"),
        _("Comment"),
    ]
    rows = (
        [
            timezone.localtime(answer.created_at).isoformat(timespec="minutes"),
            answer.get_kind_display(),
            answer.nps,
            answer.csat,
            answer.survey.locale,
            str(answer.customer),
            str(answer.agent) if answer.agent else "",
            answer.follow_up_ticket_id,
            answer.comment,
        ]
        for answer in reports.comments(start, end, **filters)
    )
    return header, rows


def exit_intent_rows(start, end, **_filters):
    report = reports.exit_intent_summary(start, end)
    header = [_("Reason"), _("Answers")]
    return header, [[label, total] for label, total in report.reasons] + [[_("All answers"), report.answers]]


EXPORTS = {
    "nps": nps_rows,
    "csat-agents": csat_agent_rows,
    "csat-channels": csat_channel_rows,
    "response-rates": rate_rows,
    "skipped": skipped_rows,
    "exit-reasons": exit_rows,
    "exit-intent": exit_intent_rows,
    "comments": comment_rows,
}
