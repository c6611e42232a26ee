"""The survey page's form: the questions a survey of this kind asks, in the customer's language."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpdesk.core.digits import ascii_digits

from .models import CSAT_MAX, NPS_MAX, RatingScale, SurveyKind, WouldReturn
from .selectors import exit_reasons_offered


def score_from_query(value: str | None, high: int, low: int = 0) -> int | None:
    """A score from a link's query string in any digit system, or None when absent or not a number."""
    text = ascii_digits(value or "").strip()
    if not text.isdecimal() or len(text) > 2:  # isdigit() also says yes to "²", which int() refuses
        return None
    score = int(text)
    return score if low <= score <= high else None


def _csat_choices(scale: str) -> list[tuple[str, str]]:
    if scale == RatingScale.BINARY:
        return [(str(CSAT_MAX), _("Good")), ("1", _("Bad"))]
    return [(str(score), str(score)) for score in range(1, CSAT_MAX + 1)]


class SurveyAnswerForm(forms.Form):
    nps = forms.TypedChoiceField(
        choices=[(str(score), str(score)) for score in range(NPS_MAX + 1)],
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    csat = forms.TypedChoiceField(coerce=int, empty_value=None, widget=forms.RadioSelect, required=False)
    reasons = forms.MultipleChoiceField(
        label=_("Why are you leaving? Choose all that apply."), widget=forms.CheckboxSelectMultiple, required=False
    )
    would_return = forms.ChoiceField(
        label=_("Would you come back one day?"),
        choices=WouldReturn.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("Anything you would like to add? (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=settings.HELPDESK_SURVEY_COMMENT_MAX_CHARS,
    )

    def __init__(self, *args, survey, questions: dict, scale: str, answered: bool, **kwargs):
        """`answered`: the email's click already recorded the main score, which stands."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["nps"].label = questions["nps"]
        if survey.kind == SurveyKind.TICKET:
            self.fields["csat"].label = questions["rating"]
            self.fields["csat"].choices = _csat_choices(scale)
            self.fields["csat"].required = True
            keep = ["comment"] if answered else ["csat", "comment"]
        elif survey.kind == SurveyKind.POST_PURCHASE:
            self.fields["csat"].label = questions["csat"]
            self.fields["csat"].choices = _csat_choices(RatingScale.FIVE)
            self.fields["nps"].required = True
            keep = ["csat", "comment"] if answered else ["nps", "csat", "comment"]
        else:
            self.fields["reasons"].choices = [(reason.code, reason.label()) for reason in exit_reasons_offered()]
            self.fields["reasons"].required = True
            keep = ["reasons", "would_return", "comment"]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
