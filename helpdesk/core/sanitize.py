"""The one sanitiser for HTML and Markdown that users, editors and importers write.

Markdown is rendered with markdown-it-py and every HTML fragment goes through nh3 (ammonia)
with one allowlist: no script, no event handlers, no styles, no `javascript:`/`data:` URLs.
A last pass gives external links `rel="nofollow noopener"` and drops anchors without a URL.
"""

import html
import re
import unicodedata
from functools import cache
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
# Dropped with everything inside them, not just unwrapped.
REMOVED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "noscript",
        "noembed",
        "noframes",
        "template",
        "title",
        "textarea",
        "select",
        "svg",
        "math",
        "xmp",
        "head",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "bdi": {"dir"},
    "p": {"dir"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
EXTERNAL_LINK_REL = "nofollow noopener"
_DIRECTIONS = {"ltr", "rtl", "auto"}
_VOID = {"br", "hr", "img", "wbr"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLOCK_TAGS = {"p", "li", "br", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "hr", "ul", "ol", "table"}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "dir":
        return value.lower() if value.lower() in _DIRECTIONS else None
    if attribute in {"width", "height", "colspan", "rowspan", "start"}:
        return value if value.isdigit() and len(value) <= 4 else None
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        link_rel=None,
        url_schemes=set(URL_SCHEMES),
    )


@cache
def markdown_parser(*, allow_html: bool = True) -> MarkdownIt:
    """Return a shared Markdown parser: CommonMark with tables and strikethrough.

    Raw HTML is parsed (and then sanitised) by default; with `allow_html=False` it stays text.
    """
    return MarkdownIt("commonmark", {"html": allow_html}).enable(["table", "strikethrough"])


def is_external_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://", "//"))


class _LinkPolicy(HTMLParser):
    """Re-serialise nh3's output, adding rel to external links and dropping empty anchors/images."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open_anchors: list[bool] = []

    def _start(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == "a":
            keep = bool(values.get("href"))
            self.open_anchors.append(keep)
            if not keep:
                return
            if is_external_url(values["href"]):
                values["rel"] = EXTERNAL_LINK_REL
        elif tag == "img":
            if not values.get("src"):
                return
            values["loading"] = "lazy"
        rendered = "".join(f' {name}="{html.escape(value)}"' for name, value in values.items())
        self.out.append(f"<{tag}{rendered}>")

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs)
        if tag == "a" and self.open_anchors.pop():
            self.out.append("</a>")

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if tag == "a" and not (self.open_anchors.pop() if self.open_anchors else False):
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(html.escape(data, quote=False))


def clean_html(fragment: str) -> str:
    """Return `fragment` with only the allowlisted tags, attributes and URL schemes left."""
    if not fragment:
        return ""
    policy = _LinkPolicy()
    policy.feed(_cleaner().clean(_CONTROL.sub("", fragment)))
    policy.close()
    return "".join(policy.out).strip()


def strip_controls(value: str) -> str:
    """Return `value` without control characters (NUL included); tabs and line breaks stay."""
    return _CONTROL.sub("", value)


def render_markdown(text: str) -> str:
    """Render Markdown to safe HTML (raw HTML inside it is sanitised, never trusted)."""
    return clean_html(markdown_parser().render(text or ""))


def plain_text(value: str, *, max_length: int | None = None) -> str:
    """Return `value` as plain text: tags and control characters removed, NFC, trimmed."""
    text = html.unescape(
        nh3.clean(_CONTROL.sub("", value or ""), tags=set(), clean_content_tags=set(REMOVED_WITH_CONTENT))
    )
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text)).strip()
    return text[:max_length] if max_length else text


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "img":
            self.parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Flatten sanitised HTML to plain text, one line per block (for search and snippets)."""
    extractor = _TextExtractor()
    extractor.feed(clean_html(fragment))
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).splitlines())
    return "\n".join(line for line in lines if line)
