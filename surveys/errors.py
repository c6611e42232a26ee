"""Why a survey operation was refused: a code for machines, a translated message for people."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from helpdesk.core.errors import CodedError


class SurveyErrorCode(StrEnum):
    INVALID_LINK = "invalid_link"
    EXPIRED = "expired"
    ALREADY_ANSWERED = "already_answered"
    NOT_ANSWERED = "not_answered"
    SCORE_OUT_OF_RANGE = "score_out_of_range"
    REASON_REQUIRED = "reason_required"
    UNKNOWN_REASON = "unknown_reason"
    WINBACK_UNAVAILABLE = "winback_unavailable"
    WINBACK_TAKEN = "winback_taken"
    TEXT_TOO_LONG = "text_too_long"
    NOT_OFFERED = "not_offered"


MESSAGES = {
    SurveyErrorCode.INVALID_LINK: _("This survey link is not valid. Please use the link from your email as it is."),
    SurveyErrorCode.EXPIRED: _("This survey has closed. Thank you all the same."),
    SurveyErrorCode.ALREADY_ANSWERED: _("You have already answered this survey. Thank you!"),
    SurveyErrorCode.NOT_ANSWERED: _("Please choose a score first."),
    SurveyErrorCode.SCORE_OUT_OF_RANGE: _("Choose a score from %(low)s to %(high)s."),
    SurveyErrorCode.REASON_REQUIRED: _("Please choose at least one reason."),
    SurveyErrorCode.UNKNOWN_REASON: _("One of the reasons chosen is not on the list."),
    SurveyErrorCode.WINBACK_UNAVAILABLE: _("This offer is not available."),
    SurveyErrorCode.WINBACK_TAKEN: _("You have already accepted this offer."),
    SurveyErrorCode.TEXT_TOO_LONG: _("Please keep your comment under %(max)s characters."),
    SurveyErrorCode.NOT_OFFERED: _("This question is not being asked at the moment."),
}


class SurveyError(CodedError):
    """A refused survey operation; `error.message` is for people."""

    messages = MESSAGES
