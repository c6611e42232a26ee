"""The SLA report's raw figures per group, read without a row per ticket in Python where the database can help.

Two queries, whatever the number of tickets: the figures, then the agents' names. On PostgreSQL
the database does the work in one pass over `GROUPING SETS` (all tickets, and each of priority,
agent, channel and language): the counts (tickets, and per target the breached and the timed), and
the medians and 90th percentiles of the business durations with `percentile_disc`, which is the
nearest-rank rule of docs/reports.md (the first value whose rank reaches ⌈p × n⌉; nulls ignored).

SQLite has no `percentile_disc`, and its grouping sorts on disk, so there one plain row per ticket
(its four groups, its two durations and its verdicts as one number, no datetime to parse) is
gathered per combination here, then ranked with the same rule.

A ticket "had" a target when it breached it or its policy sets it; the few policies that set each
target are looked up once in a subquery, rather than joined to every ticket.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable

from helpdesk.sla.models import SlaPolicy

TARGETS = ("first_response", "next_response", "resolution")
DIMENSIONS = ("priority", "assignee_id", "channel", "locale")
TOTAL = ("", None)  # the group of every ticket
DURATIONS = ("first_response_business_seconds", "resolution_business_seconds")
SHARES = (50, 90)

Group = tuple[str, object]  # (dimension, value), or TOTAL


def percentile(values: Iterable[int], share: int) -> int | None:
    """The nearest-rank percentile: the smallest value with at least `share` % of values at or below it."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(math.ceil(share * len(ordered) / 100), 1) - 1]


@dataclass
class GroupCounts:
    tickets: int = 0
    breached: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TARGETS, 0))
    timed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TARGETS, 0))


Percentiles = dict[Group, dict[str, tuple[int | None, int | None]]]  # duration -> (median, p90)
Agents = dict[int, tuple[str, str, str]]  # assignee id -> first name, last name, email


def group_figures(tickets: QuerySet) -> tuple[dict[Group, GroupCounts], Percentiles, Agents]:
    """Counts and percentiles per group, and the agents' names. Two queries."""
    figures = figures_in_database if connection.vendor == "postgresql" else figures_in_python
    counts, ranked = figures(tickets)
    ids = [value for dimension, value in counts if dimension == "assignee_id" and value is not None]
    users = get_user_model().objects.filter(pk__in=ids).values_list("pk", "first_name", "last_name", "email")
    return counts, ranked, {pk: (first, last, email) for pk, first, last, email in users}


def timed(target: str) -> Q:
    """A ticket had `target`: it breached it, or its policy sets it."""
    with_target = SlaPolicy.objects.filter(**{f"{target}_minutes__isnull": False}).values("pk")
    return Q(**{f"{target}_breached": True}) | Q(sla_policy__in=with_target)


def _flags() -> Combinable:
    """Each target's breached (bits 0-2) and timed (bits 3-5) verdicts of a ticket as one small number."""

    def bit(condition: Q, value: int) -> Case:
        return Case(When(condition, then=Value(value)), default=Value(0), output_field=IntegerField())

    flags = Value(0, output_field=IntegerField())
    for index, target in enumerate(TARGETS):
        flags += bit(Q(**{f"{target}_breached": True}), 1 << index)
        flags += bit(timed(target), 8 << index)
    return flags


