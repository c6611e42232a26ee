"""Markdown <-> body blocks: import splits, export writes back, and the two agree."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.markdown import blocks_to_markdown, markdown_to_blocks, markdown_to_html
from kb.markdown_html import html_to_markdown

DEMO = Path(__file__).resolve().parents[2] / "kb" / "demo" / "help-centre.json"

PIECES = [
    "# Title",
    "## Section *x*",
    "### Sub",
    "#### Minor",
    "plain text",
    "**bold**",
    "*em*",
    "`code`",
    "[link](https://x.example/a_(b))",
    "<b>raw</b>",
    "a<br>b",
    "- item",
    "* star",
    "1. one",
    "2) two",
    "   1. nested",
    "  - nested",
    "> quote",
    "> [!TIP]",
    "> [!WARNING] careful",
    "```\ncode\n```",
    "***",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "\\*",
    "&amp;",
    "&copy;",
    "<div>d</div>",
    "<script>x</script>",
    "![i](https://x.example/y.png)",
    "سلام **دنیا**",
    "«نقل»",
    "~~gone~~",
    "_u_",
    "<kbd>Ctrl</kbd>",
    "1\\. no",
    "\\# no",
    "    indented",
    "<table><tr><td>t</td></tr></table>",
    "**«x»**",
    "a*b*c",
]


def _round_trip(blocks):
    return markdown_to_blocks(blocks_to_markdown(blocks))


def test_markdown_is_split_into_heading_paragraph_steps_and_callout_blocks():
    blocks = markdown_to_blocks(
        "# Title\n\nIntro *here*.\n\n### Detail\n\n1. First\n2. Then **this**\n\n> [!WARNING]\n> Mind the gap."
    )

    assert blocks == [
        {"type": "heading", "value": {"text": "Title", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Intro <em>here</em>.</p>"},
        {"type": "heading", "value": {"text": "Detail", "level": "h3"}},
        {"type": "steps", "value": ["First", "Then <strong>this</strong>"]},
        {"type": "callout", "value": {"kind": "warning", "text": "<p>Mind the gap.</p>"}},
    ]


def test_export_writes_the_blocks_back_as_plain_markdown():
    markdown = "## Title\n\nIntro *here*.\n\n1. First\n2. Then **this**\n\n> [!TIP]\n> Be kind.\n"

    assert blocks_to_markdown(markdown_to_blocks(markdown)) == markdown


@pytest.mark.parametrize("article", json.loads(DEMO.read_text())["articles"], ids=lambda a: a["id"])
def test_every_demo_article_exports_to_its_own_markdown(article):
    assert blocks_to_markdown(markdown_to_blocks(article["body"])).rstrip("\n") == article["body"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(["\n", "\n\n", " ", ""])), min_size=1, max_size=8))
def test_import_export_import_changes_nothing(parts):
    blocks = markdown_to_blocks("".join(piece + gap for piece, gap in parts))

    assert _round_trip(blocks) == blocks


MARKUP = st.sampled_from(
    [
        *"ab *_`#>-+=1.)[]()<>!\\&;|~\n\t ",
        "سلام",
        "**",
        "- ",
        "1. ",
        "> ",
        "<b>",
        "</b>",
        "<br>",
        "<p>",
        "<table>",
        "<td>",
        "http://x.y",
        "&amp;",
        "```",
        "    ",
        "[!TIP]",
        "\u200c",
        "\u064e",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(MARKUP, max_size=40).map("".join)))
def test_any_text_round_trips_even_broken_html(text):
    blocks = markdown_to_blocks(text)

    assert _round_trip(blocks) == blocks


@settings(max_examples=200, deadline=None)
@given(st.lists(MARKUP, max_size=30).map("".join))
def test_any_faq_answer_round_trips(text):
    html = markdown_to_html(text)

    assert markdown_to_html(html_to_markdown(html)) == html


@pytest.mark.parametrize(
    "answer",
    ["**Standard** delivery takes 5–8 days.", "See [My orders](https://x.example/o).", "- one\n- two", "a<br>b"],
)
def test_faq_answers_round_trip(answer):
    html = markdown_to_html(answer)

    assert markdown_to_html(html_to_markdown(html)) == html
