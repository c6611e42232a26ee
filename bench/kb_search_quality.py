"""Knowledge-base search quality: MRR@10 and recall@3 per locale and per kind, beside a baseline.

The demo help centre (kb/demo/help-centre.json) is indexed straight from the JSON, its Markdown
rendered to plain text as the article pages do, and every labelled query in
bench/data/kb_queries/{en,ar,fa}.json is searched in its own locale. The baseline is the same
articles in a Whoosh index analysed with Whoosh's StandardAnalyzer, queried with Whoosh's own
parser over the same fields and weights.

    python -m bench --only kb-search-quality [--kb-misses]
    python -m bench.kb_search_quality [--kb-misses]
"""

import argparse
import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from .tables import Table, format_text

NAME = "kb-search-quality"
DESCRIPTION = "KB search MRR@10 and recall@3 per locale and kind, against a StandardAnalyzer baseline"
ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "kb" / "demo" / "help-centre.json"
QUERIES = ROOT / "bench" / "data" / "kb_queries"
LOCALES = ("en", "ar", "fa")
TOP = 10
BASELINE_WEIGHTS = {"title": 4.0, "summary": 2.0, "tags": 2.0, "category": 1.0, "body": 1.0}


def setup_django() -> None:
    """Load the helpdesk's settings in this process, with a throwaway data dir."""
    import django
    from django.conf import settings

    if settings.configured:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("HELPDESK_DATA_DIR", tempfile.mkdtemp(prefix="helpdesk-bench-"))
    os.environ.setdefault("DEBUG", "1")
    django.setup()


def add_arguments(parser) -> None:
    parser.add_argument("--kb-misses", action="store_true", help="list the queries whose article is not first")


def load_articles() -> list:
    from helpdesk.core.sanitize import html_to_text, render_markdown
    from kb.documents import ArticleDocument

    articles = json.loads(ARTICLES.read_text(encoding="utf-8"))["articles"]
    return [
        ArticleDocument(
            id=a["id"],
            locale=a["locale"],
            title=a["title"],
            url=f"/{a['locale']}/help/{a['id']}/",
            summary=a.get("summary", ""),
            body=html_to_text(render_markdown(a["body"])),
            category=a.get("category", ""),
            tags=tuple(a.get("tags", ())),
        )
        for a in articles
    ]


def load_queries(locale: str) -> list[dict]:
    return json.loads((QUERIES / f"{locale}.json").read_text(encoding="utf-8"))


def baseline_search(documents) -> Callable[[str, str], list[str]]:
    """Whoosh's StandardAnalyzer and query parser over the article's fields, title weighing most."""
    from whoosh import fields
    from whoosh.analysis import StandardAnalyzer
    from whoosh.filedb.filestore import RamStorage
    from whoosh.qparser import MultifieldParser, OrGroup
    from whoosh.query import Term

    text = {name: fields.TEXT(analyzer=StandardAnalyzer()) for name in BASELINE_WEIGHTS}
    schema = fields.Schema(id=fields.ID(stored=True), locale=fields.ID, **text)
    index = RamStorage().create_index(schema)
    with index.writer() as writer:
        for doc in documents:
            writer.add_document(
                id=doc.id,
                locale=doc.locale,
                title=doc.title,
                summary=doc.summary,
                body=doc.body,
                category=doc.category,
                tags="\n".join(doc.tags),
            )
    parser = MultifieldParser(list(BASELINE_WEIGHTS), schema, fieldboosts=BASELINE_WEIGHTS, group=OrGroup.factory(0.9))
    searcher = index.searcher()

    def search(query: str, locale: str) -> list[str]:
        try:
            parsed = parser.parse(query)
            hits = searcher.search(parsed, limit=TOP, filter=Term("locale", locale))
        except Exception:
            return []
        return [hit["id"] for hit in hits]

    return search


