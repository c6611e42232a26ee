"""The chats' part of the SLA report: first response in business time against the chat policy."""

from dataclasses import dataclass
from datetime import datetime

from helpdesk.reports.sla import percentile

from .metrics import Handling, chat_metrics_many, chats_started_between


@dataclass(frozen=True)
class ChatSlaFigures:
    chats: int
    answered: int  # chats a person answered, the ones with a first response time
    first_response_median: int | None
    first_response_p90: int | None
    breached: int
    judged: int  # chats with a target and a verdict (answered, or unanswered past the target)
    human: int
    missed: int

    @property
    def breach_percent(self) -> float | None:
        return round(100 * self.breached / self.judged, 1) if self.judged else None


def chat_sla_figures(start: datetime, end: datetime) -> ChatSlaFigures:
    """The figures for the chats opened in [start, end)."""
    metrics = chat_metrics_many(chats_started_between(start, end))
    waits = [m.first_response_business_seconds for m in metrics if m.first_response_business_seconds is not None]
    verdicts = [m.first_response_breached for m in metrics if m.first_response_breached is not None]
    return ChatSlaFigures(
        chats=len(metrics),
        answered=len(waits),
        first_response_median=percentile(waits, 50),
        first_response_p90=percentile(waits, 90),
        breached=sum(verdicts),
        judged=len(verdicts),
        human=sum(1 for m in metrics if m.handled == Handling.HUMAN),
        missed=sum(1 for m in metrics if m.handled == Handling.MISSED),
    )


def chat_sla_context(start: datetime, end: datetime) -> dict:
    return {"chat_figures": chat_sla_figures(start, end)}
