"""The next state, built aside and switched in, for ``python -m ingest`` (the whole corpus),
``add`` and ``remove``.

None of them changes the serving state in place. The whole next state — figure store, BM25 and,
when the index is built, the vectors — is made in a fresh folder ``<state_dir>/.next-*``,
starting from a copy of the current vectors (the embedded Chroma folder; in server mode a copy
of the collection, named ``<collection>-next``) so that unchanged chunks keep their embeddings.
Only when every part is built is a ``READY`` mark written, and then each part is moved into
place with one rename (the store, which names the documents, last). A build that fails or is
killed before the mark leaves the serving state as it was, and the next update deletes its
folder; a switch interrupted after the mark is finished by the next update (``recover``), so a
state is never left half switched. One update at a time: an exclusive lock on
``<state_dir>/.update.lock``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import StateBusyError
from core.records import AuditReport, Document, Figure
from core.settings import Settings

if TYPE_CHECKING:
    from index.build import IndexStats

_PREFIX = ".next-"
_READY = "READY"  # written when every part is built: from then on the switch is rolled forward
_COLLECTION = "COLLECTION"  # server mode: the name of the collection being built for this folder
_LOCK = ".update.lock"


@dataclass(frozen=True)
class Staged:
    """A next state being built: ``settings`` are the live ones pointed at its folder (and, in
    server mode, at its collection)."""

    live: Settings
    settings: Settings
    folder: Path


@contextmanager
def exclusive(settings: Settings) -> Iterator[None]:
    """Hold the update lock of ``settings.state_dir`` (created, with the folder, if need be).
    Two updates at once would each build from the same state and the second would drop the
    first's document; the second is refused instead."""
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    with (settings.state_dir / _LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StateBusyError(str(settings.state_dir)) from exc
        yield  # the lock goes with the file handle


def begin(live: Settings, with_index: bool) -> Staged:
    """A fresh folder for the next state; with the index, a copy of the current vectors in it."""
    # A new folder name every time: Chroma keeps one client per folder path in a process, and a
    # client cached for a folder that has since been moved away must never be handed out again.
    folder = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=live.state_dir))
    update: dict[str, object] = {"state_dir": folder}
    if live.chroma_mode == "server":  # the server holds the collections: the next one is a copy
        update["collection"] = f"{live.collection}-next"
    settings = live.model_copy(update=update)
    staged = Staged(live, settings, folder)
    if with_index:
        try:
            _copy_vectors(staged)
        except BaseException:
            discard(staged)
            raise
    return staged


def switch(
    documents: Sequence[Document],
    figures: Sequence[Figure],
    audits: Sequence[AuditReport],
    settings: Settings,
    *,
    build_index: bool,
    progress: bool,
) -> IndexStats | None:
    """Write (and index) this corpus aside, then switch it in. Whatever fails or interrupts the
    build — an error, Ctrl-C, the process killed — the serving state is as it was; the
    half-built folder is deleted here or, after a kill, by the next update (``recover``).
    Call with the lock held (``exclusive``)."""
    from ingest.store import write_store

    staged = begin(settings, with_index=build_index)
    try:
        write_store(staged.settings.store_path, documents, figures, audits)
        stats = None
        if build_index:
            from index.build import build_index as _build  # heavy (torch): only when indexing

            stats = _build(documents, staged.settings, progress=progress)
    except BaseException:  # KeyboardInterrupt too; re-raised, never swallowed
        discard(staged)
        raise
    commit(staged)
    return stats


def commit(staged: Staged) -> None:
    """Mark the next state complete and switch it in."""
    (staged.folder / _READY).write_text("", encoding="utf-8")
    _finish(staged.folder, staged.live)


def discard(staged: Staged) -> None:
    """Drop a next state that will not be switched in; the serving state is untouched."""
    _discard(staged.folder, staged.live)


def recover(live: Settings) -> None:
    """Finish the switch of a complete next state an update left behind (killed while moving
    its parts), and delete any incomplete one. Call with the lock held."""
    for folder in sorted(live.state_dir.glob(f"{_PREFIX}*")):
        if (folder / _READY).is_file():
            _finish(folder, live)
        else:
            _discard(folder, live)


def _copy_vectors(staged: Staged) -> None:
    live = staged.live
    if live.chroma_mode == "server":
        from index.vector import copy_collection  # chromadb: only when indexing

        (staged.folder / _COLLECTION).write_text(staged.settings.collection, encoding="utf-8")
        copy_collection(live, staged.settings.collection)
    elif live.chroma_path.is_dir():
        shutil.copytree(live.chroma_path, staged.settings.chroma_path)


def _finish(folder: Path, live: Settings) -> None:
    """Move each built part into place. Every step checks what is already done, so running this
    again after an interruption completes the switch instead of repeating or undoing a step."""
    collection = _collection_of(folder)
    if collection is not None:
        from index.vector import rename_into_place

        rename_into_place(live, collection)
    for target in (live.chroma_path, live.bm25_path, live.store_path):
        built = folder / target.name
        if built.is_dir():
            old = folder / f"{target.name}.old"
            if target.exists():
                target.rename(old)
            built.rename(target)
        elif built.is_file():
            os.replace(built, target)  # one file: replaced in a single step
    shutil.rmtree(folder)


def _discard(folder: Path, live: Settings) -> None:
    collection = _collection_of(folder)
    if collection is not None:
        from index.vector import drop_collection

        drop_collection(live, collection)
    shutil.rmtree(folder)


def _collection_of(folder: Path) -> str | None:
    mark = folder / _COLLECTION
    return mark.read_text(encoding="utf-8") if mark.is_file() else None
