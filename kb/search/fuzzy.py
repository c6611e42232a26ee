"""Index terms within one or two edits of a word, found fast and in bounded time.

A Levenshtein automaton (Whoosh's) walks each segment's sorted term list and jumps straight
to the next term that could match. Whoosh walks the on-disk term table, one slow lookup per
jump, with no time limit; here each segment's term list is read once into memory (segments
never change, so the copy stays valid until the segment is merged away) and the walk stops
at a deadline or after enough candidates.
"""

import threading
import time
from bisect import bisect_left
from collections import OrderedDict
from functools import lru_cache

from whoosh.automata.lev import levenshtein_automaton

PREFIX = 1  # typos rarely hit the first letter, and requiring it makes the walk far shorter
CACHED_LEXICONS = 64  # (segment, field) term lists kept per process

_lexicons: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
_lock = threading.Lock()


@lru_cache(maxsize=1024)
def _automaton(term: str, edits: int):
    return levenshtein_automaton(term, edits, PREFIX).to_dfa()


def _lexicon(leaf, fieldname: str) -> list[str]:
    key = (leaf.segment().segment_id(), fieldname)
    with _lock:
        if key in _lexicons:
            _lexicons.move_to_end(key)
            return _lexicons[key]
    terms = [btext.decode("utf-8") for btext in leaf.lexicon(fieldname)]
    with _lock:
        _lexicons[key] = terms
        while len(_lexicons) > CACHED_LEXICONS:
            _lexicons.popitem(last=False)
    return terms


def _walk(terms: list[str], automaton, start: str, deadline: float):
    index = bisect_left(terms, start)
    while index < len(terms) and time.monotonic() < deadline:
        match = automaton.next_valid_string(terms[index])
        if not match:
            return
        index = bisect_left(terms, match, index)
        if index < len(terms) and terms[index] == match:
            yield match
            index += 1


def near_terms(reader, fieldname: str, term: str, edits: int, *, deadline: float, limit: int) -> set[str]:
    """Terms of `fieldname` at most `edits` edits from `term` (sharing its first letter)."""
    found: set[str] = set()
    if edits <= 0 or len(term) <= PREFIX:
        return found
    automaton = _automaton(term, edits)
    for leaf, _base in reader.leaf_readers():
        if fieldname not in leaf.indexed_field_names():
            continue
        for match in _walk(_lexicon(leaf, fieldname), automaton, term[:PREFIX], deadline):
            found.add(match)
            if len(found) >= limit:
                return found
    return found
