"""The one form of the chat console: the subject of the ticket a chat becomes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.tickets.models import Ticket

SUBJECT_MAX = Ticket._meta.get_field("subject").max_length


class ConvertForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX,
        error_messages={"required": _("Please write a subject for the ticket.")},
    )
