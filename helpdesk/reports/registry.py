"""Sections other apps add to the SLA report (chats, ...) without the core importing them.

An app registers a section in its `AppConfig.ready()`; the report page renders every section
in order, each from its own template with the context its function returns for the period
(the first instant of the period and the first instant after it, in the shop's time zone).
See helpdesk/core/sections.py.
"""

from datetime import datetime

from helpdesk.core.sections import Section, Sections

ReportSection = Section
_sections = Sections()


def sla_section_register(section: ReportSection) -> None:
    """Add (or replace, by key) a section of the SLA report."""
    _sections.register(section)


def sla_sections(start: datetime, end: datetime) -> list[tuple[str, dict]]:
    """The template and context of each registered section, in order."""
    return _sections.render(start, end)
