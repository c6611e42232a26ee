"""Send the surveys that are due, in batches: decide send or skip, make links, email them.

Rows are claimed and given their link in one transaction; the emails go out after it commits,
over one mail connection per batch. The raw link tokens exist only in memory for that moment,
so nothing stored (not even the task queue) can answer a survey. A batch whose emails fail is
put back to be tried on the next run.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from helpdesk.core.mail import templated_email
from helpdesk.tickets.models import DONE

from .models import RatingScale, SkipReason, Survey, SurveyKind, SurveyOptOut, SurveyStatus
from .selectors import questions, survey_settings
from .tokens import link_issue, unsubscribe_token

logger = logging.getLogger(__name__)

BATCH = 500
FATIGUE_KINDS = (SurveyKind.POST_PURCHASE, SurveyKind.TICKET)


@dataclass
class SendReport:
    sent: int = 0
    skipped: dict = field(default_factory=dict)
    failed: int = 0

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def _claim(now, limit: int) -> list[Survey]:
    due = Survey.objects.filter(status=SurveyStatus.SCHEDULED, send_after__lte=now).order_by("send_after", "pk")
    return list(
        due.select_for_update(skip_locked=True, of=("self",)).select_related("customer", "order", "ticket")[:limit]
    )


def _recently_surveyed(customer_ids: set[int], since) -> set[int]:
    recent = Survey.objects.filter(customer_id__in=customer_ids, kind__in=FATIGUE_KINDS, sent_at__gt=since)
    return set(recent.values_list("customer_id", flat=True))


def _skip_reason(survey: Survey, config, now, *, opted_out: set, recent: set) -> str:
    if survey.customer_id in opted_out:
        return SkipReason.OPTED_OUT
    if not survey.customer.email:
        return SkipReason.NO_EMAIL
    if survey.kind == SurveyKind.POST_PURCHASE:
        if not config.post_purchase_enabled:
            return SkipReason.DISABLED
        # An order imported long after delivery: asking now would puzzle the customer.
        if survey.send_after + timedelta(days=config.link_valid_days) < now:
            return SkipReason.STALE
        if survey.customer_id in recent:
            return SkipReason.FATIGUE
    if survey.kind == SurveyKind.TICKET:
        if not config.ticket_rating_enabled:
            return SkipReason.DISABLED
        if survey.ticket is None or survey.ticket.status not in DONE:
            return SkipReason.REOPENED
    return ""


def _decide(batch: list[Survey], now, report: SendReport) -> list[tuple[Survey, str]]:
    """Mark each claimed survey sent (with a fresh link) or skipped; return those to email."""
    config = survey_settings()
    ids = {survey.customer_id for survey in batch}
    opted_out = set(SurveyOptOut.objects.filter(customer_id__in=ids).values_list("customer_id", flat=True))
    recent = _recently_surveyed(ids, now - timedelta(days=config.fatigue_days))
    to_send, skipped = [], {}
    for survey in batch:
        reason = _skip_reason(survey, config, now, opted_out=opted_out, recent=recent)
        if reason:
            skipped.setdefault(reason, []).append(survey.pk)
            report.skip(reason)
            continue
        to_send.append((survey, link_issue(survey, now, config.link_valid_days)))
        recent.add(survey.customer_id)
    # Only the token differs from one sent survey to the next: one statement for what they share.
    for reason, pks in skipped.items():
        Survey.objects.filter(pk__in=pks).update(status=SurveyStatus.SKIPPED, skip_reason=reason)
    if to_send:
        sent = [survey for survey, _signed in to_send]
        Survey.objects.filter(pk__in=[survey.pk for survey in sent]).update(
            status=SurveyStatus.SENT, sent_at=now, expires_at=sent[0].expires_at
        )
        Survey.objects.bulk_update(sent, ["token_hash"])
    return to_send


LINK_SLOT = "slot"


@lru_cache(maxsize=64)
def _url_halves(name: str, locale: str, site_url: str) -> tuple[str, str]:
    with translation.override(locale):
        before, after = reverse(name, kwargs={"token": LINK_SLOT}).rsplit(LINK_SLOT, 1)
    return site_url + before, after


def _link(name: str, locale: str, token: str) -> str:
    """The absolute URL of `name` in `locale` for `token` (the path is reversed once, not per email)."""
    before, after = _url_halves(name, locale, settings.SITE_URL)
    return before + token + after


def survey_url(survey: Survey, signed: str) -> str:
    return _link("surveys:answer", survey.locale, signed)


def _email(survey: Survey, signed: str, config):
    with translation.override(survey.locale):
        url = survey_url(survey, signed)
        unsubscribe = _link("surveys:unsubscribe", survey.locale, unsubscribe_token(survey.customer.public_id))
        if survey.kind == SurveyKind.POST_PURCHASE:
            scores = [(score, f"{url}?nps={score}") for score in range(11)]
        elif config.rating_scale == RatingScale.BINARY:
            scores = [(5, f"{url}?csat=5"), (1, f"{url}?csat=1")]
        else:
            scores = [(score, f"{url}?csat={score}") for score in range(1, 6)]
        context = {
            "survey": survey,
            "customer": survey.customer,
            "questions": questions(config, survey.locale),
            "scores": scores,
            "binary": survey.kind == SurveyKind.TICKET and config.rating_scale == RatingScale.BINARY,
            "url": url,
            "unsubscribe_url": unsubscribe,
            "site_name": settings.WAGTAIL_SITE_NAME,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "language": survey.locale,
        }
        return templated_email(
            template=f"surveys/email/{survey.kind}",
            context=context,
            to=[survey.customer.email],
            headers={
                "Auto-Submitted": "auto-generated",
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )


def _put_back(surveys: list[Survey]) -> None:
    Survey.objects.filter(pk__in=[survey.pk for survey in surveys]).update(
        status=SurveyStatus.SCHEDULED, token_hash="", sent_at=None, expires_at=None
    )


def surveys_send_due(*, batch: int = BATCH, limit: int | None = None) -> SendReport:
    """Send every survey whose time has come (at most `limit`); safe to run late or twice at once."""
    report, config = SendReport(), survey_settings()
    while limit is None or report.sent + sum(report.skipped.values()) < limit:
        size = batch if limit is None else min(batch, limit - report.sent - sum(report.skipped.values()))
        now = timezone.now()
        with transaction.atomic():
            claimed = _claim(now, size)
            to_send = _decide(claimed, now, report)
        if not claimed:
            break
        messages = [_email(survey, signed, config) for survey, signed in to_send]
        try:
            with get_connection() as connection:
                connection.send_messages(messages)
        except Exception:
            logger.exception("survey emails failed; %d surveys will be tried again", len(to_send))
            _put_back([survey for survey, _signed in to_send])
            report.failed += len(to_send)
            break
        report.sent += len(to_send)
    return report
