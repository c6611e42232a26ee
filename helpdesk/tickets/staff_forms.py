"""Forms for the agent inbox and the staff ticket page: they parse input, the services write."""

import re
from dataclasses import fields as dataclass_fields

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk.core.digits import ascii_digits
from helpdesk.core.widgets import QuickSelect
from helpdesk.orders.models import Order

from .models import Channel, Macro, Priority, Status, Tag, Team, Ticket
from .selectors import InboxFilters, InboxView

# Every input accepts Persian (۰-۹) and Arabic-Indic (٠-٩) digits as well as ASCII ones.
MAX_BULK = 100
TAG_MAX = Tag._meta.get_field("name").max_length
_TAG = re.compile(r"^[-\w]+\Z")

VIEW_LABELS = {
    InboxView.MINE: _("Mine"),
    InboxView.UNASSIGNED: _("Unassigned"),
    InboxView.DUE_SOON: _("Due within an hour"),
    InboxView.BREACHED: _("Breached"),
    InboxView.PENDING: _("Pending"),
    InboxView.OPEN: _("All open"),
}
# What an agent may set by hand: "new" only ever comes from the customer.
SETTABLE_STATUSES = [(value, label) for value, label in Status.choices if value != Status.NEW]


def ticket_number(value: str) -> int | None:
    """Read "#123", "123" or "۱۲۳" as a ticket number."""
    text = ascii_digits(value).strip().lstrip("#").strip()
    return int(text) if text.isdecimal() and len(text) < 19 else None  # isdigit() also says yes to "²"


def tag_names(value: str) -> list[str]:
    """Split "refund, late delivery" into tag names; raise ValidationError for names that cannot be tags."""
    names = []
    for raw in re.split(r"[,،\n]+", value or ""):
        # ZWNJ joins Persian words but is not a slug character; the tag reads the same without it.
        name = "-".join(raw.replace("\u200c", "").strip().lstrip("#").lower().split())
        if not name:
            continue
        if len(name) > TAG_MAX or not _TAG.match(name):
            raise ValidationError(
                _("“%(tag)s” cannot be a tag: use letters, digits, hyphens and underscores, at most %(max)s."),
                params={"tag": raw.strip(), "max": TAG_MAX},
            )
        if name not in names:
            names.append(name)
    return names


def agent_label(user) -> str:
    return user.get_full_name() or user.email


def assignee_choices(agents, *, me=None) -> list[tuple[str, str]]:
    choices = [("none", pgettext_lazy("assignee", "Nobody"))]
    if me is not None:
        choices.insert(0, ("me", _("Me")))
    return choices + [(str(agent.pk), agent_label(agent)) for agent in agents]


def assignee_resolve(value: str, *, me, agents):
    """Return the user "me", "none" or an agent's id stands for; raise ValidationError for anything else."""
    if value == "me":
        return me
    if value in ("", "none"):
        return None
    by_id = {str(agent.pk): agent for agent in agents}
    if value in by_id:
        return by_id[value]
    raise ValidationError(_("Choose one of the agents in the list."))


def _blank(label, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class InboxFilterForm(forms.Form):
    """The inbox's plain GET form; a value that is not valid is reported and left out of the filter."""

    view = forms.ChoiceField(
        choices=[(view.value, label) for view, label in VIEW_LABELS.items()], required=False, widget=forms.HiddenInput
    )
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=_blank(_("Any status"), Status.choices), required=False, widget=QuickSelect
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=_blank(_("Any priority"), Priority.choices), required=False, widget=QuickSelect
    )
    assignee = forms.CharField(
        label=_("Assignee"),
        required=False,
        widget=QuickSelect,
        validators=[RegexValidator(r"^(none|\d{1,18})\Z", _("Choose one of the agents in the list."))],
    )
    team = forms.CharField(
        label=_("Team"),
        required=False,
        widget=QuickSelect,
        validators=[RegexValidator(r"^\d{1,18}\Z", _("Choose one of the teams in the list."))],
    )
    tag = forms.CharField(label=_("Tag"), max_length=TAG_MAX, required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=_blank(_("Any channel"), Channel.choices), required=False, widget=QuickSelect
    )
    locale = forms.ChoiceField(
        label=_("Language"), choices=_blank(_("Any language"), settings.LANGUAGES), required=False, widget=QuickSelect
    )

    def __init__(self, data, *, agents=(), teams=()):
        super().__init__(data)
        self.fields["assignee"].widget.choices = _blank(_("Anyone"), assignee_choices(agents))
        self.fields["team"].widget.choices = _blank(_("Any team"), [(str(team.pk), team.name) for team in teams])

    def clean_tag(self):
        names = tag_names(self.cleaned_data["tag"])
        return names[0] if names else ""

    def selected_view(self) -> InboxView:
        return InboxView(self.cleaned_data.get("view") or InboxView.MINE)

    def filters(self) -> InboxFilters:
        """The filters from the fields that are valid."""
        names = [field.name for field in dataclass_fields(InboxFilters)]
        return InboxFilters(**{name: self.cleaned_data.get(name) or "" for name in names})

    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in ("status", "priority", "assignee", "team", "tag", "channel"))


