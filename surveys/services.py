"""Write path for surveys: scheduling, answering, opting out, and the win-back offer.

Each function runs in one transaction. A survey has at most one answer (a database
constraint); the first score a link records is the answer, later clicks only show it.
"""

from datetime import timedelta

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.credits.models import CreditEntry
from helpdesk.credits.services import credit_grant_offer
from helpdesk.customers.models import Customer
from helpdesk.orders.models import Order
from helpdesk.tickets.models import Ticket

from . import followups
from .errors import SurveyError, SurveyErrorCode
from .models import (
    CSAT_MAX,
    NPS_MAX,
    ExitReason,
    RatingScale,
    SkipReason,
    Survey,
    SurveyKind,
    SurveyOptOut,
    SurveyResponse,
    SurveyStatus,
)
from .selectors import survey_settings
from .tokens import link_issue

DELIVERED = "delivered"


def _survey_create(**fields) -> Survey | None:
    """Create the survey unless its order or ticket already has one (then None)."""
    try:
        with transaction.atomic():
            return Survey.objects.create(created_at=timezone.now(), **fields)
    except IntegrityError:
        return None


@transaction.atomic
def survey_schedule_post_purchase(*, order: Order) -> Survey | None:
    """Schedule the post-purchase survey of a delivered order, once per order."""
    config = survey_settings()
    if order.status != DELIVERED or not config.post_purchase_enabled:
        return None
    delivered_at = order.delivered_at or timezone.now()
    return _survey_create(
        kind=SurveyKind.POST_PURCHASE,
        customer=order.customer,
        order=order,
        locale=order.customer.locale,
        send_after=delivered_at + timedelta(days=config.post_purchase_delay_days),
    )


@transaction.atomic
def survey_schedule_ticket_rating(*, ticket: Ticket) -> Survey | None:
    """Schedule the rating of a solved ticket; solving it again after a reopen schedules it anew."""
    config = survey_settings()
    if not config.ticket_rating_enabled or ticket.merged_into_id:
        return None
    send_after = timezone.now() + timedelta(hours=config.ticket_rating_delay_hours)
    fields = {"agent_id": ticket.assignee_id, "channel": ticket.channel, "locale": ticket.locale}
    survey = Survey.objects.select_for_update().filter(kind=SurveyKind.TICKET, ticket=ticket).first()
    if survey is None:
        return _survey_create(
            kind=SurveyKind.TICKET, customer=ticket.customer, ticket=ticket, send_after=send_after, **fields
        )
    if survey.status == SurveyStatus.SCHEDULED or survey.skip_reason == SkipReason.REOPENED:
        changes = {**fields, "status": SurveyStatus.SCHEDULED, "skip_reason": "", "send_after": send_after}
        for name, value in changes.items():
            setattr(survey, name, value)
        survey.save(update_fields=list(changes))
        return survey
    return None


@transaction.atomic
def exit_survey_create(*, customer: Customer, context: str, reference: str = "") -> tuple[Survey, str]:
    """Open an exit survey for a leaving customer; return it and the signed token for its link."""
    now = timezone.now()
    survey = Survey(kind=SurveyKind.EXIT, customer=customer, locale=customer.locale, context=context, created_at=now)
    survey.reference = reference.strip()[:100]
    signed = link_issue(survey, now, survey_settings().link_valid_days)
    survey.save()
    return survey, signed


def _check_range(value: int | None, high: int, low: int = 0) -> None:
    if value is not None and not low <= value <= high:
        raise SurveyError(SurveyErrorCode.SCORE_OUT_OF_RANGE, low=low, high=high)


def _answered(survey: Survey) -> SurveyResponse | None:
    return SurveyResponse.objects.select_for_update().filter(survey=survey).first()


def _response_new(survey: Survey, config, *, nps: int | None, csat: int | None) -> SurveyResponse:
    scale = config.rating_scale if survey.kind == SurveyKind.TICKET else ""
    response = SurveyResponse.objects.create(
        survey=survey,
        kind=survey.kind,
        customer_id=survey.customer_id,
        agent_id=survey.agent_id,
        channel=survey.channel,
        nps=nps,
        csat=csat,
        rating_scale=scale,
        created_at=timezone.now(),
    )
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.ANSWERED)
    return response


def _binary(csat: int | None, survey: Survey, config) -> int | None:
    """On the good-or-bad scale only 1 (bad) and 5 (good) exist."""
    binary = survey.kind == SurveyKind.TICKET and config.rating_scale == RatingScale.BINARY
    if csat is not None and binary and csat not in (1, CSAT_MAX):
        raise SurveyError(SurveyErrorCode.SCORE_OUT_OF_RANGE, low=1, high=CSAT_MAX)
    return csat


