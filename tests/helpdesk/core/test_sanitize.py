import re

import pytest

from helpdesk.core.sanitize import clean_html, html_to_text, plain_text, render_markdown

# Dangerous as markup; the same words left as escaped, visible text harm no one.
DANGER = re.compile(
    r"<\s*(script|style|iframe|object|embed|svg|math|form|input|button|meta|link|base|template|noscript)"
    r"|\son\w+\s*=|\s(href|src)\s*=\s*[\"']?\s*(javascript|vbscript|data):|\sstyle\s*=",
    re.IGNORECASE,
)

HOSTILE_HTML = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">click</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="position:fixed">x</p>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=password><button>Go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<template><script>alert(1)</script></template>",
    "<noscript><img src=x onerror=alert(1)></noscript>",
    '<a href="https://shop.example" onclick="steal()" onmouseover="steal()">shop</a>',
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x:alert(1) onerror=eval(src)>",
    '<p onclick="x">text</p>',
]

HOSTILE_MARKDOWN = [
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "![pic](data:image/png;base64,iVBORw0KGgo=)",
    "<script>alert(1)</script>",
    "Text <img src=x onerror=alert(1)> more",
    '<a href="javascript:alert(1)">raw link</a>',
    "<iframe src=https://evil.example></iframe>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<div onmouseover="alert(1)">**bold**</div>',
]


def test_the_danger_pattern_spots_the_raw_inputs():
    spotted = [hostile for hostile in HOSTILE_HTML + HOSTILE_MARKDOWN if DANGER.search(hostile)]
    assert len(spotted) >= len(HOSTILE_HTML) + len(HOSTILE_MARKDOWN) - 12


@pytest.mark.parametrize("hostile", HOSTILE_HTML)
def test_clean_html_leaves_no_script_handlers_styles_or_dangerous_urls(hostile):
    assert not DANGER.search(clean_html(hostile))


@pytest.mark.parametrize("hostile", HOSTILE_MARKDOWN)
def test_render_markdown_leaves_no_script_handlers_styles_or_dangerous_urls(hostile):
    assert not DANGER.search(render_markdown(hostile))


def test_text_around_removed_markup_is_kept_and_escaped():
    assert clean_html('<a href="javascript:alert(1)">click</a> & <b>more</b>') == "click &amp; <b>more</b>"
    assert render_markdown("<script>alert(1)</script>\n\nSafe **text**") == "<p>Safe <strong>text</strong></p>"


def test_external_links_get_nofollow_noopener_and_internal_links_do_not():
    html = render_markdown("[shop](https://shop.example/a) [help](/en/help/) [top](#top) [mail](mailto:a@example.com)")

    assert '<a href="https://shop.example/a" rel="nofollow noopener">shop</a>' in html
    assert '<a href="/en/help/">help</a>' in html
    assert '<a href="#top">top</a>' in html
    assert '<a href="mailto:a@example.com">mail</a>' in html


def test_a_link_given_its_own_rel_gets_ours_instead():
    assert clean_html('<a href="https://x.example" rel="opener">x</a>') == (
        '<a href="https://x.example" rel="nofollow noopener">x</a>'
    )


def test_markdown_keeps_the_formatting_a_help_article_needs():
    html = render_markdown("## Title\n\n- **bold** and *em*\n- `code`\n\n1. one\n2. two\n\n> quoted")

    for fragment in [
        "<h2>Title</h2>",
        "<strong>bold</strong>",
        "<em>em</em>",
        "<code>code</code>",
        "<ol>",
        "<blockquote>",
    ]:
        assert fragment in html


def test_right_to_left_text_and_direction_survive():
    assert (
        clean_html('<p dir="rtl">سلام <bdi dir="ltr">ORD-1</bdi></p>')
        == '<p dir="rtl">سلام <bdi dir="ltr">ORD-1</bdi></p>'
    )
    assert clean_html('<p dir="sideways">x</p>') == "<p>x</p>"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("<b>Hi</b> there", "Hi there"),
        ("I <3 this & that", "I <3 this & that"),
        ("<script>steal()</script>ok", "ok"),
        ("nul\x00 and bell\x07 gone", "nul and bell gone"),
        ("  spaced  ", "spaced"),
        ("e\u0301", "é"),
    ],
)
def test_plain_text_removes_markup_and_control_characters(given, expected):
    assert plain_text(given) == expected


def test_plain_text_cuts_to_the_limit():
    assert plain_text("abcdef", max_length=3) == "abc"


def test_html_to_text_gives_one_line_per_block():
    assert html_to_text("<h2>Title</h2><p>a <b>b</b></p><ol><li>one</li><li>two</li></ol>") == "Title\na b\none\ntwo"
