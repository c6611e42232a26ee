"""Closing the loop: low scores and some exit reasons open a ticket a person answers.

The ticket opens as soon as the low score is known (the click in the email); the comment sent
afterwards joins it as the customer's reply. It is written in the customer's language, since
the customer reads it in the portal too.
"""

from contextlib import suppress

from django.utils import translation
from django.utils.translation import gettext as _

from helpdesk.tickets.errors import TicketError
from helpdesk.tickets.models import Channel
from helpdesk.tickets.services import ticket_create, ticket_reply

from .models import CSAT_MAX, NPS_MAX, ExitReason, RatingScale, SurveyKind, SurveyResponse, SurveySettings


def _low_score(response: SurveyResponse, config) -> bool:
    low_nps = response.nps is not None and response.nps <= config.nps_follow_up_at_most
    low_csat = response.csat is not None and response.csat <= config.csat_follow_up_at_most
    return low_nps or low_csat


def _subject(response: SurveyResponse) -> str:
    survey = response.survey
    if survey.kind == SurveyKind.POST_PURCHASE and survey.order is not None:
        return _("Your feedback on order %(order)s") % {"order": survey.order.external_id}
    if survey.kind == SurveyKind.TICKET and survey.ticket_id:
        return _("Your rating of request #%(ticket)s") % {"ticket": survey.ticket_id}
    if survey.kind == SurveyKind.EXIT:
        return _("Why you are leaving us")
    return _("Your feedback")


def _csat_text(response: SurveyResponse) -> str:
    if response.rating_scale == RatingScale.BINARY:
        return _("Good") if response.csat == CSAT_MAX else _("Bad")
    return f"{response.csat} / {CSAT_MAX}"


def _lines(response: SurveyResponse, reasons: list[ExitReason]) -> list[str]:
    survey, lines = response.survey, []
    if response.nps is not None:
        lines.append(_("Likely to recommend us: %(score)s / %(max)s") % {"score": response.nps, "max": NPS_MAX})
    if response.csat is not None:
        lines.append(_("Satisfaction: %(rating)s") % {"rating": _csat_text(response)})
    if survey.kind == SurveyKind.EXIT:
        lines.append(_("Leaving: %(context)s") % {"context": survey.get_context_display()})
        if survey.reference:
            lines.append(_("Shop reference: %(reference)s") % {"reference": survey.reference})
    if reasons:
        lines.append(_("Reasons: %(reasons)s") % {"reasons": ", ".join(reason.label() for reason in reasons)})
    if response.would_return:
        lines.append(_("Would come back: %(answer)s") % {"answer": response.get_would_return_display()})
    return lines


def _quoted(comment: str) -> str:
    return "\n".join(f"> {line}" for line in comment.splitlines())


def _open(response: SurveyResponse, reasons: list[ExitReason], priority: str) -> None:
    survey = response.survey
    with translation.override(survey.locale):
        body = "\n\n".join(["\n".join(f"- {line}" for line in _lines(response, reasons)), _quoted(response.comment)])
        ticket = ticket_create(
            customer=survey.customer,
            subject=_subject(response),
            body=body.strip(),
            channel=Channel.SURVEY,
            priority=priority,
            order=survey.order if survey.order and survey.order.customer_id == survey.customer_id else None,
            locale=survey.locale,
        )
    response.follow_up_ticket = ticket
    response.save(update_fields=["follow_up_ticket"])


def follow_up_for_scores(response: SurveyResponse, config: SurveySettings) -> None:
    """Open the follow-up ticket when the score just recorded is low."""
    if response.follow_up_ticket_id is None and _low_score(response, config):
        _open(response, [], config.score_follow_up_priority)


def follow_up_for_answer(response: SurveyResponse, reasons: list[ExitReason], config: SurveySettings) -> None:
    """After the form: add the comment to the follow-up, or open one the answer calls for."""
    if response.follow_up_ticket_id is not None:
        # A follow-up merged or closed by now keeps the score; the comment has nowhere to go.
        with suppress(TicketError):
            if response.comment:
                ticket_reply(
                    ticket=response.follow_up_ticket,
                    body=response.comment,
                    by=response.survey.customer,
                    channel=Channel.SURVEY,
                )
        return
    if _low_score(response, config):
        _open(response, reasons, config.score_follow_up_priority)
    elif any(reason.opens_follow_up for reason in reasons):
        _open(response, reasons, config.exit_follow_up_priority)
