"""The SLA report's raw figures per group, read without a row per ticket in Python where the database can help.

Two queries, whatever the number of tickets. On PostgreSQL the database does the work:

- the counts (tickets, and per target the breached and the timed) grouped by every combination of
  priority, agent, channel and language (a few hundred rows at most, with the agents' names),
  folded into each group here;
- the medians and 90th percentiles of the business durations with `percentile_disc` over
  `GROUPING SETS`, which is the nearest-rank rule of docs/reports.md (the first value whose rank
  reaches ⌈p × n⌉; nulls ignored).

SQLite has no `percentile_disc`, and its grouping sorts on disk, so there one plain row per ticket
(its four groups, its two durations and its verdicts as one number, no datetime to parse) is
gathered per combination here, then ranked with the same rule; the agents' names come second.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable

TARGETS = ("first_response", "next_response", "resolution")
DIMENSIONS = ("priority", "assignee_id", "channel", "locale")
TOTAL = ("", None)  # the group of every ticket
DURATIONS = ("first_response_business_seconds", "resolution_business_seconds")
SHARES = (50, 90)
AGENT_FIELDS = ("assignee__first_name", "assignee__last_name", "assignee__email")

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


def _groups_of(row: dict) -> list[Group]:
    return [TOTAL, *((dimension, row[dimension]) for dimension in DIMENSIONS)]


def group_counts(tickets: QuerySet) -> tuple[dict[Group, GroupCounts], dict[int, tuple[str, str, str]]]:
    """Counts per group, and each assignee's first name, last name and email. One query."""
    breached = {target: Q(**{f"{target}_breached": True}) for target in TARGETS}
    sums = {"count_tickets": Count("pk")}  # names apart from the fields the filters read
    for target in TARGETS:
        sums[f"count_{target}_breached"] = Count("pk", filter=breached[target])
        timed = breached[target] | Q(**{f"sla_policy__{target}_minutes__isnull": False})
        sums[f"count_{target}_timed"] = Count("pk", filter=timed)
    rows = tickets.values(*DIMENSIONS, *AGENT_FIELDS).annotate(**sums).order_by()
    counts: dict[Group, GroupCounts] = defaultdict(GroupCounts)
    agents = {}
    for row in rows:
        if row["assignee_id"] is not None:
            agents[row["assignee_id"]] = tuple(row[name] for name in AGENT_FIELDS)
        for group in _groups_of(row):
            found = counts[group]
            found.tickets += row["count_tickets"]
            for target in TARGETS:
                found.breached[target] += row[f"count_{target}_breached"]
                found.timed[target] += row[f"count_{target}_timed"]
    return counts, agents


Percentiles = dict[Group, dict[str, tuple[int | None, int | None]]]  # duration -> (median, p90)
Agents = dict[int, tuple[str, str, str]]  # assignee id -> first name, last name, email


def group_figures(tickets: QuerySet) -> tuple[dict[Group, GroupCounts], Percentiles, Agents]:
    """Counts and percentiles per group, and the agents' names. Two queries."""
    if connection.vendor == "postgresql":
        counts, agents = group_counts(tickets)
        return counts, percentiles_in_database(tickets), agents
    counts, ranked = figures_in_python(tickets)
    ids = [value for dimension, value in counts if dimension == "assignee_id" and value is not None]
    users = get_user_model().objects.filter(pk__in=ids).values_list("pk", "first_name", "last_name", "email")
    return counts, ranked, {pk: (first, last, email) for pk, first, last, email in users}


def _flags() -> Combinable:
    """Each target's breached (bits 0-2) and timed (bits 3-5) verdicts of a ticket as one small number."""

    def bit(condition: Q, value: int) -> Case:
        return Case(When(condition, then=Value(value)), default=Value(0), output_field=IntegerField())

    flags = Value(0, output_field=IntegerField())
    for index, target in enumerate(TARGETS):
        breached = Q(**{f"{target}_breached": True})
        flags += bit(breached, 1 << index)
        flags += bit(breached | Q(**{f"sla_policy__{target}_minutes__isnull": False}), 8 << index)
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


def percentiles_in_database(tickets: QuerySet) -> Percentiles:
    """`percentile_disc` per grouping set, on PostgreSQL."""
    period_sql, params = tickets.values(*DIMENSIONS, *DURATIONS).order_by().query.sql_with_params()
    columns = ", ".join(f'"{dimension}"' for dimension in DIMENSIONS)
    shares = ", ".join(f"{share / 100}::float8" for share in SHARES)
    ranked = ", ".join(f'percentile_disc(ARRAY[{shares}]) WITHIN GROUP (ORDER BY "{name}")' for name in DURATIONS)
    sets = ", ".join(["()", *(f'("{dimension}")' for dimension in DIMENSIONS)])
    sql = (
        f"SELECT {columns}, GROUPING({columns}), {ranked} "  # noqa: S608 (names and numbers of this module)
        f"FROM ({period_sql}) AS period GROUP BY GROUPING SETS ({sets})"
    )
    found: Percentiles = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for *values, grouping, first, solved in cursor.fetchall():
            group = _grouping_set(grouping, values)
            found[group] = {DURATIONS[0]: _pair(first), DURATIONS[1]: _pair(solved)}
    return found


def _grouping_set(grouping: int, values: list) -> Group:
    """The group of a GROUPING SETS row: GROUPING() has a bit set for each dimension left out."""
    for index, dimension in enumerate(DIMENSIONS):
        if not grouping & (1 << (len(DIMENSIONS) - 1 - index)):
            return dimension, values[index]
    return TOTAL


def _pair(ranked: list | None) -> tuple[int | None, int | None]:
    return (ranked[0], ranked[1]) if ranked else (None, None)
