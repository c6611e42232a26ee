"""The SLA clocks of one ticket, derived from its timestamps alone (docs/sla.md has the rules)."""

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .clock import BusinessCalendar, add_business_seconds, business_seconds

PAUSE_DEFAULT = frozenset({"pending", "on_hold"})
# A solved or closed ticket stops every clock; resolution is then complete.
STOPPED = frozenset({"solved", "closed"})
ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Targets:
    """Business seconds allowed for each measurement; None means no target."""

    first_response: int | None
    next_response: int | None
    resolution: int | None


@dataclass(frozen=True)
class TicketTimeline:
    """The timestamps a ticket's clocks are derived from; status changes start with the initial status."""

    created_at: datetime
    status_changes: tuple[tuple[datetime, str], ...]
    customer_messages: tuple[datetime, ...]
    agent_replies: tuple[datetime, ...]
    paused_statuses: frozenset[str] = PAUSE_DEFAULT


@dataclass(frozen=True)
class TargetState:
    target_seconds: int
    due_at: datetime | None
    paused: bool
    completed_at: datetime | None
    breached: bool
    calendar_seconds: int | None
    business_seconds: int


@dataclass(frozen=True)
class SlaState:
    first_response: TargetState | None
    next_response: TargetState | None
    next_response_breached: bool
    resolution: TargetState | None

    @property
    def next_due_at(self) -> datetime | None:
        """Return the earliest due time among the running, unpaused targets."""
        due = [state.due_at for state in self._states() if state.due_at is not None]
        return min(due, default=None)

    @property
    def breached(self) -> bool:
        """Tell whether any target has been breached."""
        return self.next_response_breached or any(state.breached for state in self._states())

    def _states(self) -> list[TargetState]:
        return [state for state in (self.first_response, self.next_response, self.resolution) if state]


@dataclass(frozen=True)
class _Clock:
    """What every measurement of one ticket shares: the calendar, the active stretches and now."""

    calendar: BusinessCalendar
    active: tuple[tuple[datetime, datetime], ...]  # stretches in a status where clocks run, up to now
    running_now: bool  # whether the ticket is in such a status at `now`
    now: datetime

    def measure(self, *, target: int, start: datetime, stop: datetime | None) -> TargetState:
        """Measure one target from start until stop (completed) or now (still running)."""
        end = self.now if stop is None else stop
        spent, deadline, overdue = 0, None, False
        for lo, hi in self.active:
            lo, hi = max(lo, start), min(hi, end)
            if hi <= lo:
                continue
            part = business_seconds(self.calendar, lo, hi)
            if deadline is None and spent + part >= target:
                deadline = self._add(lo, target - spent)
            if deadline is not None and hi > deadline:
                overdue = True
            spent += part
        running = stop is None and self.running_now
        if running and deadline is None:
            deadline = self._add(self.now, target - spent)
        return TargetState(
            target_seconds=target,
            due_at=deadline if running else None,
            paused=stop is None and not self.running_now,
            completed_at=stop,
            breached=overdue,
            calendar_seconds=None if stop is None else (stop - start) // ONE_SECOND,
            business_seconds=spent,
        )

    def _add(self, start: datetime, seconds: int) -> datetime | None:
        try:
            return add_business_seconds(self.calendar, start, seconds)
        except ValueError:  # a calendar that is never open has no due time; an admin sees it has no hours
            return None


def _statuses(timeline: TicketTimeline, now: datetime) -> list[tuple[datetime, str]]:
    changes = sorted((change for change in timeline.status_changes if change[0] <= now), key=lambda c: c[0])
    if not changes or changes[0][0] > timeline.created_at:
        changes.insert(0, (timeline.created_at, "new"))
    return [(max(at, timeline.created_at), status) for at, status in changes]


def _active_stretches(
    statuses: list[tuple[datetime, str]], stopped: frozenset[str], now: datetime
) -> tuple[tuple[datetime, datetime], ...]:
    bounds = [at for at, _status in statuses[1:]] + [now]
    stretches = zip(statuses, bounds, strict=True)
    return tuple((at, until) for (at, status), until in stretches if status not in stopped and until > at)


def _resolved_at(statuses: list[tuple[datetime, str]]) -> datetime | None:
    resolved_at = None
    for at, status in reversed(statuses):
        if status not in STOPPED:
            break
        resolved_at = at
    return resolved_at


def _response_cycles(timeline: TicketTimeline, now: datetime) -> list[tuple[datetime, datetime | None]]:
    """Return (start, answered at) for each next-response cycle: from the oldest unanswered customer message."""
    replies = sorted(at for at in timeline.agent_replies if timeline.created_at <= at <= now)
    messages = sorted(at for at in timeline.customer_messages if at <= now)
    cycles: list[tuple[datetime, datetime | None]] = []
    for index, reply in enumerate(replies):
        answered = replies[index + 1] if index + 1 < len(replies) else None
        position = bisect_right(messages, reply)
        if position < len(messages) and (answered is None or messages[position] <= answered):
            cycles.append((messages[position], answered))
    return cycles


def _next_response(clock: _Clock, target: int | None, cycles: Sequence) -> tuple[TargetState | None, bool]:
    if target is None or not cycles:
        return None, False
    states = [clock.measure(target=target, start=start, stop=answered) for start, answered in cycles]
    return states[-1], any(state.breached for state in states)


def sla_evaluate(*, calendar: BusinessCalendar, targets: Targets, timeline: TicketTimeline, now: datetime) -> SlaState:
    """Work out every SLA clock of a ticket at `now` from its timeline."""
    statuses = _statuses(timeline, now)
    stopped = timeline.paused_statuses | STOPPED
    clock = _Clock(
        calendar=calendar,
        active=_active_stretches(statuses, stopped, now),
        running_now=statuses[-1][1] not in stopped,
        now=now,
    )
    first_reply = min((at for at in timeline.agent_replies if timeline.created_at <= at <= now), default=None)
    first = None
    if targets.first_response is not None:
        first = clock.measure(target=targets.first_response, start=timeline.created_at, stop=first_reply)
    resolution = None
    if targets.resolution is not None:
        resolution = clock.measure(target=targets.resolution, start=timeline.created_at, stop=_resolved_at(statuses))
    next_response, next_breached = _next_response(clock, targets.next_response, _response_cycles(timeline, now))
    return SlaState(
        first_response=first,
        next_response=next_response,
        next_response_breached=next_breached,
        resolution=resolution,
    )
