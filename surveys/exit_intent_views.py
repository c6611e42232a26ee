"""The exit-intent question's page, framed by the widget's loader on the shop's page (docs/widget.md).

The form has no CSRF token on purpose: it is framed on another site, where the helpdesk's cookies
are third-party, and it carries no authority (no session, no account), so there is nothing for a
forged request to abuse; it is rate-limited per address instead, and keeps one answer per visitor.
"""

from django import forms
from django.shortcuts import render
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from .errors import SurveyError, SurveyErrorCode
from .exit_intent import COMMENT_MAX, PAGE_MAX, exit_intent_answer, exit_intent_question, visitor_valid
from .selectors import survey_settings

RATE_PER_IP = "10/m"


class ExitIntentForm(forms.Form):
    reason = forms.TypedChoiceField(
        coerce=int, widget=forms.RadioSelect, error_messages={"required": _("Please choose an answer.")}
    )
    comment = forms.CharField(
        label=_("Anything else? (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
    visitor = forms.CharField(widget=forms.HiddenInput, max_length=32)
    page = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = question.text
        self.fields["reason"].choices = [(reason.pk, reason.label()) for reason in question.reasons]


@never_cache
@xframe_options_exempt
@csrf_exempt
@ratelimit(key="ip", rate=RATE_PER_IP, method="POST", block=True)
@require_http_methods(["GET", "POST"])
def exit_intent(request):
    config = survey_settings()
    if not config.exit_intent_enabled:
        # A loader holding an older launcher.json may still open the frame: say so, with a way out.
        context = {"bidi": get_language_bidi(), "language": get_language(), "closed": True}
        return render(request, "surveys/exit_intent.html", context, status=404)
    question = exit_intent_question(config, get_language())
    initial = {"visitor": request.GET.get("visitor", ""), "page": request.GET.get("page", "")[:PAGE_MAX]}
    form = ExitIntentForm(request.POST or None, question=question, initial=initial)
    context = {"form": form, "bidi": get_language_bidi(), "language": get_language(), "thanked": False}
    status = 200
    if request.method == "POST":
        if form.is_valid() and visitor_valid(form.cleaned_data["visitor"]):
            data = form.cleaned_data
            try:
                exit_intent_answer(
                    visitor=data["visitor"], locale=get_language(), page=data["page"],
                    reason_id=data["reason"], comment=data["comment"],
                )  # fmt: skip
                context["thanked"] = True
            except SurveyError as error:
                if error.code == SurveyErrorCode.ALREADY_ANSWERED:
                    context["thanked"] = True
                else:
                    form.add_error(None, error.message)
                    status = 400
        else:
            if form.is_valid():
                form.add_error(None, _("This page was opened without the widget. Please close it."))
            status = 400
    return render(request, "surveys/exit_intent.html", context, status=status)
