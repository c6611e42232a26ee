"""Sanitised HTML -> Markdown, written so that rendering it again gives back the same HTML.

Input is the sanitiser's output (helpdesk/core/sanitize.py): a small, well-formed set of tags.
What Markdown cannot say exactly (a table, `<kbd>`, emphasis next to punctuation) is written as
inline or block HTML, which the importer sanitises again into the same thing.
"""

import html
import re
from html.parser import HTMLParser

from helpdesk.core.sanitize import render_markdown

_VOID = {"br", "hr", "img", "wbr"}
_BLOCK = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr", "table"}
_MARKDOWN_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "hr"}
_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_LINE_MARKER = re.compile(r"^(\s*)([#+=-])")
_LINE_NUMBER = re.compile(r"^(\s*\d{1,9})([.)])")


class Node:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag, self.attrs, self.children = tag, attrs, []


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(fragment: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(fragment)
    builder.close()
    return builder.root


def _is_block(node) -> bool:
    return isinstance(node, Node) and node.tag in _BLOCK


def _text_of(node) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text_of(child) for child in node.children)


def _start_tag(node: Node) -> str:
    attrs = "".join(f' {name}="{html.escape(value)}"' for name, value in node.attrs.items())
    return f"<{node.tag}{attrs}>"


def raw_html(node) -> str:
    """Serialise a node exactly as the sanitiser would."""
    if isinstance(node, str):
        return html.escape(node, quote=False)
    if node.tag in _VOID:
        return _start_tag(node)
    return _start_tag(node) + "".join(raw_html(child) for child in node.children) + f"</{node.tag}>"


def _escape_text(text: str) -> str:
    return _ENTITY_LIKE.sub(r"\\&", _SPECIAL.sub(r"\\\1", text))


def _escape_line_start(line: str) -> str:
    """Escape what would turn a line into a heading, list item or setext underline."""
    return _LINE_NUMBER.sub(r"\1\\\2", _LINE_MARKER.sub(r"\1\\\2", line))


def _escape_url(url: str) -> str:
    url = _ENTITY_LIKE.sub(r"\\&", url)
    if not url or re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def _escape_title(title: str) -> str:
    return '"' + _ENTITY_LIKE.sub(r"\\&", title.replace("\\", "\\\\").replace('"', '\\"')) + '"'


class _Inline:
    """Serialise inline nodes, escaping text and watching for the start of a line."""

    def __init__(self, pretty: bool):
        self.out: list[str] = []
        self.after_break = False
        self.pretty = pretty

    def inline(self, children) -> str:
        nested = _Inline(self.pretty)
        for child in children:
            nested.node(child)
        return "".join(nested.out)

    @property
    def at_line_start(self) -> bool:
        for part in reversed(self.out):
            if part:
                return part.endswith("\n")
        return True

    def text(self, data: str):
        if self.after_break and data.startswith("\n"):
            data = data[1:]
        self.after_break = False
        lines = data.split("\n")
        escaped = []
        for number, line in enumerate(lines):
            if number < len(lines) - 1:
                line = line.rstrip(" ")
            line = _escape_text(line)
            if number > 0 or self.at_line_start:
                line = _escape_line_start(line)
            escaped.append(line)
        self.out.append("\n".join(escaped))

    def wrapped(self, node: Node, marker: str):
        inner = self.inline(node.children)
        previous = "".join(self.out)[-1:]
        if self.pretty and inner and not (inner[0].isspace() or inner[-1].isspace()) and previous != marker[0]:
            self.out.append(f"{marker}{inner}{marker}")
        else:
            self.out.append(f"{_start_tag(node)}{inner}</{node.tag}>")

    def code(self, node: Node):
        content = _text_of(node)
        if content and "`" not in content and "\n" not in content and content.strip() == content:
            self.out.append(f"`{content}`")
        else:
            self.out.append("<code>" + _escape_text(content) + "</code>")

    def link(self, node: Node):
        title = node.attrs.get("title")
        destination = _escape_url(node.attrs.get("href", "")) + (f" {_escape_title(title)}" if title else "")
        self.out.append(f"[{self.inline(node.children)}]({destination})")

    def image(self, node: Node):
        title = node.attrs.get("title")
        alt = _SPECIAL.sub(r"\\\1", node.attrs.get("alt", "").replace("\n", " "))
        destination = _escape_url(node.attrs.get("src", "")) + (f" {_escape_title(title)}" if title else "")
        self.out.append(f"![{alt}]({destination})")

    def node(self, node):
        if isinstance(node, str):
            self.text(node)
            return
        self.after_break = False
        if node.tag in {"strong", "b"}:
            self.wrapped(node, "**")
        elif node.tag in {"em", "i"}:
            self.wrapped(node, "*")
        elif node.tag == "s":
            self.wrapped(node, "~~")
        elif node.tag == "code":
            self.code(node)
        elif node.tag == "a":
            self.link(node)
        elif node.tag == "img":
            self.image(node)
        elif node.tag == "br":
            self.out.append("\\\n")
            self.after_break = True
        elif node.tag in _VOID:
            self.out.append(_start_tag(node))
        else:
            self.out.append(f"{_start_tag(node)}{self.inline(node.children)}</{node.tag}>")


