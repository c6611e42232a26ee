"""The rule the faults judge API writes by: stored once when answered 201, never when refused."""

from collections import Counter

from cluster.faults.writes import Write, misplaced


def stored(**counts: dict[str, int]) -> dict[str, Counter]:
    return {kind: Counter(counts.get(kind, {})) for kind in ("ticket", "grant", "redemption", "survey")}


def test_a_write_answered_201_must_be_stored_exactly_once():
    writes = [Write("ticket", "t1", [201]), Write("grant", "g1", [201]), Write("redemption", "r1", [503, 201])]

    assert misplaced(writes, stored(ticket={"t1": 1}, grant={"g1": 1}, redemption={"r1": 1})) == []
    lost = misplaced(writes, stored(ticket={"t1": 1}, grant={}, redemption={"r1": 2}))
    assert lost == ["grant g1: answers [201], stored 0 times", "redemption r1: answers [503, 201], stored 2 times"]


def test_a_refused_write_must_not_be_stored():
    writes = [Write("ticket", "t1", [503]), Write("redemption", "r1", [0, 409])]

    assert misplaced(writes, stored()) == []
    assert misplaced(writes, stored(ticket={"t1": 1}, redemption={"r1": 1})) == [
        "ticket t1: answers [503], stored 1 times",
        "redemption r1: answers [0, 409], stored 1 times",
    ]


def test_a_write_without_an_answer_may_be_stored_once_but_never_twice():
    writes = [Write("ticket", "t1", [0]), Write("redemption", "r1", [0, 503, 0])]

    assert misplaced(writes, stored()) == []
    assert misplaced(writes, stored(ticket={"t1": 1}, redemption={"r1": 1})) == []
    assert misplaced(writes, stored(ticket={"t1": 2})) == ["ticket t1: answers [0], stored 2 times"]


def test_a_survey_answer_accepted_must_be_stored_and_one_never_sent_must_not():
    accepted = Write("survey", "s1", [201, 0, 302])  # the link, a form lost on the way, the form again
    refused = Write("survey", "s2", [201, 503, 429])
    no_link = Write("survey", "ref-3", [503])

    assert misplaced([accepted, refused, no_link], stored(survey={"s1": 1})) == []
    assert misplaced([accepted, refused], stored(survey={"s2": 1})) == [
        "survey s1: answers [201, 0, 302], stored 0 times",
        "survey s2: answers [201, 503, 429], stored 1 times",
    ]