def figures_in_python(tickets: QuerySet) -> tuple[dict[Group, GroupCounts], Percentiles]:
    """Counts and percentiles from one row per ticket, gathered per combination of the four dimensions first."""
    query = tickets.annotate(verdicts=_flags()).values_list(*DIMENSIONS, *DURATIONS, "verdicts").order_by()
    combinations: dict[tuple, tuple[list[int], list[int], list[int]]] = {}
    with connection.cursor() as cursor:  # plain columns: no converter to run on each value
        cursor.execute(*query.query.sql_with_params())
        for row in cursor.fetchall():
            key = row[:4]
            lists = combinations.get(key)
            if lists is None:
                lists = combinations[key] = ([], [], [])
            if row[4] is not None:
                lists[0].append(row[4])
            if row[5] is not None:
                lists[1].append(row[5])
            lists[2].append(row[6])
    counts: dict[Group, GroupCounts] = defaultdict(GroupCounts)
    gathered: dict[Group, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for key, (first, solved, verdicts) in combinations.items():
        first.sort()  # a group's values are then sorted runs, which sorting merges quickly
        solved.sort()
        tally = Counter(verdicts)
        for group in [TOTAL, *zip(DIMENSIONS, key, strict=True)]:
            gathered[group][0].extend(first)
            gathered[group][1].extend(solved)
            _add_verdicts(counts[group], tally)
    ranked = {
        group: {duration: _ranks(sorted(values)) for duration, values in zip(DURATIONS, lists, strict=True)}
        for group, lists in gathered.items()
    }
    return counts, ranked


def _add_verdicts(counts: GroupCounts, tally: Counter) -> None:
    for verdicts, tickets in tally.items():
        counts.tickets += tickets
        for index, target in enumerate(TARGETS):
            counts.breached[target] += tickets if verdicts & (1 << index) else 0
            counts.timed[target] += tickets if verdicts & (8 << index) else 0


def _ranks(ordered: list[int]) -> tuple[int | None, int | None]:
    if not ordered:
        return None, None
    median, p90 = (ordered[max(math.ceil(share * len(ordered) / 100), 1) - 1] for share in SHARES)
    return median, p90


def figures_in_database(tickets: QuerySet) -> tuple[dict[Group, GroupCounts], Percentiles]:
    """Counts and `percentile_disc` per grouping set, in one pass on PostgreSQL."""
    query = tickets.annotate(verdicts=_flags()).values(*DIMENSIONS, *DURATIONS, "verdicts").order_by()
    period_sql, params = query.query.sql_with_params()
    columns = ", ".join(f'"{dimension}"' for dimension in DIMENSIONS)
    bits = ", ".join(f'SUM(("verdicts" >> {bit}) & 1)' for bit in range(2 * len(TARGETS)))
    shares = ", ".join(f"{share / 100}::float8" for share in SHARES)
    ranked = ", ".join(f'percentile_disc(ARRAY[{shares}]) WITHIN GROUP (ORDER BY "{name}")' for name in DURATIONS)
    sets = ", ".join(["()", *(f'("{dimension}")' for dimension in DIMENSIONS)])
    sql = (
        f"SELECT {columns}, GROUPING({columns}), COUNT(*), {bits}, {ranked} "  # noqa: S608 (names and numbers of this module)
        f"FROM ({period_sql}) AS period GROUP BY GROUPING SETS ({sets})"
    )
    counts: dict[Group, GroupCounts] = defaultdict(GroupCounts)
    found: Percentiles = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            values, (grouping, tickets_in), verdicts = row[:4], row[4:6], row[6 : 6 + 2 * len(TARGETS)]
            if not tickets_in:  # the row of all tickets, when the period has none
                continue
            group = _grouping_set(grouping, list(values))
            counts[group] = GroupCounts(
                tickets=tickets_in,
                breached={target: int(verdicts[index]) for index, target in enumerate(TARGETS)},
                timed={target: int(verdicts[len(TARGETS) + index]) for index, target in enumerate(TARGETS)},
            )
            first, solved = row[-2:]
            found[group] = {DURATIONS[0]: _pair(first), DURATIONS[1]: _pair(solved)}
    return counts, found


def _grouping_set(grouping: int, values: list) -> Group:
    """The group of a GROUPING SETS row: GROUPING() has a bit set for each dimension left out."""
    for index, dimension in enumerate(DIMENSIONS):
        if not grouping & (1 << (len(DIMENSIONS) - 1 - index)):
            return dimension, values[index]
    return TOTAL


def _pair(ranked: list | None) -> tuple[int | None, int | None]:
    return (ranked[0], ranked[1]) if ranked else (None, None)
