from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class StaffSignInForm(AuthenticationForm):
    """Email and password, with the words and autocomplete hints a password manager expects."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That email and password do not match a staff account. Check both and try again."),
    }

    def __init__(self, request=None, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "username", "autofocus": True, "dir": "ltr", "maxlength": 254}
        )
        self.fields["password"].label = _("Password")


class StaffPreferencesForm(forms.Form):
    preferred_language = forms.ChoiceField(
        label=_("Language of emails to me"),
        choices=[("", _("The site’s default")), *settings.LANGUAGES],
        required=False,
    )
    sla_alert_emails = forms.BooleanField(
        label=_("Email me SLA alerts"),
        help_text=_(
            "Besides the alert in the inbox, send an email when one of my tickets is about to breach or breaches."
        ),
        required=False,
    )
    ticket_emails = forms.BooleanField(
        label=_("Email me customers’ replies"),
        help_text=_(
            "When a customer writes on a ticket assigned to me, email me their message; "
            "I can answer by replying to that email."
        ),
        required=False,
    )