@transaction.atomic
def survey_score(*, survey: Survey, nps: int | None = None, csat: int | None = None) -> SurveyResponse:
    """Record the score a link was clicked with; a survey already scored keeps its first answer."""
    _check_range(nps, NPS_MAX)
    _check_range(csat, CSAT_MAX, low=1)
    config = survey_settings()
    csat = _binary(csat, survey, config)
    existing = _answered(survey)
    if existing is not None:
        if existing.completed_at is not None:
            raise SurveyError(SurveyErrorCode.ALREADY_ANSWERED)
        return existing
    response = _response_new(survey, config, nps=nps, csat=csat)
    followups.follow_up_for_scores(response, config)
    return response


def _clean_comment(comment: str) -> str:
    comment = (comment or "").strip()
    limit = django_settings.HELPDESK_SURVEY_COMMENT_MAX_CHARS
    if len(comment) > limit:
        raise SurveyError(SurveyErrorCode.TEXT_TOO_LONG, max=limit)
    return comment


def _exit_reasons(survey: Survey, codes) -> list[ExitReason]:
    if survey.kind != SurveyKind.EXIT:
        return []
    codes = set(codes)
    if not codes:
        raise SurveyError(SurveyErrorCode.REASON_REQUIRED)
    reasons = list(ExitReason.objects.filter(code__in=codes, active=True))
    if len(reasons) != len(codes):
        raise SurveyError(SurveyErrorCode.UNKNOWN_REASON)
    return reasons


@transaction.atomic
def survey_complete(
    *,
    survey: Survey,
    comment: str = "",
    nps: int | None = None,
    csat: int | None = None,
    exit_reasons=(),
    would_return: str = "",
) -> SurveyResponse:
    """Finish the answer: the comment and the questions not yet scored. Only once."""
    _check_range(nps, NPS_MAX)
    _check_range(csat, CSAT_MAX, low=1)
    config = survey_settings()
    csat, comment = _binary(csat, survey, config), _clean_comment(comment)
    reasons = _exit_reasons(survey, exit_reasons)
    response = _answered(survey)
    if response is not None and response.completed_at is not None:
        raise SurveyError(SurveyErrorCode.ALREADY_ANSWERED)
    if response is None:
        if survey.kind == SurveyKind.POST_PURCHASE and nps is None:
            raise SurveyError(SurveyErrorCode.NOT_ANSWERED)
        if survey.kind == SurveyKind.TICKET and csat is None:
            raise SurveyError(SurveyErrorCode.NOT_ANSWERED)
        response = _response_new(survey, config, nps=nps, csat=csat)
    elif csat is not None and response.csat is None:
        response.csat = csat
    response.comment, response.would_return = comment, would_return
    response.completed_at = timezone.now()
    response.save(update_fields=["csat", "comment", "would_return", "completed_at"])
    response.exit_reasons.set(reasons)
    followups.follow_up_for_answer(response, reasons, config)
    return response


def winback_offer(response: SurveyResponse | None) -> tuple | None:
    """(amount, currency) the customer may accept for leaving this answer, or None."""
    config = survey_settings()
    if response is None or response.kind != SurveyKind.EXIT or response.winback_entry_id:
        return None
    if not (config.winback_enabled and config.winback_amount > 0 and config.winback_currency and config.winback_reason):
        return None
    if not response.exit_reasons.filter(offers_winback=True).exists():
        return None
    return config.winback_amount, config.winback_currency


@transaction.atomic
def survey_winback_accept(*, survey: Survey) -> CreditEntry:
    """Grant the win-back credit the exit survey offered, once."""
    response = _answered(survey)
    if response is not None and response.winback_entry_id:
        raise SurveyError(SurveyErrorCode.WINBACK_TAKEN)
    offer = winback_offer(response)
    if offer is None:
        raise SurveyError(SurveyErrorCode.WINBACK_UNAVAILABLE)
    amount, currency = offer
    entry = credit_grant_offer(
        customer=survey.customer,
        amount=amount,
        currency=currency,
        reason=survey_settings().winback_reason,
        offer="win-back offer",
        note=f"exit survey {survey.public_id}",
    )
    response.winback_entry = entry
    response.save(update_fields=["winback_entry"])
    return entry


@transaction.atomic
def survey_opt_out(*, customer: Customer) -> SurveyOptOut:
    """Send this customer no more survey emails; surveys already scheduled are skipped."""
    opt_out, _created = SurveyOptOut.objects.get_or_create(customer=customer, defaults={"created_at": timezone.now()})
    Survey.objects.filter(customer=customer, status=SurveyStatus.SCHEDULED).update(
        status=SurveyStatus.SKIPPED, skip_reason=SkipReason.OPTED_OUT
    )
    return opt_out
