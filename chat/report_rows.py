"""The chats' part of the managers' reports: first response in business time against the chat policy
(the SLA report), and chat ratings in the surveys' satisfaction reports."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, Sum

from helpdesk.reports.sla import percentile
from helpdesk.tickets.models import Channel
from surveys.reports import SATISFIED_MIN

from .metrics import Handling, chat_metrics_many, chats_started_between
from .models import Conversation


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


def chat_rating_rows(first: datetime, after: datetime) -> list[dict]:
    """Chats rated in [first, after) for the survey CSAT reports, per agent who had the chat. One query."""
    rows = (
        Conversation.objects.filter(rated_at__gte=first, rated_at__lt=after, rating__isnull=False)
        .values("assignee", "assignee__first_name", "assignee__last_name", "assignee__email")
        .annotate(
            ratings=Count("id"),
            points=Sum("rating"),
            satisfied=Count("id", filter=Q(rating__gte=SATISFIED_MIN)),
        )
        .order_by()
    )
    return [
        {
            "kind": "chat",
            "channel": Channel.CHAT,
            "agent": row["assignee"],
            "agent__first_name": row["assignee__first_name"],
            "agent__last_name": row["assignee__last_name"],
            "agent__email": row["assignee__email"],
            **{name: row[name] for name in ("ratings", "points", "satisfied")},
        }
        for row in rows
    ]
