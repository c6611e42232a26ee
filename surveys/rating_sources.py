"""Ratings other apps collect (a chat's rating after it ends, ...) that count in the satisfaction reports.

An app registers a source in its `AppConfig.ready()`; surveys never imports it. A source is a
function of the period `[first, after)` returning rows grouped like the survey answers: `kind`
(the source's name), `agent`, `agent__first_name`, `agent__last_name`, `agent__email`,
`channel`, and the counts `ratings`, `points` (the 1–5 ratings added up) and `satisfied`
(rated 4 or more; on the good-or-bad scale good is stored as 5 and bad as 1).
"""

from collections.abc import Callable, Iterable
from datetime import datetime

RatingRows = Callable[[datetime, datetime], Iterable[dict]]
_sources: dict[str, RatingRows] = {}


def rating_source_register(name: str, rows: RatingRows) -> None:
    """Add (or replace, by name) a source of ratings for the CSAT reports."""
    _sources[name] = rows


def rating_rows(first: datetime, after: datetime) -> list[dict]:
    """Every registered source's rows for the period."""
    return [row for name in sorted(_sources) for row in _sources[name](first, after)]
