"""The report filters managers set: the period, and which comments to read."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpdesk.core.digits import ascii_digits
from helpdesk.core.period import PeriodForm

from .models import NPS_MAX, SurveyKind

__all__ = ["CommentFilterForm", "PeriodForm"]


class AnyDigitsIntegerField(forms.IntegerField):
    widget = forms.TextInput(attrs={"inputmode": "numeric", "size": 3})

    def to_python(self, value):
        return super().to_python(ascii_digits(value) if isinstance(value, str) else value)


class CommentFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Survey"), required=False, choices=[("", _("All surveys")), *SurveyKind.choices])
    max_score = AnyDigitsIntegerField(
        label=_("Score at most"),
        required=False,
        min_value=0,
        max_value=NPS_MAX,
        help_text=_("The 0–10 recommendation score, or the 1–5 rating where there is none."),
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *settings.LANGUAGES]
    )
    follow_up = forms.ChoiceField(
        label=_("Follow-up ticket"),
        required=False,
        choices=[("", _("With or without")), ("yes", _("With a follow-up ticket")), ("no", _("Without one"))],
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def filters(self) -> dict:
        """The keyword arguments of surveys.reports.comments for the valid form."""
        data = self.cleaned_data
        return {
            "kind": data["kind"] or None,
            "max_score": data["max_score"],
            "locale": data["language"] or None,
            "has_follow_up": {"yes": True, "no": False}.get(data["follow_up"]),
        }

    def query(self) -> dict:
        """The filters as they were given, to carry into links (pages, CSV)."""
        return {name: value for name in self.fields if (value := self.data.get(name))}
