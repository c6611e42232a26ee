"""The customer's survey pages: no sign-in, the link is the key; one answer per link."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from helpdesk.customers.models import Customer

from .errors import SurveyError, SurveyErrorCode
from .forms import SurveyAnswerForm, score_from_query
from .models import CSAT_MAX, NPS_MAX, SurveyKind
from .selectors import questions, survey_for_link, survey_settings
from .services import survey_complete, survey_opt_out, survey_score, survey_winback_accept, winback_offer
from .tokens import unsubscribe_customer_id

ANSWER_RATE_PER_IP = "30/m"
STATUS_BY_CODE = {SurveyErrorCode.INVALID_LINK: 404, SurveyErrorCode.EXPIRED: 410}


def _refusal(request, error: SurveyError):
    status = STATUS_BY_CODE.get(error.code, 200 if error.code == SurveyErrorCode.ALREADY_ANSWERED else 400)
    title = _("Thank you") if error.code == SurveyErrorCode.ALREADY_ANSWERED else _("This survey is closed")
    return render(request, "core/error.html", {"title": title, "message": error.message}, status=status)


def _record_click(request, survey):
    """The score the email's button carried, recorded once; (response, error) for the page."""
    nps = score_from_query(request.GET.get("nps"), NPS_MAX) if survey.kind == SurveyKind.POST_PURCHASE else None
    csat = score_from_query(request.GET.get("csat"), CSAT_MAX, low=1) if survey.kind == SurveyKind.TICKET else None
    if nps is None and csat is None:
        return getattr(survey, "response", None)
    return survey_score(survey=survey, nps=nps, csat=csat)


def _form(request, survey, response):
    config = survey_settings()
    return SurveyAnswerForm(
        request.POST if request.method == "POST" else None,
        survey=survey,
        questions=questions(config, survey.locale),
        scale=config.rating_scale,
        answered=response is not None,
    )


def _complete(request, survey, form):
    data = form.cleaned_data
    try:
        survey_complete(
            survey=survey,
            comment=data.get("comment", ""),
            nps=data.get("nps"),
            csat=data.get("csat"),
            exit_reasons=data.get("reasons", ()),
            would_return=data.get("would_return", ""),
        )
    except SurveyError as error:
        form.add_error(None, error.message)
        return None
    return redirect("surveys:done", token=request.resolver_match.kwargs["token"])


@never_cache
@ratelimit(key="ip", rate=ANSWER_RATE_PER_IP, method=ratelimit.ALL, block=True)
@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    try:
        survey = survey_for_link(token)
        response = _record_click(request, survey) if request.method == "GET" else getattr(survey, "response", None)
        if response is not None and response.completed_at is not None:
            raise SurveyError(SurveyErrorCode.ALREADY_ANSWERED)
    except SurveyError as error:
        return _refusal(request, error)
    form = _form(request, survey, response)
    if request.method == "POST" and form.is_valid():
        done = _complete(request, survey, form)
        if done is not None:
            return done
    context = {"survey": survey, "response": response, "form": form}
    return render(request, "surveys/answer.html", context, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET"])
def done(request, token: str):
    try:
        survey = survey_for_link(token)
    except SurveyError as error:
        return _refusal(request, error)
    response = getattr(survey, "response", None)
    if response is None or response.completed_at is None:
        return redirect("surveys:answer", token=token)
    return render(request, "surveys/done.html", {"survey": survey, "offer": winback_offer(response), "token": token})


@ratelimit(key="ip", rate=ANSWER_RATE_PER_IP, block=True)
@require_POST
def winback(request, token: str):
    try:
        survey = survey_for_link(token)
        entry = survey_winback_accept(survey=survey)
    except SurveyError as error:
        return _refusal(request, error)
    return render(request, "surveys/winback_accepted.html", {"survey": survey, "entry": entry})


def _customer_for_unsubscribe(token: str) -> Customer | None:
    public_id = unsubscribe_customer_id(token)
    return Customer.objects.filter(public_id=public_id).first() if public_id else None


# Mail clients send RFC 8058 one-click unsubscribes as a bare POST: the signed token is the proof.
@csrf_exempt
@ratelimit(key="ip", rate=ANSWER_RATE_PER_IP, method=ratelimit.ALL, block=True)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    customer = _customer_for_unsubscribe(token)
    if customer is None:
        message = _("This unsubscribe link is not valid. Please use the link from your email as it is.")
        return render(request, "core/error.html", {"title": _("Link not valid"), "message": message}, status=404)
    if request.method == "POST":
        survey_opt_out(customer=customer)
        return render(request, "surveys/unsubscribed.html")
    return render(request, "surveys/unsubscribe.html", {"customer": customer})
