"""Sections of the customer record that other apps add (tickets, chats, ...) without the record importing them.

An app registers a section in its `AppConfig.ready()`; the staff customer page (place `staff`)
or the customer's own account page (place `portal`) renders every section registered for it in
order, each from its own template with the context its function returns.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import Customer


@dataclass(frozen=True)
class RecordSection:
    key: str
    template: str
    context: Callable[[Customer], dict]
    order: int = 100
    place: str = "staff"


_sections: dict[tuple[str, str], RecordSection] = {}


def record_section_register(section: RecordSection) -> None:
    """Add (or replace, by place and key) a section of a customer page."""
    _sections[(section.place, section.key)] = section


def record_sections(customer: Customer, *, place: str = "staff") -> list[tuple[str, dict]]:
    """The template and context of each section registered for `place`, in order."""
    here = [section for section in _sections.values() if section.place == place]
    ordered = sorted(here, key=lambda section: (section.order, section.key))
    return [(section.template, section.context(customer) | {"customer": customer}) for section in ordered]
