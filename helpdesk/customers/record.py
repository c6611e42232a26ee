"""Sections of the customer record that other apps add (tickets, chats, ...) without the record importing them.

An app registers a section in its `AppConfig.ready()`; the staff customer page renders every
registered section in order, each from its own template with the context its function returns.
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


_sections: dict[str, RecordSection] = {}


def record_section_register(section: RecordSection) -> None:
    """Add (or replace, by key) a section of the staff customer page."""
    _sections[section.key] = section


def record_sections(customer: Customer) -> list[tuple[str, dict]]:
    """The template and context of each registered section, in order."""
    ordered = sorted(_sections.values(), key=lambda section: (section.order, section.key))
    return [(section.template, section.context(customer) | {"customer": customer}) for section in ordered]
