"""Change the corpus one document at a time: ``python -m ingest add`` / ``remove`` / ``list``.

The full ingest (``ingest.pipeline.ingest``) rebuilds the state from exactly the files it is
given. ``add`` keeps what the store holds and adds the documents of the files given, replacing
a stored document of the same id; a file whose bytes the store already holds (same sha256)
changes nothing. ``remove`` drops one document. The next corpus is the stored records of the
documents kept (read back exactly as written, so their chunks are the same) plus the new ones,
parsed and audited as in a full ingest; it is written and indexed aside and switched in whole
(``ingest.state``). The index build is incremental by chunk id and content hash
(``index.build``): on the copied vectors only the new document's chunks are embedded, and a
removed or replaced one's are deleted.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from core.errors import StateMissingError, UnknownDocumentError
from core.records import AuditReport, Document, Figure
from core.settings import Settings
from ingest import state
from ingest.pipeline import Failed, Parsed, expand, id_conflict, try_one
from ingest.state import exclusive, recover
from ingest.store import FigureStore

if TYPE_CHECKING:
    from index.build import IndexStats


@dataclass(frozen=True)
class Corpus:
    """Documents with their figures and audits, in store order."""

    documents: tuple[Document, ...] = ()
    figures: tuple[Figure, ...] = ()
    audits: tuple[AuditReport, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.documents)

    def document(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == doc_id), None)

    def without(self, ids: Collection[str]) -> Corpus:
        return Corpus(
            tuple(d for d in self.documents if d.id not in ids),
            tuple(f for f in self.figures if f.doc_id not in ids),
            tuple(a for a in self.audits if a.document not in ids),
        )

    def plus(self, parsed: Sequence[Parsed]) -> Corpus:
        return Corpus(
            self.documents + tuple(p.document for p in parsed),
            self.figures + tuple(f for p in parsed for f in p.figures),
            self.audits + tuple(p.audit for p in parsed),
        )


@dataclass(frozen=True)
class Unchanged:
    """A file whose content is already in the store (or earlier in the same call)."""

    path: str
    doc_id: str  # the document with that content


@dataclass(frozen=True)
class UpdateResult:
    added: tuple[Parsed, ...] = ()  # documents the store did not have
    replaced: tuple[Parsed, ...] = ()  # new content for a document id the store had
    unchanged: tuple[Unchanged, ...] = ()
    removed: tuple[Document, ...] = ()
    failed: tuple[Failed, ...] = ()
    documents: tuple[str, ...] = ()  # the ids the state holds afterwards
    index_stats: IndexStats | None = None  # when the index was built

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.removed)


@dataclass(frozen=True)
class DocumentSummary:
    """One line of ``python -m ingest list``."""

    id: str
    department: str
    year: int
    kind: str  # 预算 | 决算
    format: str  # the reader: text, xlsx, xls, pdf, html, docx
    encoding: str | None
    source_path: str
    tables: int  # tables with data, counted by 目录 number
    figures: int
    audit_passed: int
    audit_failed: int


def stored_corpus(settings: Settings) -> Corpus:
    """What the figure store holds; an empty corpus when there is no store yet."""
    if not settings.store_path.exists():
        return Corpus()
    store = FigureStore(settings.store_path)
    audits = tuple(store.audits[d.id] for d in store.documents if d.id in store.audits)
    return Corpus(tuple(store.documents), tuple(store.figures), audits)


def add(
    paths: Sequence[Path], settings: Settings, *, build_index: bool = True, progress: bool = True
) -> UpdateResult:
    """Add the documents of ``paths`` (files or folders) to the state, replacing a stored
    document of the same id; creates the state when there is none. Files that fail are
    reported in the result and the others still land; when nothing changes, nothing is written."""
    with exclusive(settings):
        recover(settings)
        corpus = stored_corpus(settings)
        files, failed = expand(paths)
        fresh, unchanged, unread = read_new(files, corpus, progress)
        failed += unread
        if not fresh:
            return UpdateResult(unchanged=tuple(unchanged), failed=tuple(failed), documents=corpus.ids)
        after = corpus.without({p.document.id for p in fresh}).plus(fresh)
        stats = switch(after, settings, build_index=build_index, progress=progress)
    held = set(corpus.ids)
    return UpdateResult(
        added=tuple(p for p in fresh if p.document.id not in held),
        replaced=tuple(p for p in fresh if p.document.id in held),
        unchanged=tuple(unchanged),
        failed=tuple(failed),
        documents=after.ids,
        index_stats=stats,
    )


def remove(doc_id: str, settings: Settings, *, progress: bool = True) -> UpdateResult:
    """Drop one document: its figures, audit, chunks and keyword entries. The index is kept in
    step when the state has one (a removal embeds nothing, so it never needs the model)."""
    if not settings.state_dir.is_dir():
        raise StateMissingError(str(settings.state_dir), "没有任何数据（目录不存在）")
    with exclusive(settings):
        recover(settings)
        if not settings.store_path.exists():
            raise StateMissingError(str(settings.state_dir), f"没有找到数字库 {settings.store_path.name}")
        corpus = stored_corpus(settings)
        doc = corpus.document(doc_id)
        if doc is None:
            raise UnknownDocumentError(doc_id, corpus.ids)
        kept = corpus.without({doc_id})
        stats = switch(kept, settings, build_index=settings.bm25_path.exists(), progress=progress)
    return UpdateResult(removed=(doc,), documents=kept.ids, index_stats=stats)


def list_documents(settings: Settings) -> list[DocumentSummary]:
    """Every stored document, in store order (by id)."""
    store = FigureStore(settings.store_path)
    counts = Counter(f.doc_id for f in store.figures)
    empty = AuditReport("", ())
    return [
        DocumentSummary(
            id=d.id,
            department=d.department,
            year=d.year,
            kind=d.kind,
            format=d.format,
            encoding=d.encoding,
            source_path=d.source_path,
            tables=data_tables(d),
            figures=counts[d.id],
            audit_passed=store.audits.get(d.id, empty).passed,
            audit_failed=store.audits.get(d.id, empty).failed,
        )
        for d in store.documents
    ]


def data_tables(doc: Document) -> int:
    """Tables with data, by 目录 entry rather than instance: 表十七 may come once per project."""
    return len({t.no for t in doc.tables if t.status == "data"})


def read_new(
    files: Sequence[Path], corpus: Corpus, progress: bool = True
) -> tuple[list[Parsed], list[Unchanged], list[Failed]]:
    """Parse and audit the files whose content ``corpus`` does not hold yet (as a full ingest
    does: misread documents are refused); the others are ``Unchanged``, without being parsed."""
    held = {d.sha256: d.id for d in corpus.documents}
    fresh: list[Parsed] = []
    unchanged: list[Unchanged] = []
    failed: list[Failed] = []
    seen: dict[str, str] = {}  # document id → file, within this call
    for path in tqdm(files, desc="解析", unit="份", disable=not progress):
        sha = _sha256(path)
        if sha is not None and sha in held:
            unchanged.append(Unchanged(str(path), held[sha]))
            continue
        item = try_one(path)
        if isinstance(item, Failed):
            failed.append(item)
        elif item.document.id in seen:
            failed.append(id_conflict(path, seen[item.document.id]))
        else:
            seen[item.document.id] = str(path)
            held[item.document.sha256] = item.document.id
            fresh.append(item)
    return fresh, unchanged, failed


def switch(corpus: Corpus, settings: Settings, *, build_index: bool, progress: bool) -> IndexStats | None:
    """Write (and index) ``corpus`` aside, then switch it in (``ingest.state.switch``)."""
    return state.switch(
        corpus.documents, corpus.figures, corpus.audits, settings, build_index=build_index, progress=progress
    )


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None  # unreadable: try_one reports it for this file with the reader's message
