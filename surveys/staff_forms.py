"""The report filters managers set: the period, and which comments to read."""

import re
from datetime import date

import jdatetime
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpdesk.core.dates import months_back
from helpdesk.tickets.staff_forms import ascii_digits

from .models import NPS_MAX, SurveyKind

DEFAULT_MONTHS = 12
MAX_DAYS = 5 * 366
JALALI_BEFORE = 1700  # no Gregorian report reaches back this far; a year below it is a Jalali year
_YMD = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


class AnyDigitsDateField(forms.DateField):
    """A date in any of the three digit systems; a year like ۱۴۰۴ is read as a Jalali date."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value):
        if isinstance(value, str):
            value = ascii_digits(value).strip()
            parts = _YMD.match(value)
            if parts and int(parts[1]) < JALALI_BEFORE:
                try:
                    return jdatetime.date(*map(int, parts.groups())).togregorian()
                except ValueError:
                    raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


class AnyDigitsIntegerField(forms.IntegerField):
    widget = forms.TextInput(attrs={"inputmode": "numeric", "size": 3})

    def to_python(self, value):
        return super().to_python(ascii_digits(value) if isinstance(value, str) else value)


class PeriodForm(forms.Form):
    """`?from=…&to=…`; both default to the last twelve months of the manager's calendar."""

    start = AnyDigitsDateField(label=_("From"))
    end = AnyDigitsDateField(label=_("To"))

    # "from" cannot name a Python attribute; the query string keeps the words people read.
    PARAMETERS = {"start": "from", "end": "to"}

    def __init__(self, data, *, today: date, calendar: str):
        data = data.copy()
        for name, default in (("from", months_back(today, DEFAULT_MONTHS - 1, calendar)), ("to", today)):
            if not data.get(name):
                data[name] = default.isoformat()
        super().__init__(data, label_suffix="")

    def add_prefix(self, field_name):
        return self.PARAMETERS.get(field_name, field_name)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date must be on or after the start date."))
        elif start and end and (end - start).days > MAX_DAYS:
            self.add_error("start", _("Choose a period of at most five years."))
        return cleaned


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