def render_inline(children) -> str:
    """Markdown for inline content: `**bold**` where that reads back the same, else `<strong>`."""
    pretty = _Inline(pretty=True).inline(children)
    expected = "<p>" + "".join(raw_html(child) for child in children).strip() + "</p>"
    if render_markdown(pretty.strip()) == expected or not pretty.strip():
        return pretty
    return _Inline(pretty=False).inline(children)


def _indent(text: str, width: int) -> str:
    pad = " " * width
    return "\n".join(pad + line if line else "" for line in text.split("\n"))


def _list(node: Node, alternate: bool) -> str:
    items = [child for child in node.children if isinstance(child, Node) and child.tag == "li"]
    loose = any(isinstance(grand, Node) and grand.tag == "p" for item in items for grand in item.children)
    start = int(node.attrs.get("start") or 1) if node.tag == "ol" else 1
    rendered = []
    for number, item in enumerate(items, start=start):
        marker = (f"{number}{')' if alternate else '.'} ") if node.tag == "ol" else ("* " if alternate else "- ")
        body = render_blocks(item.children, tight=not loose)
        rendered.append((marker + _indent(body, len(marker))[len(marker) :]).rstrip() if body else marker.rstrip())
    return ("\n\n" if loose else "\n").join(rendered)


def _fence(node: Node) -> str:
    content = _text_of(node)
    if not content.endswith("\n"):
        content += "\n"
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{content}{fence}"


def _block(node: Node, alternate: bool) -> str:
    tag = node.tag
    if tag == "p":
        return render_inline(node.children).strip()
    if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
        text = render_inline(node.children).replace("\\\n", " ").replace("\n", " ").strip()
        return "#" * int(tag[1]) + " " + text.replace("#", "\\#")
    if tag in {"ul", "ol"}:
        return _list(node, alternate=alternate)
    if tag == "blockquote":
        inner = render_blocks(node.children)
        return "\n".join("> " + line if line else ">" for line in inner.split("\n"))
    if tag == "pre":
        return _fence(node)
    if tag == "hr":
        return "***"
    return raw_html(node)


def render_blocks(children, *, tight: bool = False) -> str:
    parts: list[tuple[str, bool]] = []  # (markdown, is raw HTML that only a blank line ends)
    run: list = []
    previous, alternate = None, False

    def flush_run():
        raw = "".join(raw_html(node) for node in run).strip()
        # Inline content outside a paragraph can only have come from raw HTML: keep it as that.
        if raw and not tight and render_markdown(raw) == raw:
            parts.append((raw, True))
        elif text := render_inline(run).strip():
            parts.append((text, False))
        run.clear()

    for child in children:
        if _is_block(child):
            flush_run()
            # Two lists of one kind in a row only stay apart when their markers differ.
            alternate = previous is not None and previous.tag == child.tag and not alternate
            parts.append((_block(child, alternate), child.tag not in _MARKDOWN_BLOCKS))
            previous = child
        elif not (isinstance(child, str) and not child.strip() and not run):
            run.append(child)
    flush_run()
    out, previous_raw = "", False
    for index, (text, raw) in enumerate(part for part in parts if part[0]):
        if index:
            out += "\n" if tight and not previous_raw else "\n\n"
        out += text
        previous_raw = raw
    return out


def html_to_markdown(fragment: str, *, tight: bool = False) -> str:
    """Return Markdown for a sanitised HTML fragment."""
    return render_blocks(parse(fragment or "").children, tight=tight)
