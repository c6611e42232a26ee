"""Sections of the customer record that other apps add (tickets, chats, ...) without the record importing them.

An app registers a section in its `AppConfig.ready()`; the staff customer page (place `staff`)
or the customer's own account page (place `portal`) renders every section registered for it in
order, each from its own template with the context its function returns (see helpdesk/core/sections.py).
"""

from dataclasses import dataclass

from helpdesk.core.sections import Section, Sections

from .models import Customer

_sections = Sections()


@dataclass(frozen=True)
class RecordSection(Section):
    place: str = "staff"


def record_section_register(section: RecordSection) -> None:
    """Add (or replace, by place and key) a section of a customer page."""
    _sections.register(section)


def record_sections(customer: Customer, *, place: str = "staff") -> list[tuple[str, dict]]:
    """The template and context of each section registered for `place`, in order."""
    return [
        (template, context | {"customer": customer}) for template, context in _sections.render(customer, place=place)
    ]
