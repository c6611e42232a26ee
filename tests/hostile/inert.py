"""The hostile suite's eyes: is this HTML inert, this bidi text isolated, this email one-headed, this CSV defused.

HTML is read with an HTML parser, never grepped: a payload counts as live when the parser finds an
element or attribute a browser would run, wherever in the page it came from.
"""

import csv
import io
import re
from email import message_from_bytes, policy

from bs4 import BeautifulSoup, NavigableString
from bs4.element import Comment, Doctype
from django.conf import settings

from helpdesk.core.csvfile import FORMULA_START

URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data"})
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
_URL_NOISE = re.compile(r"[\x00-\x20]+")

# Embeddings, overrides and isolates reorder the text after them; marks (LRM, RLM) only nudge neutrals.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
ISOLATING = frozenset({"bdi", "input", "textarea", "select", "option", "title", "script", "style"})
BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "html", "li",
        "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip


def _soup(html: str | bytes) -> BeautifulSoup:
    return BeautifulSoup(html.decode() if isinstance(html, bytes) else html, "html.parser")


def _own_script(tag) -> bool:
    """The product's scripts: JSON data islands and files of its own (static, or a path of the site)."""
    if tag.get("type") == "application/json":
        return True
    source = tag.get("src") or ""
    own = source.startswith(settings.STATIC_URL) or (source.startswith("/") and not source.startswith("//"))
    return own and not tag.get_text(strip=True)


def _script_url(value: str) -> bool:
    return _URL_NOISE.sub("", value).lower().startswith(SCRIPT_SCHEMES)


def live_code(html: str | bytes) -> list[str]:
    """What a browser would run in `html`: inline or foreign scripts, event handlers, script URLs."""
    found = []
    for tag in _soup(html).find_all(True):
        if tag.name == "script" and not _own_script(tag):
            found.append(str(tag)[:120])
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else value
            handler = name.lower().startswith("on")
            if handler or (name.lower() in URL_ATTRIBUTES and _script_url(text)):
                found.append(f"<{tag.name} {name}={text!r}>")
    return found


def assert_inert(html: str | bytes, *payloads: str, where: str = "") -> None:
    """Nothing in `html` runs, and no payload's markup reached it unescaped."""
    text = html.decode() if isinstance(html, bytes) else html
    assert live_code(text) == [], where
    for payload in payloads:
        if "<" in payload:
            assert payload not in text, f"{payload!r} is in the {where or 'page'} as markup"


def visible_text(html: str | bytes) -> str:
    """The page's text as a reader sees it (entities decoded, tags gone)."""
    return _soup(html).get_text()


def _isolated(text: NavigableString, alone: set[str]) -> bool:
    """Inside <bdi> or an element with `dir` (the product marks user-written text so), or alone in its block."""
    alone_in_block = None
    for node in text.parents:
        if node.name in ("html", "body"):
            break
        if node.name in ISOLATING or node.has_attr("dir"):
            return True
        if node.name in BLOCKS and alone_in_block is None:
            # A block holding nothing but the user's text has no neighbours for it to reorder.
            alone_in_block = node.get_text(strip=True) in alone
    return bool(alone_in_block)


def unisolated_bidi(html: str | bytes, *user_texts: str) -> list[str]:
    """Text holding a bidi override or isolate that could reorder the page's own words around it.

    `user_texts` are the values as written: a block that holds one of them and nothing else is fine.
    """
    alone = {text.strip() for text in user_texts}
    found = []
    for text in _soup(html).find_all(string=BIDI_CONTROLS):
        if isinstance(text, Comment | Doctype) or _isolated(text, alone):
            continue
        found.append(f"<{text.parent.name}>{text.strip()!r}")
    return found


def email_headers(message) -> dict[str, str]:
    """An outgoing email's headers as a mail server reads them, from the bytes Django would send."""
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    return {name: str(value) for name, value in parsed.items()}


def assert_email_safe(message, *payloads: str) -> None:
    """One subject line, one recipient and no copies, and an HTML part in which nothing runs."""
    headers = email_headers(message)
    assert "\n" not in message.subject and "\r" not in message.subject
    assert len(message.recipients()) == 1 and not {"Bcc", "Cc"} & set(headers)
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            assert_inert(content, *payloads, where=f"email {message.subject!r}")
            assert unisolated_bidi(content) == []


def csv_rows(response) -> list[list[str]]:
    """A CSV download's rows, as a spreadsheet reads them."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run as a formula."""
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]
