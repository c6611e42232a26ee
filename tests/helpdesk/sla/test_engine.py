"""The SLA clocks of one ticket: pauses, reopening, response cycles, breaches, recomputation."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from helpdesk.sla.clock import BusinessCalendar
from helpdesk.sla.engine import Targets, TicketTimeline, sla_evaluate

HOUR = 3600
# Monday to Friday 09–17 UTC; 5 January 2026 is a Monday.
OFFICE = BusinessCalendar(tz=ZoneInfo("UTC"), weekly={day: ((time(9), time(17)),) for day in range(5)})
TARGETS = Targets(first_response=4 * HOUR, next_response=2 * HOUR, resolution=8 * HOUR)


def monday(hour: float, *, days: int = 0) -> datetime:
    return datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=days, hours=hour)


def timeline(statuses=(), customer=(), agent=(), **kwargs) -> TicketTimeline:
    return TicketTimeline(
        created_at=monday(9),
        status_changes=((monday(9), "new"), *statuses),
        customer_messages=(monday(9), *customer),
        agent_replies=tuple(agent),
        **kwargs,
    )


def evaluate(ticket: TicketTimeline, now: datetime, targets: Targets = TARGETS):
    return sla_evaluate(calendar=OFFICE, targets=targets, timeline=ticket, now=now)


def test_new_ticket_runs_every_clock_from_creation():
    state = evaluate(timeline(), now=monday(10))

    assert state.first_response.due_at == monday(13)
    assert state.first_response.business_seconds == HOUR
    assert not state.first_response.paused
    assert state.resolution.due_at == monday(17)
    assert state.next_response is None
    assert state.next_due_at == monday(13)
    assert not state.breached


def test_first_reply_completes_first_response_with_calendar_and_business_time():
    # Opened Monday 16:00, answered Tuesday 10:00: 18 h on the wall clock, 2 business hours.
    ticket = TicketTimeline(
        created_at=monday(16),
        status_changes=((monday(16), "new"), (monday(10, days=1), "open")),
        customer_messages=(monday(16),),
        agent_replies=(monday(10, days=1),),
    )

    first = evaluate(ticket, now=monday(12, days=1)).first_response

    assert first.completed_at == monday(10, days=1)
    assert first.calendar_seconds == 18 * HOUR
    assert first.business_seconds == 2 * HOUR
    assert first.due_at is None
    assert not first.breached


def test_pending_pauses_the_clock_and_open_resumes_it():
    ticket = timeline(statuses=[(monday(10), "pending"), (monday(12), "open")])

    while_pending = evaluate(ticket, now=monday(11)).first_response
    resumed = evaluate(ticket, now=monday(12, days=0) + timedelta(minutes=30)).first_response

    assert while_pending.paused and while_pending.due_at is None
    assert while_pending.business_seconds == HOUR
    # One hour before the pause, 30 minutes since: the 4 h target falls due 2 h 30 after 12:30.
    assert not resumed.paused
    assert resumed.business_seconds == 90 * 60
    assert resumed.due_at == monday(15)


def test_pause_statuses_come_from_the_timeline():
    ticket = timeline(statuses=[(monday(10), "pending"), (monday(12), "open")], paused_statuses=frozenset({"on_hold"}))

    first = evaluate(ticket, now=monday(12)).first_response

    assert first.business_seconds == 3 * HOUR
    assert first.due_at == monday(13)


def test_solving_completes_resolution_and_reopening_resumes_it():
    solved = timeline(statuses=[(monday(10), "open"), (monday(11), "solved")], agent=[monday(10)])
    reopened = timeline(
        statuses=[(monday(10), "open"), (monday(11), "solved"), (monday(14), "open")],
        customer=[monday(14)],
        agent=[monday(10)],
    )

    done = evaluate(solved, now=monday(12)).resolution
    again = evaluate(reopened, now=monday(15)).resolution

    assert done.completed_at == monday(11)
    assert done.calendar_seconds == 2 * HOUR
    assert done.business_seconds == 2 * HOUR
    assert done.due_at is None and not done.paused
    # Time spent solved (11–14) does not count: 2 h before, 1 h since reopening. Of the 5 h left at
    # 15:00, Monday gives 2 h (until 17:00) and Tuesday 3 h from 09:00.
    assert again.completed_at is None
    assert again.business_seconds == 3 * HOUR
    assert again.due_at == monday(12, days=1)


def test_closing_after_solving_keeps_the_moment_it_was_solved():
    ticket = timeline(statuses=[(monday(11), "solved"), (monday(13), "closed")], agent=[monday(10)])

    assert evaluate(ticket, now=monday(16)).resolution.completed_at == monday(11)


def test_solved_without_a_reply_stops_the_first_response_clock():
    ticket = timeline(statuses=[(monday(11), "solved")])

    first = evaluate(ticket, now=monday(16)).first_response

    assert first.paused and first.due_at is None and first.completed_at is None
    assert first.business_seconds == 2 * HOUR


def test_next_response_runs_from_the_oldest_unanswered_customer_message():
    ticket = timeline(
        statuses=[(monday(10), "open")],
        customer=[monday(11), monday(11.5), monday(13)],
        agent=[monday(10), monday(12)],
    )

    state = evaluate(ticket, now=monday(14))
    answered = evaluate(ticket, now=monday(12.5)).next_response

    assert answered.completed_at == monday(12)
    assert answered.calendar_seconds == HOUR  # from 11:00, the oldest message the 12:00 reply answered
    assert state.next_response.completed_at is None
    assert state.next_response.due_at == monday(15)
    assert state.next_response.business_seconds == HOUR
    assert state.next_due_at == monday(15)


def test_next_response_waits_for_a_first_reply():
    ticket = timeline(customer=[monday(9.5), monday(10)])

    assert evaluate(ticket, now=monday(11)).next_response is None


def test_any_breached_cycle_is_remembered():
    ticket = timeline(
        statuses=[(monday(10), "open")],
        customer=[monday(11), monday(15)],
        agent=[monday(10), monday(14), monday(15.5)],  # the 11:00 message waited 3 h, over the 2 h target
    )

    state = evaluate(ticket, now=monday(16))

    assert not state.next_response.breached
    assert state.next_response_breached
    assert state.breached


def test_due_exactly_now_is_not_a_breach_but_a_second_later_is():
    ticket = timeline()

    assert not evaluate(ticket, now=monday(13)).first_response.breached
    late = evaluate(ticket, now=monday(13) + timedelta(seconds=1)).first_response
    assert late.breached
    assert late.due_at == monday(13)


def test_reply_exactly_at_due_meets_the_target_and_later_breaches_it():
    on_time = evaluate(timeline(agent=[monday(13)]), now=monday(16)).first_response
    late = evaluate(timeline(agent=[monday(13) + timedelta(seconds=1)]), now=monday(16)).first_response

    assert on_time.business_seconds == 4 * HOUR and not on_time.breached
    assert late.breached


def test_a_breach_stays_when_the_late_reply_comes_after_hours():
    # Due Monday 17:00 (resolution, 8 h); solved at 19:00: no business time passed after 17:00, but the
    # customer was promised an answer by 17:00, so the breach shown at 18:00 stays.
    ticket = timeline(statuses=[(monday(19), "solved")], agent=[monday(10)])

    assert evaluate(ticket, now=monday(18)).resolution.breached
    resolution = evaluate(ticket, now=monday(20)).resolution
    assert resolution.business_seconds == 8 * HOUR
    assert resolution.breached


def test_pausing_exactly_at_due_is_not_a_breach():
    ticket = timeline(statuses=[(monday(13), "pending")])

    first = evaluate(ticket, now=monday(16)).first_response

    assert first.paused and first.business_seconds == 4 * HOUR
    assert not first.breached


def test_other_targets_give_other_due_times():
    ticket = timeline()
    urgent = Targets(first_response=HOUR, next_response=HOUR, resolution=4 * HOUR)

    assert evaluate(ticket, now=monday(10)).first_response.due_at == monday(13)
    assert evaluate(ticket, now=monday(10), targets=urgent).first_response.due_at == monday(10)


def test_no_target_means_no_clock():
    state = evaluate(
        timeline(), now=monday(10), targets=Targets(first_response=None, next_response=None, resolution=None)
    )

    assert state.first_response is None and state.resolution is None and state.next_response is None
    assert state.next_due_at is None and not state.breached


def test_the_answer_depends_only_on_the_timestamps():
    ticket = timeline(
        statuses=[(monday(10), "open"), (monday(11), "pending"), (monday(13), "open")],
        customer=[monday(12)],
        agent=[monday(10)],
    )

    assert evaluate(ticket, now=monday(14)) == evaluate(ticket, now=monday(14))
    # While nothing happens the due times stay put, however often they are recomputed.
    assert evaluate(ticket, now=monday(14)).next_due_at == evaluate(ticket, now=monday(15)).next_due_at


def test_events_after_now_are_ignored():
    ticket = timeline(statuses=[(monday(12), "pending")], agent=[monday(11)])

    state = evaluate(ticket, now=monday(10))

    assert state.first_response.completed_at is None
    assert not state.first_response.paused


def test_a_calendar_that_is_never_open_gives_no_due_time():
    never = BusinessCalendar(tz=ZoneInfo("UTC"), weekly={})

    state = sla_evaluate(calendar=never, targets=TARGETS, timeline=timeline(), now=monday(10))

    assert state.first_response.due_at is None
    assert state.first_response.business_seconds == 0
    assert not state.breached
