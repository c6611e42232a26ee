"""Turn an email's HTML into plain text: the words, line breaks and links, never markup.

Quoted history in a `blockquote` becomes `>`-quoted lines, so the one quote trimmer in quotes.py
handles HTML and plain-text mail alike. The text then goes
through the one sanitiser like anything else a customer writes.
"""

import re

from bs4 import BeautifulSoup, NavigableString
from bs4.element import PreformattedString

BLOCKS = {
    "address", "article", "aside", "div", "dl", "dt", "dd", "fieldset", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "tr", "ul",
}  # fmt: skip
DROPPED = ("head", "script", "style", "template", "title")
_BLANK_RUNS = re.compile(r"\n{3,}")
_SPACES = re.compile(r"\s+")


def _quote(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in text.strip("\n").split("\n"))


def _text(node) -> str:
    if isinstance(node, PreformattedString):  # comments, doctypes, CDATA
        return ""
    if isinstance(node, NavigableString):
        return _SPACES.sub(" ", str(node))
    name = node.name
    if name in DROPPED:
        return ""
    if name == "br":
        return "\n"
    inner = "".join(_text(child) for child in node.children)
    if name == "blockquote":
        return "\n" + _quote(inner) + "\n"
    if name == "a" and node.get("href", "").startswith(("http://", "https://")) and node["href"] not in inner:
        return f"{inner} ({node['href']})"
    if name in ("td", "th"):
        return inner + " "
    if name in BLOCKS:
        return "\n" + inner.strip(" ") + "\n"
    return inner


def html_to_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    lines = [" ".join(line.split()) if not line.startswith(">") else line.rstrip() for line in _text(soup).split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
