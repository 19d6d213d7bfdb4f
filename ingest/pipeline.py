"""Ingest a corpus: parse every file, extract figures, audit, store, index.

Every file is parsed and audited before anything is written, so one bad file leaves the
existing store and index exactly as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from core.errors import NotADisclosureError
from core.records import AuditReport, Document, Figure
from core.settings import Settings
from ingest.audit import audit
from ingest.figures import extract_figures
from ingest.parse import parse_file
from ingest.store import write_store

SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class Parsed:
    document: Document
    figures: tuple[Figure, ...]
    audit: AuditReport


@dataclass(frozen=True)
class IngestResult:
    parsed: tuple[Parsed, ...]
    index_stats: object | None  # index.build.IndexStats when the index was built


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files named directly, plus the disclosure files inside named folders (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            files.append(path)
        else:
            raise NotADisclosureError(str(path), "文件或文件夹不存在")
    if not files:
        raise NotADisclosureError(", ".join(map(str, paths)), "其中没有 .txt 公开文件")
    return files


def parse_one(path: Path) -> Parsed:
    doc = parse_file(path)
    figures = extract_figures(doc)
    return Parsed(doc, tuple(figures), audit(doc, figures))


def parse_all(paths: Sequence[Path], progress: bool = True) -> list[Parsed]:
    files = expand(paths)
    parsed = [parse_one(p) for p in tqdm(files, desc="解析", unit="份", disable=not progress)]
    seen: dict[str, Path] = {}
    for p, item in zip(files, parsed, strict=True):
        if item.document.id in seen:
            raise NotADisclosureError(str(p), f"与 {seen[item.document.id]} 文件名相同，文档编号冲突；请改名")
        seen[item.document.id] = p
    return parsed


def ingest(
    paths: Sequence[Path], settings: Settings, *, build_index: bool = True, progress: bool = True
) -> IngestResult:
    parsed = parse_all(paths, progress)
    docs = [p.document for p in parsed]
    write_store(
        settings.store_path,
        docs,
        [f for p in parsed for f in p.figures],
        [p.audit for p in parsed],
    )
    stats = None
    if build_index:
        from index.build import build_index as _build  # heavy (torch): only when indexing

        stats = _build(docs, settings, progress=progress)
    return IngestResult(tuple(parsed), stats)
