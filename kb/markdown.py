"""Markdown <-> article body blocks, for kb_import and kb_export (kb/FORMAT.md).

Import splits the Markdown into the body's blocks: `#`/`##` headings become heading blocks,
`###` sub-headings too, top-level numbered lists become steps, GitHub-style alerts
(`> [!TIP]`, `> [!WARNING]`, `> [!NOTE]`) become callouts, and everything in between becomes
a paragraph block of sanitised HTML. Export writes the same blocks back as Markdown that
imports to exactly the same blocks, so import -> export -> import changes nothing.

Blocks are handled in their stored (JSON) form: `{"type": ..., "value": ...}`.
"""

import re
from collections.abc import Callable

from helpdesk.core.sanitize import clean_html, html_to_text, markdown_parser, render_markdown

from .markdown_html import html_to_markdown

CALLOUT_MARKERS = {"TIP": "tip", "WARNING": "warning", "CAUTION": "warning", "NOTE": "note", "IMPORTANT": "note"}
CALLOUT_EXPORT = {"tip": "TIP", "warning": "WARNING", "note": "NOTE"}
_ALERT = re.compile(r"^<p>\[!(" + "|".join(CALLOUT_MARKERS) + r")\]\s*", re.IGNORECASE)
_SINGLE_PARAGRAPH = re.compile(r"^<p>((?:(?!</?p[ >]).)*)</p>$", re.DOTALL)
_HEADING_TAGS = {"h1": "h2", "h2": "h2", "h3": "h3"}
CANONICAL_PASSES = 4


def _render(tokens) -> str:
    parser = markdown_parser()
    return parser.renderer.render(tokens, parser.options, {})


def _closing(tokens, start: int) -> int:
    """Return the index of the token closing the level-0 container opened at `start`."""
    opener = tokens[start]
    closer = opener.type.replace("_open", "_close")
    for index in range(start + 1, len(tokens)):
        if tokens[index].type == closer and tokens[index].level == opener.level:
            return index
    return len(tokens) - 1


def _step_html(tokens) -> str:
    html = clean_html(_render(tokens))
    single = _SINGLE_PARAGRAPH.match(html)
    return single.group(1).strip() if single else html


def _steps(tokens) -> list[str]:
    items, start = [], None
    for index, token in enumerate(tokens):
        if token.type == "list_item_open" and token.level == 1:
            start = index + 1
        elif token.type == "list_item_close" and token.level == 1 and start is not None:
            items.append(_step_html(tokens[start:index]))
            start = None
    return items


def _callout(tokens) -> dict | None:
    html = clean_html(_render(tokens))
    marker = _ALERT.match(html)
    if not marker:
        return None
    text = re.sub(r"^<p>\s*</p>\s*", "", "<p>" + html[marker.end() :]).strip()
    return {"kind": CALLOUT_MARKERS[marker.group(1).upper()], "text": text}


def markdown_to_blocks(text: str) -> list[dict]:
    """Split Markdown into body blocks (heading, paragraph, steps, callout), all HTML sanitised.

    The blocks are stored in their canonical form: written back as Markdown and read again
    until nothing changes, so raw HTML in the source (`a<br>b`, a stray `<table>`) is settled
    the way an export writes it, and import -> export -> import changes nothing. Raw HTML
    too broken to settle (`<b><b>` around a list) is kept as visible text instead.
    """
    return _canonical(
        lambda allow_html: _parse_blocks(text, allow_html=allow_html),
        lambda blocks: _parse_blocks(blocks_to_markdown(blocks)),
    )


def _canonical(first, round_trip):
    """Repeat `round_trip` from `first(allow_html)` until it changes nothing.

    Raw HTML is allowed on the first try and treated as text on the second, for input that
    never settles; the last value is returned if neither settles.
    """
    for allow_html in (True, False):
        value = first(allow_html)
        for _attempt in range(CANONICAL_PASSES):
            again = round_trip(value)
            if again == value:
                return value
            value = again
    return value


