"""QuickSelect and ChoiceLabels give what Django's own Select and get_FOO_display give, only faster."""

import re

import pytest
from django import forms
from django.utils import translation

from helpdesk.core.widgets import QuickSelect
from helpdesk.orders.models import Order
from helpdesk.tickets.models import Channel, Message, Priority, Status, Ticket

CHOICES = [
    ("", "Any <status>"),
    ("a", "Ünïcode & more"),
    ("b", 'Quote "b"'),
    ("Group", [("g1", "First"), ("g2", "Second")]),
    (3, "Three"),
]


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", ["", "a", "g2", "3", None, "missing", ["a", "g1"]])
@pytest.mark.parametrize("multiple", [False, True])
def test_quick_select_renders_what_django_select_renders(value, multiple):
    django_widget = (forms.SelectMultiple if multiple else forms.Select)(
        attrs={"id": "f", "class": "x", "data-on": True, "hidden": False}, choices=CHOICES
    )
    quick = QuickSelect(attrs={"id": "f", "class": "x", "data-on": True, "hidden": False}, choices=CHOICES)
    quick.allow_multiple_selected = multiple
    expected = _normalised(django_widget.render("field", value))
    assert _normalised(quick.render("field", value)) == expected
    assert "&lt;status&gt;" in expected  # labels escaped
    assert ("selected" in expected) == (value != "missing" and not (value is None and multiple))


def test_quick_select_in_a_bound_form_marks_the_choice_and_escapes_labels():
    class Form(forms.Form):
        pick = forms.ChoiceField(choices=[("1", "<b>one</b>"), ("2", "two")], widget=QuickSelect)

    html = str(Form({"pick": "2"})["pick"])
    assert '<option value="2" selected>two</option>' in html
    assert "&lt;b&gt;one&lt;/b&gt;" in html
    assert html.startswith('<select name="pick" id="id_pick">')


@pytest.mark.parametrize("language", ["en", "fa", "ar"])
def test_choice_labels_match_django_in_every_language(language):
    ticket = Ticket(status=Status.ON_HOLD, priority=Priority.URGENT, channel=Channel.EMAIL, locale="fa")
    with translation.override(language):
        assert ticket.get_status_display() == str(Status.ON_HOLD.label)
        assert ticket.get_priority_display() == str(Priority.URGENT.label)
        assert ticket.get_channel_display() == str(Channel.EMAIL.label)
        assert ticket.get_locale_display() == str(dict(Ticket._meta.get_field("locale").flatchoices)["fa"])
        assert Message(channel=Channel.CHAT).get_channel_display() == str(Channel.CHAT.label)
    if language == "fa":
        with translation.override("fa"):
            assert ticket.get_status_display() != "On hold"


def test_choice_labels_give_back_an_unknown_value_as_it_is():
    assert Ticket(status="archived").get_status_display() == "archived"
    assert Order(status="").get_status_display() == ""
