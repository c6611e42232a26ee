"""Knowledge-base search speed on generated help centres of 10k and 50k articles.

Articles are synthesised in English, Arabic and Persian (a third each) from a vocabulary per
locale: the demo help centre's words plus made-up words from the locale's alphabet, drawn
with a Zipf-like skew so a few words are everywhere and most are rare, as in real text.
Measured on a warm searcher in this process:

- rebuild rate (articles/s, through `kb.search.rebuild`, the path `kb_reindex` takes);
- publish-to-searchable latency (`index_article`, then the first search that finds it);
- query latency p50/p95 by kind (one word, several words, quoted phrase, typo, no locale);
- hostile queries (parser traps, wildcards, 200-character and 12-unknown-word queries).

    python -m bench --only kb-search-speed [--sizes 2000]
    python -m bench.kb_search_speed --sizes 10000,50000
"""

import argparse
import random
import re
import statistics
import tempfile
import time
from itertools import accumulate, pairwise

from .kb_search_quality import load_articles, setup_django
from .tables import Table, format_text

NAME = "kb-search-speed"
DESCRIPTION = "KB search on generated 10k/50k-article help centres: rebuild rate, publish latency, query p50/p95"
LOCALES = ("en", "ar", "fa")
ALPHABETS = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "fa": "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی",
}
MADE_UP_WORDS = 20_000  # per locale, on top of the demo help centre's words
QUERIES_PER_KIND = 200
PUBLISH_SAMPLES = 20
PUBLISH_GIVE_UP = 5.0  # seconds
TARGETS = {10_000: 10.0, 50_000: 30.0}  # p95 ms on a warm searcher
HOSTILE_TARGET_MS = 100.0
REBUILD_TARGET = 300.0  # articles/s


def add_arguments(parser) -> None:
    parser.add_argument(
        "--sizes",
        "--kb-sizes",
        dest="kb_sizes",
        default="10000,50000",
        help="articles in the generated help centres, comma-separated (default: 10000,50000)",
    )


class Vocabulary:
    """Words of one locale, drawn with a Zipf-like skew; as in real text, stop words are the commonest."""

    def __init__(self, locale: str, seed_words: list[str], rng: random.Random):
        from kb.analysis.stopwords import stop_words

        stops = sorted(stop_words(locale))
        made_up = {self._made_up(locale, rng) for _ in range(MADE_UP_WORDS)}
        content = sorted(set(seed_words) - set(stops)) + sorted(made_up - set(seed_words) - set(stops))
        rng.shuffle(stops)
        rng.shuffle(content)
        self.words = stops + content
        self.content_from = len(stops)
        self.weights = list(accumulate(1.0 / (rank + 1) ** 1.05 for rank in range(len(self.words))))
        self.rng = rng

    @staticmethod
    def _made_up(locale: str, rng: random.Random) -> str:
        return "".join(rng.choices(ALPHABETS[locale], k=rng.randint(4, 9)))

    def sample(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.weights, k=count)

    def middling(self, min_length: int = 1) -> str:
        """A content word neither everywhere nor nowhere (the 20th to the 2,000th commonest)."""
        first = self.content_from + 20
        while True:
            word = self.words[self.rng.randint(first, min(first + 2000, len(self.words) - 1))]
            if len(word) >= min_length:
                return word


def vocabularies(rng: random.Random) -> dict[str, Vocabulary]:
    words: dict[str, list[str]] = {locale: [] for locale in LOCALES}
    for doc in load_articles():
        words[doc.locale] += re.findall(r"[^\W\d_]+", f"{doc.title} {doc.summary} {doc.body}")
    return {locale: Vocabulary(locale, words[locale], rng) for locale in LOCALES}


def generate(count: int, vocab: dict[str, Vocabulary], rng: random.Random):
    from kb.documents import ArticleDocument

    for number in range(count):
        locale = LOCALES[number % len(LOCALES)]
        words = vocab[locale]
        body = ". ".join(" ".join(words.sample(rng.randint(8, 16))) for _ in range(rng.randint(10, 25)))
        yield ArticleDocument(
            id=f"gen-{number}.{locale}",
            locale=locale,
            title=" ".join(words.sample(rng.randint(3, 8))),
            url=f"/{locale}/help/gen-{number}/",
            summary=" ".join(words.sample(rng.randint(10, 20))),
            body=body,
            category=" ".join(words.sample(2)),
            tags=tuple(words.sample(3)),
        )


def _typo(word: str, locale: str, rng: random.Random) -> str:
    """One letter (not the first) replaced by another of the alphabet."""
    at = rng.randint(1, len(word) - 1)
    return word[:at] + rng.choice(ALPHABETS[locale].replace(word[at], "")) + word[at + 1 :]


def _phrase(doc, vocab: dict[str, Vocabulary], rng: random.Random) -> tuple[str, str]:
    """Two neighbouring content words of an article, quoted."""
    stops = set(vocab[doc.locale].words[: vocab[doc.locale].content_from])
    words = doc.body.replace(".", "").split()
    pairs = [(a, b) for a, b in pairwise(words) if a not in stops and b not in stops]
    first, second = rng.choice(pairs) if pairs else (words[0], words[1])
    return f'"{first} {second}"', doc.locale


