"""The suite's eyes see what they must: raw payloads count as live, escaped ones as text."""

import pytest
from django.utils.html import escape

from tests.hostile.conftest import BIDI, FORMULAS, MARKUP
from tests.hostile.inert import formula_cells, live_code, unisolated_bidi

RUNNABLE = {name: payload for name, payload in MARKUP.items() if name != "markdown-javascript-link"}


@pytest.mark.parametrize("payload", RUNNABLE.values(), ids=RUNNABLE.keys())
def test_a_payload_pasted_raw_into_a_page_is_live(payload):
    assert live_code(f"<p>{payload}</p>") + live_code(f'<input value="{payload}">') != []


@pytest.mark.parametrize("payload", MARKUP.values(), ids=MARKUP.keys())
def test_the_same_payload_escaped_is_text(payload):
    assert live_code(f'<p><input value="{escape(payload)}">{escape(payload)}</p>') == []


def test_the_products_own_scripts_are_not_payloads(settings):
    page = f'<script src="{settings.STATIC_URL}js/inbox.js" defer></script><script type="application/json">[]</script>'

    assert live_code(page) == []
    assert live_code('<script src="//evil.example/x.js"></script>') != []
    assert live_code('<a href=" JaVaScRiPt:alert(1)">x</a>') != []


@pytest.mark.parametrize("control", [BIDI["rlo"], BIDI["rli"], BIDI["rle"]])
def test_bidi_text_is_isolated_only_inside_bdi_or_dir(control):
    assert unisolated_bidi(f"<p>Customer: {control}Eve, order 42</p>") != []
    assert unisolated_bidi(f"<p>Customer: <bdi>{control}Eve</bdi>, order 42</p>") == []
    assert unisolated_bidi(f'<p>Customer: <span dir="auto">{control}Eve</span>, order 42</p>') == []
    assert unisolated_bidi(f"<ul><li>{control}Eve</li><li>order 42</li></ul>", f"{control}Eve") == []


def test_formula_cells_are_spotted():
    assert formula_cells([[*FORMULAS.values()]]) == [*FORMULAS.values()]
    assert formula_cells([["'=1+1", "Hi = there", "42"]]) == []
