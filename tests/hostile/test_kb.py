"""Search queries are typed by anyone and read back by managers as the help centre's failed searches.

tests/kb/test_hostile.py covers the engine and the results page's status; here a hostile query is
followed to the pages that show it again: the results page and the managers' dashboard.
"""

import pytest
from django.utils import timezone

from kb.models import SearchQuery
from kb.rollups import kb_rollup
from kb.search.query import clean
from tests.hostile.conftest import BIDI, C0, MARKUP, NUL, storable
from tests.hostile.inert import assert_inert, unisolated_bidi, visible_text
from tests.kb.search_support import search_index  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index")]

QUERIES = {**MARKUP, "javascript-url": "javascript:alert(1)", "rlo": f"{BIDI['rlo']}gpj.exe refund"}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_a_hostile_search_is_inert_on_the_results_page_and_the_managers_dashboard(client, lina, query):
    results = client.get("/en/help/search/", {"q": query})
    from_api = client.get("/api/v1/kb/search", {"q": query})
    kb_rollup([timezone.localdate()])
    dashboard = lina.get("/en/staff/reports/kb/")

    assert (results.status_code, from_api.status_code, dashboard.status_code) == (200, 200, 200)
    assert SearchQuery.objects.count() == 2
    for where, page in {"results": results, "dashboard": dashboard}.items():
        assert_inert(page.content, query, where=where)
        assert unisolated_bidi(page.content) == [], where
    assert clean(query) in visible_text(dashboard.content)  # listed as a failed search, as text (bidi dropped)


def test_control_characters_never_reach_the_search_log(client):
    client.get("/en/help/search/", {"q": f"par{NUL}cel{C0}"})
    client.get("/api/v1/kb/search", {"q": f"par{NUL}cel{C0}"})

    assert [query for query in SearchQuery.objects.values_list("query", flat=True) if not storable(query)] == []
    assert set(SearchQuery.objects.values_list("query", flat=True)) == {"par cel [2J"}