def queries_by_kind(vocab: dict[str, Vocabulary], documents: list, rng: random.Random) -> dict[str, list]:
    kinds: dict[str, list] = {"one word": [], "several words": [], "phrase": [], "typo": [], "no locale": []}
    for _ in range(QUERIES_PER_KIND):
        locale = rng.choice(LOCALES)
        words = vocab[locale]
        kinds["one word"].append((words.middling(), locale))
        kinds["several words"].append((" ".join(words.middling() for _ in range(rng.randint(2, 4))), locale))
        kinds["phrase"].append(_phrase(rng.choice(documents), vocab, rng))
        kinds["typo"].append((_typo(words.middling(min_length=5), locale, rng), locale))
        kinds["no locale"].append((" ".join(words.middling() for _ in range(2)), None))
    return kinds


HOSTILE = {
    "NOT NOT + space": "NOT NOT ",
    "1,000 nested brackets": "(" * 1000 + "order" + ")" * 1000,
    "wildcards": "*a* ?b? c* *",
    "fields, ranges, boosts": "title:x body:[a TO z] {1 TO 9} order^100 id:*",
    "10,000 characters": "order " * 2000,
    "12 unknown words": " ".join(f"zq{n}xv{n}wy" for n in range(12)),
    "12 common words": None,  # filled from the vocabulary
}


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


def _timed(function, *args, **kwargs) -> float:
    began = time.perf_counter()
    function(*args, **kwargs)
    return (time.perf_counter() - began) * 1000


def _measure_size(size: int, progress) -> tuple[list, list, list]:
    from kb import search

    rng = random.Random(size)
    vocab = vocabularies(rng)
    progress(f"  generating {size:,} articles")
    documents = list(generate(size, vocab, rng))
    progress(f"  rebuilding the index from {size:,} articles")
    began = time.perf_counter()
    search.rebuild(iter(documents))
    rebuild_seconds = time.perf_counter() - began
    search.search_articles("warm up", limit=10)

    publish = []
    for number in range(PUBLISH_SAMPLES):
        word = f"fresh{number}word"
        doc = next(generate(1, vocab, rng))
        doc = type(doc)(**{**doc.__dict__, "id": f"fresh-{number}.en", "locale": "en", "title": f"{word} {doc.title}"})
        began = time.perf_counter()
        search.index_article(doc)
        while not search.search_articles(word, locale="en") and time.perf_counter() - began < PUBLISH_GIVE_UP:
            pass
        publish.append((time.perf_counter() - began) * 1000)

    kinds = queries_by_kind(vocab, documents, rng)
    for query, locale in kinds["one word"][:20]:  # warm the caches once more
        search.search_articles(query, locale=locale)
    rows = [
        ["rebuild", f"{size / rebuild_seconds:,.0f} articles/s ({rebuild_seconds:.0f} s)", f"≥ {REBUILD_TARGET:.0f}/s"],
        ["publish → searchable", f"p50 {_percentile(publish, 50):.1f} ms, max {max(publish):.1f} ms", "≤ 1,000 ms"],
    ]
    query_rows = []
    for kind, items in kinds.items():
        times = [_timed(search.search_articles, query, locale=locale) for query, locale in items]
        hits = sum(bool(search.search_articles(query, locale=locale)) for query, locale in items[:50])
        query_rows.append([size, kind, round(_percentile(times, 50), 2), round(_percentile(times, 95), 2), hits * 2])
    hostile = dict(HOSTILE, **{"12 common words": " ".join(vocab["en"].words[:12])})
    hostile_rows = []
    for name, query in hostile.items():
        times = [_timed(search.search_articles, query) for _ in range(5)]
        hostile_rows.append([size, name, round(statistics.median(times), 2), round(max(times), 2)])
    return rows, query_rows, hostile_rows


def run(options) -> list[Table]:
    setup_django()
    from django.test.utils import override_settings

    from kb.search import forget_searcher

    progress = getattr(options, "progress", lambda text: None)
    sizes = [int(size) for size in str(getattr(options, "kb_sizes", "10000,50000")).split(",") if size.strip()]
    summary = Table(title="KB index: rebuild and publish", columns=["articles", "measure", "result", "target"])
    queries = Table(
        title="KB query latency on a warm searcher (ms, search + snippets)",
        columns=["articles", "kind", "p50", "p95", "found %"],
        notes=[f"target p95: ≤ {TARGETS[10_000]:.0f} ms at 10k, ≤ {TARGETS[50_000]:.0f} ms at 50k"],
    )
    hostile = Table(
        title="KB hostile queries (ms)",
        columns=["articles", "query", "median", "max"],
        notes=[f"target ≤ {HOSTILE_TARGET_MS:.0f} ms; every one answers with a list, never an error"],
    )
    for size in sizes:
        progress(f"[kb-search-speed] {size:,} articles")
        with (
            tempfile.TemporaryDirectory(prefix="kb-speed-") as directory,
            override_settings(WHOOSH_INDEX_DIR=directory),
        ):
            forget_searcher()
            rows, query_rows, hostile_rows = _measure_size(size, progress)
            forget_searcher()
        for row in rows:
            summary.add(size, *row)
        for row in query_rows:
            queries.add(*row)
        for row in hostile_rows:
            hostile.add(*row)
    return [summary, queries, hostile]


def main() -> None:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    add_arguments(parser)
    options = parser.parse_args()
    options.progress = print
    for table in run(options):
        print("\n" + format_text(table))


if __name__ == "__main__":
    main()