def engine_search(documents) -> Callable[[str, str], list[str]]:
    from kb import search

    search.rebuild(documents)
    return lambda query, locale: [hit.id for hit in search.search_articles(query, locale=locale, limit=TOP)]


def rank_of(expected: str, found: list[str]) -> int | None:
    return found.index(expected) + 1 if expected in found else None


class Scores:
    def __init__(self):
        self.count = 0
        self.reciprocal = 0.0
        self.top3 = 0

    def add(self, rank: int | None) -> None:
        self.count += 1
        if rank:
            self.reciprocal += 1 / rank
            self.top3 += rank <= 3

    @property
    def mrr(self) -> float:
        return self.reciprocal / self.count if self.count else 0.0

    @property
    def recall3(self) -> float:
        return self.top3 / self.count if self.count else 0.0


def evaluate(engines: dict[str, Callable], queries: dict[str, list[dict]]):
    """Scores[engine][locale][kind or "all"], and the engine's misses."""
    scores = {name: defaultdict(lambda: defaultdict(Scores)) for name in engines}
    misses = []
    for locale, items in queries.items():
        for item in items:
            for name, search in engines.items():
                found = search(item["query"], locale)
                rank = rank_of(item["expected"], found)
                scores[name][locale]["all"].add(rank)
                scores[name][locale][item["kind"]].add(rank)
                if name == "helpdesk" and rank != 1:
                    misses.append((locale, item["kind"], item["query"], item["expected"], rank, found[:3]))
    return scores, misses


def tables(scores, misses, *, show_misses: bool) -> list[Table]:
    ours, base = scores["helpdesk"], scores["baseline"]
    by_locale = Table(
        title="KB search quality per locale (demo help centre)",
        columns=["locale", "queries", "MRR@10", "baseline MRR@10", "recall@3", "baseline recall@3"],
        notes=["baseline: Whoosh StandardAnalyzer + MultifieldParser (OR), title 4, summary and tags 2, body 1"],
    )
    for locale in LOCALES:
        a, b = ours[locale]["all"], base[locale]["all"]
        by_locale.add(locale, a.count, f"{a.mrr:.3f}", f"{b.mrr:.3f}", f"{a.recall3:.3f}", f"{b.recall3:.3f}")
    by_kind = Table(
        title="KB search quality per locale and kind",
        columns=["locale", "kind", "queries", "MRR@10", "baseline MRR@10", "recall@3", "baseline recall@3"],
    )
    for locale in LOCALES:
        for kind in sorted(k for k in ours[locale] if k != "all"):
            a, b = ours[locale][kind], base[locale][kind]
            by_kind.add(locale, kind, a.count, f"{a.mrr:.3f}", f"{b.mrr:.3f}", f"{a.recall3:.3f}", f"{b.recall3:.3f}")
    result = [by_locale, by_kind]
    if show_misses:
        missed = Table(
            title="Queries whose article is not first", columns=["locale", "kind", "query", "expected", "rank", "top 3"]
        )
        for locale, kind, query, expected, rank, found in misses:
            missed.add(locale, kind, query, expected, rank or "-", ", ".join(found))
        result.append(missed)
    return result


def run(options) -> list[Table]:
    setup_django()
    from django.test.utils import override_settings

    documents = load_articles()
    queries = {locale: load_queries(locale) for locale in LOCALES}
    with tempfile.TemporaryDirectory(prefix="kb-quality-") as directory, override_settings(WHOOSH_INDEX_DIR=directory):
        from kb.search import forget_searcher

        forget_searcher()
        engines = {"helpdesk": engine_search(documents), "baseline": baseline_search(documents)}
        scores, misses = evaluate(engines, queries)
        forget_searcher()
    return tables(scores, misses, show_misses=getattr(options, "kb_misses", False))


def main() -> None:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    add_arguments(parser)
    for table in run(parser.parse_args()):
        print("\n" + format_text(table))


if __name__ == "__main__":
    main()
