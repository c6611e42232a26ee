"""Forms for granting credit and deciding on requests: they parse input, the services write."""

from datetime import datetime, time

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.core.digits import ascii_digits

from .models import CreditLimit, CreditReason
from .money import KNOWN_CURRENCIES

TEXT_MAX = settings.HELPDESK_CREDIT_TEXT_MAX_CHARS


def currency_choices(customer) -> list[tuple[str, str]]:
    """The currencies the customer already holds, then those limits are set in; at least the default."""
    held = list(customer.credit_accounts.values_list("currency", flat=True))
    limited = list(CreditLimit.objects.values_list("currency", flat=True).distinct())
    codes = dict.fromkeys([*held, *sorted(limited), settings.HELPDESK_CREDIT_DEFAULT_CURRENCY])
    return [(code, code) for code in codes if code in KNOWN_CURRENCIES]


class GrantForm(forms.Form):
    amount = forms.CharField(label=_("Amount"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    currency = forms.ChoiceField(label=_("Currency"))
    reason = forms.ModelChoiceField(label=_("Reason"), queryset=CreditReason.objects.filter(active=True))
    expires_on = forms.DateField(
        label=_("Use by (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    message = forms.CharField(
        label=_("Message to the customer (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent with the email that tells them about the credit."),
    )
    note = forms.CharField(
        label=_("Internal note (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, customer, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices(customer)

    def clean_amount(self):
        return ascii_digits(self.cleaned_data["amount"]).replace("٫", ".").replace(",", ".").strip()

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day is None:
            return None
        end_of_day = timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
        if end_of_day <= timezone.now():
            raise forms.ValidationError(_("The expiry date must be in the future."))
        return end_of_day


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
