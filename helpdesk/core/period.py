"""The period a manager picks for a report: `?from=…&to=…` in any digit system or calendar."""

import re
from datetime import date

import jdatetime
from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.core.dates import months_back
from helpdesk.core.digits import ascii_digits

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


class PeriodForm(forms.Form):
    """`?from=…&to=…`; both default to the last `default_months` months of the manager's calendar."""

    start = AnyDigitsDateField(label=_("From"))
    end = AnyDigitsDateField(label=_("To"))

    # "from" cannot name a Python attribute; the query string keeps the words people read.
    PARAMETERS = {"start": "from", "end": "to"}

    def __init__(self, data, *, today: date, calendar: str, default_months: int = DEFAULT_MONTHS):
        data = data.copy()
        for name, default in (("from", months_back(today, default_months - 1, calendar)), ("to", today)):
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