class BulkAction(models.TextChoices):
    ASSIGN = "assign", _("Assign")
    STATUS = "status", _("Set status")
    TAG = "tag", _("Add tag")


class TicketIdsField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        ids = [ticket_number(str(item)) for item in (value or [])]
        if not ids:
            raise ValidationError(_("Select at least one ticket."))
        if None in ids or len(ids) > MAX_BULK:
            raise ValidationError(_("Select up to %(max)s tickets from the list."), params={"max": MAX_BULK})
        return sorted(set(ids))


class BulkForm(forms.Form):
    tickets = TicketIdsField()
    action = forms.ChoiceField(choices=BulkAction.choices)
    assignee = forms.CharField(label=_("Assign to"), required=False, widget=forms.Select)
    status = forms.ChoiceField(label=_("Status"), choices=_blank("", SETTABLE_STATUSES), required=False)
    tag = forms.CharField(label=_("Tag"), max_length=200, required=False)

    def __init__(self, *args, user, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.agents = user, agents
        self.fields["assignee"].widget.choices = assignee_choices(agents, me=user)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == BulkAction.ASSIGN:
            data["value"] = assignee_resolve(data.get("assignee", ""), me=self.user, agents=self.agents)
        elif action == BulkAction.STATUS:
            if not data.get("status"):
                raise ValidationError(_("Choose the status to set."))
            data["value"] = data["status"]
        elif action == BulkAction.TAG:
            data["value"] = tag_names(data.get("tag", ""))
            if not data["value"]:
                raise ValidationError(_("Write the tag to add."))
        return data


class BodyForm(forms.Form):
    """A reply or a note; emptiness and length are judged by the service, which says why."""

    body = forms.CharField(label=_("Message"), required=False, strip=False, widget=forms.Textarea)


class ReplyForm(BodyForm):
    status = forms.ChoiceField(
        label=_("Submit as"), choices=_blank(_("Open (default)"), SETTABLE_STATUSES), required=False
    )


class AssignForm(forms.Form):
    assignee = forms.CharField(label=_("Assignee"), required=False)

    def __init__(self, *args, user, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.agents = user, agents

    def clean_assignee(self):
        return assignee_resolve(self.cleaned_data["assignee"], me=self.user, agents=self.agents)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=SETTABLE_STATUSES)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class TeamForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)


class TagsForm(forms.Form):
    add = forms.CharField(label=_("Add tags"), max_length=500, required=False)
    remove = forms.MultipleChoiceField(label=_("Remove tags"), required=False)

    def __init__(self, *args, current=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [(name, name) for name in current]

    def clean_add(self):
        return tag_names(self.cleaned_data["add"])


class OrderForm(forms.Form):
    order = forms.CharField(label=_("Order number"), max_length=100, required=False)

    def clean_order(self):
        number = ascii_digits(self.cleaned_data["order"]).strip()
        if not number:
            return None
        order = Order.objects.filter(external_id=number).first()
        if order is None:
            raise ValidationError(_("There is no order with that number."))
        return order


class MergeForm(forms.Form):
    target = forms.CharField(label=_("Merge into ticket number"), max_length=30)

    def clean_target(self):
        number = ticket_number(self.cleaned_data["target"])
        target = Ticket.objects.filter(pk=number).first() if number else None
        if target is None:
            raise ValidationError(_("There is no ticket with that number."))
        return target


class MacroForm(BodyForm):
    macro = forms.ModelChoiceField(
        label=_("Macro"),
        queryset=Macro.objects.filter(active=True).prefetch_related("texts", "add_tags"),
        error_messages={"invalid_choice": _("Choose one of the macros in the list.")},
    )
