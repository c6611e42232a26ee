"""Customer-facing ticket forms: parse and check input; the services do the writing."""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from helpdesk.core.dates import format_local_date
from helpdesk.customers.models import Customer
from helpdesk.customers.selectors import orders_for_customer
from kb.beacon import SESSION_PATTERN

from .attachments import MAX_FILES
from .errors import TicketError, TicketErrorCode
from .text import SUBJECT_MAX

# Which field a refused service call is about, so the message sits next to it.
ERROR_FIELDS = {
    TicketErrorCode.EMPTY_SUBJECT: "subject",
    TicketErrorCode.EMPTY_BODY: "message",
    TicketErrorCode.BODY_TOO_LONG: "message",
    TicketErrorCode.INVALID_TEXT: "message",
    TicketErrorCode.ORDER_NOT_CUSTOMERS: "order",
    TicketErrorCode.TOO_MANY_ATTACHMENTS: "attachments",
    TicketErrorCode.ATTACHMENT_TOO_LARGE: "attachments",
    TicketErrorCode.ATTACHMENT_TYPE: "attachments",
}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files under one name; the ticket service judges their count, size and type."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        return [single(item, initial) for item in files if item]


def _message_field() -> forms.CharField:
    return forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}))


def _limit_length(field: forms.CharField, limit: int) -> None:
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)


def _attachments_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Attach files (optional)"),
        help_text=ngettext_lazy(
            "Up to %(max)s image, PDF or text file.", "Up to %(max)s images, PDFs or text files.", "max"
        )
        % {"max": MAX_FILES},
    )


class KbSessionField(forms.CharField):
    """The help-centre reading session an article's "Open a ticket" link carried (docs/analytics.md).

    Anything but a well-formed session id is dropped, never shown to the customer as an error.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value) -> str:
        return value if isinstance(value, str) and SESSION_PATTERN.fullmatch(value) else ""


class PortalForm(forms.Form):
    """Shows a refused service call as an ordinary form error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if "message" in self.fields:  # the limit is a setting, read when a form is made
            _limit_length(self.fields["message"], settings.HELPDESK_MESSAGE_MAX_CHARS)

    def add_ticket_error(self, error: TicketError) -> None:
        field = ERROR_FIELDS.get(error.code)
        self.add_error(field if field in self.fields else None, error.message)


class OrderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, order):
        return f"{order.external_id} · {format_local_date(order.placed_at)}"


class TicketForm(PortalForm):
    """A signed-in customer's new ticket; the order picker lists only their own orders."""

    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX, widget=forms.TextInput(attrs={"dir": "auto"}))
    order = OrderChoiceField(
        label=_("Which order is this about? (optional)"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label=_("Not about an order"),
    )
    message = _message_field()
    attachments = _attachments_field()
    kb_session = KbSessionField()

    field_order = ["subject", "order", "message", "attachments"]

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = orders_for_customer(customer=customer).prefetch_related(None)


class TicketRequestForm(PortalForm):
    """A visitor's request; it becomes a ticket once they confirm their address."""

    name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"})
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX, widget=forms.TextInput(attrs={"dir": "auto"}))
    message = _message_field()
    kb_session = KbSessionField()


class ReplyForm(PortalForm):
    message = _message_field()
    attachments = _attachments_field()
