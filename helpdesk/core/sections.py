"""Sections of a page that other apps add (chats on the SLA report, tickets on a customer record, ...).

The page's app keeps one `Sections` registry and never imports the apps that fill it: each
app registers its sections in its `AppConfig.ready()`, and the page renders, in order, every
section registered for its place, each from its own template with the context its function
returns for the page's arguments.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: Callable[..., dict]
    order: int = 100
    place: str = ""


class Sections:
    def __init__(self):
        self._sections: dict[tuple[str, str], Section] = {}

    def register(self, section: Section) -> None:
        """Add (or replace, by place and key) a section."""
        self._sections[(section.place, section.key)] = section

    def render(self, *args, place: str = "") -> list[tuple[str, dict]]:
        """The template and context of each section registered for `place`, in order."""
        here = sorted(
            (section for section in self._sections.values() if section.place == place),
            key=lambda section: (section.order, section.key),
        )
        return [(section.template, section.context(*args)) for section in here]
