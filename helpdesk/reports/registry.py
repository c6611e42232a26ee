"""Sections other apps add to the SLA report (chats, ...) without the core importing them.

An app registers a section in its `AppConfig.ready()`; the report page renders every section
in order, each from its own template with the context its function returns for the period
(the first instant of the period and the first instant after it, in the shop's time zone).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ReportSection:
    key: str
    template: str
    context: Callable[[datetime, datetime], dict]
    order: int = 100


_sections: dict[str, ReportSection] = {}


def sla_section_register(section: ReportSection) -> None:
    """Add (or replace, by key) a section of the SLA report."""
    _sections[section.key] = section


def sla_sections(start: datetime, end: datetime) -> list[tuple[str, dict]]:
    """The template and context of each registered section, in order."""
    ordered = sorted(_sections.values(), key=lambda section: (section.order, section.key))
    return [(section.template, section.context(start, end)) for section in ordered]
