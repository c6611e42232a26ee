"""The chats' part of the managers' reports: first response in business time against the chat policy
(the SLA report), and chat ratings in the surveys' satisfaction reports."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, Sum

from helpdesk.reports.sla import percentile
from helpdesk.tickets.models import Channel
from surveys.reports import SATISFIED_MIN

from .metrics import chat_metrics_many, chats_started_between, untimed
from .models import Conversation, ConversationStatus


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
    """The figures for the chats opened in [start, end). Three queries, and the chat policy's.

    The chats' stored first-response figures are counted in the database; only the chats without
    them (still waiting, or answered or missed before they were stored) are timed one by one.
    """
    chats = chats_started_between(start, end)
    answered = Q(first_response_business_seconds__isnull=False)
    stored = answered | Q(unanswered_business_seconds__isnull=False)  # a verdict stored, whatever it is
    counts = chats.aggregate(
        chats=Count("pk"),
        human=Count("pk", filter=Q(accepted_at__isnull=False)),
        missed=Count(
            "pk", filter=Q(accepted_at__isnull=True, queued_at__isnull=False, status=ConversationStatus.ENDED)
        ),
        breached=Count("pk", filter=stored & Q(first_response_breached=True)),
        judged=Count("pk", filter=stored & Q(first_response_breached__isnull=False)),
    )
    waits = list(chats.filter(answered).values_list("first_response_business_seconds", flat=True).order_by())
    for metrics in chat_metrics_many(untimed(chats)):
        if metrics.first_response_business_seconds is not None:
            waits.append(metrics.first_response_business_seconds)
        if metrics.first_response_breached is not None:
            counts["judged"] += 1
            counts["breached"] += metrics.first_response_breached
    return ChatSlaFigures(
        answered=len(waits),
        first_response_median=percentile(waits, 50),
        first_response_p90=percentile(waits, 90),
        **counts,
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
