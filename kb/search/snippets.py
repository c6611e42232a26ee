"""Plain-text snippets with the offsets of the words that matched; no HTML leaves the engine."""

SNIPPET_CHARS = 220
ELLIPSIS = "…"


def _best_window(matches: list[tuple[int, int, str]], width: int) -> tuple[int, int]:
    """The span of at most `width` characters holding the most distinct matched terms."""
    best, best_range, first = (-1, -1), (0, 0), 0
    for last in range(len(matches)):
        while matches[last][1] - matches[first][0] > width:
            first += 1
        window = matches[first : last + 1]
        key = (len({term for _s, _e, term in window}), len(window))
        if key > best:
            best, best_range = key, (matches[first][0], matches[last][1])
    return best_range


def _cut(text: str, start: int, end: int, width: int) -> tuple[int, int]:
    """Widen [start, end) to about `width` characters, ending on word boundaries."""
    spare = max(0, width - (end - start))
    start = max(0, start - spare // 3)
    end = min(len(text), max(end, start + width))
    if start > 0:
        space = text.find(" ", start, start + 30)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", end - 30, end)
        end = space if space > start else end
    return start, end


def _excerpt(text: str, matches, width: int) -> tuple[str, tuple[tuple[int, int], ...]]:
    if matches:
        start, end = _cut(text, *_best_window(matches, width), width)
    else:
        start, end = _cut(text, 0, 0, width)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    return prefix + text[start:end] + suffix, _merged(
        (s + shift, e + shift) for s, e, _t in matches if s >= start and e <= end
    )


def _merged(ranges) -> tuple[tuple[int, int], ...]:
    """Sorted, non-overlapping ranges (an analyser may give one word several terms)."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


Span = tuple[int, int, str]  # start, end, matched term


def snippet(
    *, summary: str, body: str, in_summary: list[Span], in_body: list[Span], width: int = SNIPPET_CHARS
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The passage that best shows why the article matched, and where the matched words are in it."""
    in_summary, in_body = sorted(in_summary), sorted(in_body)
    summary_terms = {term for _s, _e, term in in_summary}
    body_terms = {term for _s, _e, term in in_body}
    if (in_summary and len(summary_terms) >= len(body_terms)) or not body:
        return _excerpt(summary, in_summary, width)
    if in_body or not summary:
        return _excerpt(body, in_body, width)
    return _excerpt(summary, in_summary, width)
