"""Fault d: fill the search index's own filesystem (the cluster's tmpfs), publish and search, then free it."""

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

from .. import index_fs
from ..config import BASE_DIR, ClusterConfig
from ..probe import get
from .common import Report, wait_until

EXPECTED = [
    "publishing an article while the index's disk is full succeeds (the page is live), and the failed "
    "index update is logged, not raised",
    "search keeps answering 200 from the existing index throughout; /healthz stays 200",
    "kb_reindex on the full disk fails without harming the live index",
    "once space returns, a new publish is indexed at once, and what was missed is indexed by the scheduler's "
    "kb_index_repair within a minute or so, without anyone running kb_reindex (which also works)",
]
REPAIR_WAIT = 90  # kb_index_repair runs every 60 s
PROBE_IDS = ("cluster-fault-index-a", "cluster-fault-index-b")
BASELINE_QUERY = "order"
CHUNK = 1024 * 1024


def _manage(config: ClusterConfig, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=config.django_environment(),
        capture_output=True,
        text=True,
        check=False,
    )


def _publish(config: ClusterConfig, external_id: str, word: str) -> subprocess.CompletedProcess:
    """Publish (or update) a probe article through kb_import, the help centre's import path."""
    article = {
        "id": f"{external_id}.en",
        "translation_key": external_id,
        "locale": "en",
        "category": "Account & support",
        "title": f"Cluster fault probe {word}",
        "summary": f"A probe article the index-disk-full fault publishes: {word}.",
        "body": f"This article exists to test the search index. Its word is {word}.",
    }
    path = config.root / "faults" / f"{external_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"articles": [article]}))
    return _manage(config, "kb_import", str(path))


def _hits(config: ClusterConfig, query: str) -> tuple[int, int]:
    answer = get(f"{config.url}/api/v1/kb/search?q={query}&locale=en", timeout=10)
    return answer.status, len(answer.json().get("results", []))


def _found(config: ClusterConfig, external_id: str, word: str) -> bool:
    """Whether searching the probe's own word finds the probe (the search is fuzzy: other hits do not count)."""
    answer = get(f"{config.url}/api/v1/kb/search?q={word}&locale=en", timeout=10)
    return any(result.get("id") == f"{external_id}.en" for result in answer.json().get("results", []))


def _fill(path: Path) -> int:
    """Write a ballast file until the filesystem refuses; return its size."""
    written = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (CHUNK, 4096, 1):
            block = b"\0" * size
            while True:
                try:
                    written += os.write(fd, block)
                except OSError:
                    break
    finally:
        os.close(fd)
    return written


def _remove_probes(config: ClusterConfig) -> None:
    code = (
        "from kb.models import ArticlePage\n"
        f"for page in ArticlePage.objects.filter(external_id__in={[f'{i}.en' for i in PROBE_IDS]!r}):\n"
        "    page.delete()\n"
    )
    _manage(config, "shell", "-c", code)


def run(config: ClusterConfig, options) -> Report:
    report = Report("index-disk-full", EXPECTED)
    if not index_fs.is_mounted(config):
        return report.skip(
            "the index is not on a filesystem of its own (mounting a tmpfs needs root): filling the data dir's "
            "disk would fill the machine's"
        )
    word_a, word_b = f"zq{secrets.token_hex(4)}", f"zq{secrets.token_hex(4)}"
    status, baseline = _hits(config, BASELINE_QUERY)
    report.saw(f"before: searching {BASELINE_QUERY!r} answers {status} with {baseline} results")
    ballast = config.index_dir / "ballast"
    try:
        size = _fill(ballast)
        report.step(
            f"filled the index's tmpfs with a {size // 1024} KB ballast file; free now: "
            f"{index_fs.free_bytes(config)} bytes"
        )

        published = _publish(config, PROBE_IDS[0], word_a)
        logged = "Could not update the search index" in published.stderr + published.stdout
        report.step(f"published probe article A ({word_a}) with kb_import: exit {published.returncode}")
        report.check(published.returncode == 0, "the publish itself succeeded")
        report.check(logged, "the failed index update was logged ('Could not update the search index …')")
        report.saw(f"searching for article A's word finds it: {_found(config, PROBE_IDS[0], word_a)}")
        status, hits = _hits(config, BASELINE_QUERY)
        report.check(status == 200 and hits == baseline, f"search still answers from the index: {status}, {hits} hits")
        health = get(f"{config.url}/healthz", timeout=10)
        report.check(health.status == 200, f"/healthz while the disk is full: {health.status} {health.json()}")

        live = (config.index_dir / "CURRENT").read_text()
        generations = sorted(p.name for p in config.index_dir.glob("gen-*"))
        reindex = _manage(config, "kb_reindex")
        error = (reindex.stderr.strip().splitlines() or ["(no output)"])[-1]
        report.step(f"ran kb_reindex on the full disk: exit {reindex.returncode} ({error[:160]})")
        report.check(reindex.returncode != 0, "kb_reindex said it failed")
        report.check((config.index_dir / "CURRENT").read_text() == live, f"the live index is still {live}")
        left = sorted({p.name for p in config.index_dir.glob("gen-*")} - set(generations))
        report.saw(f"index directories the failed rebuild left behind: {left or 'none'}")
        status, hits = _hits(config, BASELINE_QUERY)
        report.check(status == 200 and hits == baseline, f"search after the failed rebuild: {status}, {hits} hits")
    finally:
        ballast.unlink(missing_ok=True)
    report.step(f"removed the ballast: {index_fs.free_bytes(config) // 1024} KB free")

    published = _publish(config, PROBE_IDS[1], word_b)
    report.step(f"published probe article B ({word_b}): exit {published.returncode}")
    report.check(_found(config, PROBE_IDS[1], word_b), "article B is found at once")
    began = time.monotonic()
    found = wait_until(lambda: _found(config, PROBE_IDS[0], word_a), timeout=REPAIR_WAIT, interval=2)
    report.check(
        bool(found),
        f"article A (published while the disk was full) is found without a rebuild, once run_schedule's "
        f"kb_index_repair has run: after {time.monotonic() - began:.0f} s",
    )
    reindex = _manage(config, "kb_reindex")
    report.step(f"ran kb_reindex: {reindex.stdout.strip()}")
    report.check(_found(config, PROBE_IDS[0], word_a), "after kb_reindex article A is found")
    left = sorted(p.name for p in config.index_dir.glob("gen-*"))
    report.saw(f"index directories after the rebuild: {left}")

    _remove_probes(config)
    report.step(f"deleted the probe articles (B still found: {_found(config, PROBE_IDS[1], word_b)})")
    return report
