"""Where the index lives on disk, and how it is written: one writer at a time, rebuilt beside.

Layout under settings.WHOOSH_INDEX_DIR:

    CURRENT          name of the live index directory (replaced atomically with os.replace)
    gen-<stamp>/     a Whoosh index; a rebuild writes a new one, then points CURRENT at it
    write.lock       held (fcntl) by whoever writes, in any process: Whoosh never sees two writers
    rebuild.lock     held for the whole of a rebuild, so two rebuilds never overlap
    rebuild.journal  while a rebuild runs, updates are also noted here and replayed into the new index
"""

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from whoosh import index
from whoosh.index import LockError

from .schema import build_schema

POINTER = "CURRENT"
WRITE_LOCK = "write.lock"
REBUILD_LOCK = "rebuild.lock"
JOURNAL = "rebuild.journal"
GENERATION_PREFIX = "gen-"
WHOOSH_LOCK_TIMEOUT = 10.0  # seconds; only reached if something writes without our lock

# An operation is ("add", {field: value}) or ("remove", doc_id); removing an id also removes
# the documents whose source it is (an FAQ page's questions).
Operation = tuple[str, dict | str]


def root() -> Path:
    return Path(settings.WHOOSH_INDEX_DIR)


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on `path`, across threads and processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def live_name(base: Path) -> str | None:
    try:
        name = (base / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name if name.startswith(GENERATION_PREFIX) and (base / name).is_dir() else None


def _point_to(base: Path, name: str) -> None:
    temporary = base / f"{POINTER}.{os.getpid()}.{secrets.token_hex(4)}"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, base / POINTER)


def _new_generation(base: Path) -> Path:
    path = base / f"{GENERATION_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}"
    path.mkdir(parents=True)
    try:
        index.create_in(str(path), build_schema())
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)  # a full disk left an empty directory (the index-disk-full fault)
        raise
    return path


class UnreadableIndex(Exception):
    """The index directory holds an index that cannot be opened."""


def _retire_unversioned_index(base: Path) -> None:
    """Remove an index written straight into the directory (before generations), if it is sound.

    One that cannot be read is left for a person to look at: searching must not quietly start
    from an empty index over it. `kb_reindex` replaces it.
    """
    try:
        if not index.exists_in(str(base)):
            return
        with index.open_dir(str(base)).searcher() as searcher:
            searcher.doc_count()
    except Exception as error:
        raise UnreadableIndex(f"{base} holds a search index that cannot be read ({error!r}); run kb_reindex") from error
    _remove_unversioned_files(base)


def _remove_unversioned_files(base: Path) -> None:
    for path in base.iterdir():
        if path.is_file() and path.name.startswith(("_MAIN_", "MAIN_")):
            path.unlink(missing_ok=True)


def _live_path_locked(base: Path) -> Path:
    name = live_name(base)
    if name:
        return base / name
    _retire_unversioned_index(base)
    path = _new_generation(base)
    _point_to(base, path.name)
    return path


def live_path() -> Path:
    """The live index directory, creating an empty index on first use."""
    base = root()
    name = live_name(base)
    if name:
        return base / name
    with exclusive(base / WRITE_LOCK):
        return _live_path_locked(base)


def open_index(path: Path):
    # Our schema, not the pickled one: the index then always analyses with today's code.
    return index.open_dir(str(path), schema=build_schema())


def _writer(ix, **kwargs):
    try:
        return ix.writer(timeout=WHOOSH_LOCK_TIMEOUT, delay=0.05, **kwargs)
    except LockError:  # pragma: no cover - our own lock makes this unreachable
        time.sleep(0.2)
        return ix.writer(timeout=WHOOSH_LOCK_TIMEOUT, delay=0.05, **kwargs)


def _write(path: Path, operations: list[Operation]) -> None:
    writer = _writer(open_index(path))
    try:
        for kind, payload in operations:
            if kind == "add":
                writer.update_document(**payload)
            else:
                writer.delete_by_term("id", payload)
                writer.delete_by_term("source", payload)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def apply(operations: list[Operation]) -> None:
    """Apply updates to the live index (and to a rebuild in progress), one writer at a time."""
    if not operations:
        return
    base = root()
    with exclusive(base / WRITE_LOCK):
        _write(_live_path_locked(base), operations)
        journal = base / JOURNAL
        if journal.exists():
            with open(journal, "a", encoding="utf-8") as handle:
                handle.writelines(json.dumps(op, ensure_ascii=False) + "\n" for op in operations)


def _read_journal(base: Path) -> list[Operation]:
    with open(base / JOURNAL, encoding="utf-8") as handle:
        return [tuple(json.loads(line)) for line in handle if line.strip()]


def _remove_other_generations(base: Path, keep: str | None) -> None:
    for path in base.glob(f"{GENERATION_PREFIX}*"):
        if path.name != keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _bulk_write(path: Path, documents: Iterable[dict]) -> int:
    writer = _writer(open_index(path), limitmb=128)
    seen: set[str] = set()
    try:
        for fields in documents:
            if fields["id"] in seen:
                continue
            seen.add(fields["id"])
            writer.add_document(**fields)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(optimize=True)
    return len(seen)


def rebuild(documents: Iterable[dict]) -> int:
    """Index `documents` into a new directory, then swap it in; searches keep working throughout."""
    base = root()
    with exclusive(base / REBUILD_LOCK):
        with exclusive(base / WRITE_LOCK):
            _remove_other_generations(base, keep=live_name(base))  # a crashed rebuild's leftovers
            (base / JOURNAL).write_text("", encoding="utf-8")
        path = None
        try:
            path = _new_generation(base)
            count = _bulk_write(path, documents)
            with exclusive(base / WRITE_LOCK):
                missed = _read_journal(base)
                if missed:
                    _write(path, missed)
                _point_to(base, path.name)
                (base / JOURNAL).unlink()
                _remove_unversioned_files(base)
        except BaseException:
            with exclusive(base / WRITE_LOCK):
                (base / JOURNAL).unlink(missing_ok=True)
            if path is not None and live_name(base) != path.name:
                shutil.rmtree(path, ignore_errors=True)
            raise
        _remove_other_generations(base, keep=path.name)
    return count
