"""Which breaching tickets the drill-down lists."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpdesk.sla.choices import Channel, Priority

from .sla import TARGETS

UNASSIGNED = "none"


class BreachFilterForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Target"),
        required=False,
        choices=[
            ("", _("Any target")),
            (TARGETS[0], _("First response")),
            (TARGETS[1], _("Next response")),
            (TARGETS[2], _("Resolution")),
        ],
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=[("", _("Any")), *Priority.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any")), *Channel.choices])
    locale = forms.ChoiceField(label=_("Language"), required=False, choices=[("", _("Any")), *settings.LANGUAGES])
    agent = forms.RegexField(label=_("Agent"), required=False, regex=rf"^(\d+|{UNASSIGNED})$", widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def filters(self) -> dict:
        """The keyword arguments of sla.breaching_tickets for the valid form."""
        data = self.cleaned_data
        agent = data["agent"]
        assignee = None if agent == UNASSIGNED else (int(agent) if agent else "")
        return {
            "target": data["target"],
            "priority": data["priority"],
            "channel": data["channel"],
            "locale": data["locale"],
            "assignee_id": assignee,
        }

    def query(self) -> dict:
        """The filters as they were given, to carry into page links."""
        return {name: value for name in self.fields if (value := self.data.get(name))}
