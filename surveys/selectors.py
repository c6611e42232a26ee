"""Reads for surveys: the settings row, a survey by its link, the questions in a language."""

from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.core.models import in_language

from .errors import SurveyError, SurveyErrorCode
from .models import ExitReason, Survey, SurveyResponse, SurveySettings
from .tokens import link_token_hash

SETTINGS_PK = 1


def survey_settings() -> SurveySettings:
    """The settings row (made by a data migration); the defaults when it is missing."""
    return SurveySettings.objects.filter(pk=SETTINGS_PK).first() or SurveySettings(pk=SETTINGS_PK)


def survey_for_link(signed_token: str) -> Survey:
    """The survey a link opens, or SurveyError for a tampered, unknown or expired link."""
    hashed = link_token_hash(signed_token)
    if hashed is None:
        raise SurveyError(SurveyErrorCode.INVALID_LINK)
    survey = Survey.objects.select_related("customer", "order", "ticket", "response").filter(token_hash=hashed).first()
    if survey is None:
        raise SurveyError(SurveyErrorCode.INVALID_LINK)
    if survey.expires_at is not None and survey.expires_at <= timezone.now():
        raise SurveyError(SurveyErrorCode.EXPIRED)
    return survey


def exit_reasons_offered():
    return ExitReason.objects.filter(active=True)


def questions(settings: SurveySettings, locale: str) -> dict[str, str]:
    """The question texts in `locale`: the managers' wording where they gave one, else ours."""
    ours = {
        "nps": _("How likely are you to recommend us to a friend or colleague?"),
        "csat": _("How satisfied are you with this order?"),
        "rating": _("How would you rate the support you received?"),
    }
    return {key: in_language(settings, f"{key}_question", locale) or text for key, text in ours.items()}


def responses_for_customer(customer, *, limit: int = 10) -> list[SurveyResponse]:
    """The customer's latest answers, for the agent's side panel."""
    answers = SurveyResponse.objects.filter(customer=customer).select_related("survey__order", "survey__ticket")
    return list(answers.order_by("-created_at")[:limit])
