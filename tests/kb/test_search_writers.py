"""Several processes writing to the index at once (Daphne workers publishing) never see a LockError."""

import multiprocessing
import traceback

import pytest

from kb import search

from .search_support import article, search_index  # noqa: F401

pytestmark = pytest.mark.usefixtures("search_index")

WORKERS = 4
ARTICLES_EACH = 8


def _publish_many(worker: int, errors) -> None:
    try:
        search.forget_searcher()
        for number in range(ARTICLES_EACH):
            search.index_article(article(f"w{worker}-{number}.en", f"Parcel {worker} {number}", body="courier"))
            search.search_articles("courier")
    except BaseException:
        errors.put(traceback.format_exc())
        raise


def _rebuild(errors) -> None:
    try:
        search.forget_searcher()
        search.rebuild(article(f"old-{number}.en", f"Depot {number}", body="courier") for number in range(40))
    except BaseException:
        errors.put(traceback.format_exc())
        raise


def _run_all(targets) -> list[str]:
    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    processes = [context.Process(target=target, args=(*args, errors)) for target, args in targets]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    problems += [f"exit code {p.exitcode}" for p in processes if p.exitcode != 0]
    return problems


def test_processes_writing_at_once_all_succeed_and_every_article_is_found():
    problems = _run_all([(_publish_many, (worker,)) for worker in range(WORKERS)])

    assert problems == []
    found = {hit.id for hit in search.search_articles("courier", limit=50)}
    assert found == {f"w{w}-{n}.en" for w in range(WORKERS) for n in range(ARTICLES_EACH)}


def test_articles_published_while_another_process_rebuilds_are_kept():
    problems = _run_all([(_rebuild, ()), *[(_publish_many, (worker,)) for worker in range(2)]])

    assert problems == []
    published = {hit.id for hit in search.search_articles("parcel", limit=50)}
    rebuilt = {hit.id for hit in search.search_articles("depot", limit=50)}
    assert published == {f"w{w}-{n}.en" for w in range(2) for n in range(ARTICLES_EACH)}
    assert rebuilt == {f"old-{number}.en" for number in range(40)}


def test_a_searcher_open_in_this_process_sees_what_another_process_published():
    search.index_article(article("first.en", "First parcel", body="courier"))
    assert [hit.id for hit in search.search_articles("courier")] == ["first.en"]

    problems = _run_all([(_publish_many, (0,))])

    assert problems == []
    assert len(search.search_articles("courier", limit=50)) == 1 + ARTICLES_EACH


def test_a_search_opening_a_generation_a_rebuild_just_retired_opens_the_new_one(monkeypatch):
    """A reader reads CURRENT, a rebuild swaps it and removes that generation, then the reader opens it."""
    from kb.search import store

    search.index_article(article("before.en", "Parcel", body="courier"))
    retired = store.live_path()
    search.rebuild([article("after.en", "Parcel", body="courier")])
    assert not retired.exists()
    search.forget_searcher()
    answers = iter([retired, store.live_path()])
    monkeypatch.setattr(store, "live_path", lambda: next(answers))

    assert [hit.id for hit in search.search_articles("courier")] == ["after.en"]