def _parse_blocks(text: str, *, allow_html: bool = True) -> list[dict]:
    tokens = markdown_parser(allow_html=allow_html).parse(text or "")
    blocks: list[dict] = []
    pending: list = []

    def flush():
        html = clean_html(_render(pending))
        if html_to_text(html) or "<img" in html:
            blocks.append({"type": "paragraph", "value": html})
        pending.clear()

    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = _closing(tokens, index) if token.level == 0 and token.nesting == 1 else index
        if token.level == 0 and token.type == "heading_open" and token.tag in _HEADING_TAGS:
            heading = html_to_text(_render(tokens[index + 1 : end])).replace("\n", " ")
            if heading:
                flush()
                blocks.append({"type": "heading", "value": {"text": heading, "level": _HEADING_TAGS[token.tag]}})
        elif token.level == 0 and token.type == "ordered_list_open":
            flush()
            blocks.append({"type": "steps", "value": _steps(tokens[index + 1 : end])})
        elif token.level == 0 and token.type == "blockquote_open" and (callout := _callout(tokens[index + 1 : end])):
            flush()
            blocks.append({"type": "callout", "value": callout})
        else:
            pending.extend(tokens[index : end + 1])
        index = end + 1
    flush()
    return blocks


def _escape_heading(text: str) -> str:
    return html_to_markdown(f"<p>{_html_escape(text)}</p>").replace("#", "\\#")


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _indent(text: str, width: int) -> str:
    pad = " " * width
    return "\n".join(pad + line if line else "" for line in text.split("\n"))


def _steps_markdown(items: list, delimiter: str) -> str:
    htmls = [item["value"] if isinstance(item, dict) else item for item in items]
    loose = any("<p>" in html or "<p " in html for html in htmls)
    lines = []
    for number, html in enumerate(htmls, start=1):
        marker = f"{number}{delimiter} "
        body = html_to_markdown(html, tight=not loose) or ""
        lines.append(marker + _indent(body, len(marker))[len(marker) :])
    return ("\n\n" if loose else "\n").join(lines)


def _callout_markdown(value: dict) -> str:
    body = html_to_markdown(value.get("text") or "")
    marker = "> [!" + CALLOUT_EXPORT.get(value.get("kind"), "NOTE") + "]"
    quoted = "\n".join("> " + line if line else ">" for line in body.split("\n")) if body else ""
    return marker + ("\n" + quoted if quoted else "")


def blocks_to_markdown(blocks: list[dict], *, image_markdown: Callable[[dict], str] | None = None) -> str:
    """Write body blocks back as Markdown that `markdown_to_blocks` turns into the same blocks."""
    parts: list[str] = []
    last_type, alternate = None, False
    for block in blocks:
        kind, value = block["type"], block["value"]
        if kind == "heading":
            hashes = "###" if value.get("level") == "h3" else "##"
            parts.append(f"{hashes} {_escape_heading(value.get('text', ''))}")
        elif kind == "paragraph":
            parts.append(html_to_markdown(value))
        elif kind == "steps":
            # Two lists in a row only stay apart when their delimiters differ.
            alternate = last_type == "steps" and not alternate
            parts.append(_steps_markdown(value, ")" if alternate else "."))
        elif kind == "callout":
            parts.append(_callout_markdown(value))
        elif kind == "image" and image_markdown:
            parts.append(image_markdown(value))
        elif kind == "video" and value:
            parts.append(f"<{value}>")
        else:
            continue
        last_type = kind
    return "\n\n".join(part for part in parts if part).strip() + "\n"


def markdown_to_html(text: str) -> str:
    """Render Markdown to sanitised HTML in canonical form (what an export reads back identically)."""
    return _canonical(
        lambda allow_html: clean_html(markdown_parser(allow_html=allow_html).render(text or "")),
        lambda html: render_markdown(html_to_markdown(html)),
    )
