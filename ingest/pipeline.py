"""Ingest a corpus: parse every file, extract figures, audit, store, index.

Each file lands or fails on its own: a file that cannot be read, is not a disclosure, or
was misread (its narrative and its tables differ by the 元/万元 factor) is reported with file
and place and left out, and the others land. Everything is parsed and audited before
anything is written; the next store and index are then built aside and switched in whole
(``ingest.state``), so when no file lands, or the build fails or is killed half way, the
previous state keeps serving. Other audit failures are findings about the disclosure, not
about our reading: such a document is served and its failures are shown to staff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from core.errors import BudgetQAError, NotADisclosureError
from core.records import AuditReport, Document, Figure
from core.settings import Settings
from ingest.audit import audit
from ingest.figures import extract_figures
from ingest.parse import parse_file
from ingest.readers import SUFFIXES
from ingest.state import exclusive, recover, switch


@dataclass(frozen=True)
class Parsed:
    document: Document
    figures: tuple[Figure, ...]
    audit: AuditReport


@dataclass(frozen=True)
class Failed:
    """A file that did not land, and why (a message for the user, naming file and place)."""

    path: str
    message: str
    misread: bool = False  # read, but the audit shows it was read wrong


@dataclass(frozen=True)
class IngestResult:
    parsed: tuple[Parsed, ...]
    index_stats: object | None  # index.build.IndexStats when the index was built
    failed: tuple[Failed, ...] = ()


def expand(paths: Sequence[Path]) -> tuple[list[Path], list[Failed]]:
    """Files named directly, plus the disclosure files inside named folders (sorted); a path
    that does not exist is a failure of its own."""
    files: list[Path] = []
    failed: list[Failed] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", "."))
            )
        elif path.is_file():
            files.append(path)
        else:
            failed.append(Failed(str(path), str(NotADisclosureError(str(path), "文件或文件夹不存在"))))
    return files, failed


def parse_one(path: Path) -> Parsed:
    """Parse and audit one file; raises ``NotADisclosureError`` when it is not one."""
    doc = parse_file(path)
    figures = extract_figures(doc)
    return Parsed(doc, tuple(figures), audit(doc, figures))


def try_one(path: Path) -> Parsed | Failed:
    """``parse_one``, with every way a file can fail turned into a ``Failed`` for that file."""
    try:
        parsed = parse_one(path)
    except BudgetQAError as exc:
        return Failed(str(path), str(exc))
    # A reader's bug must not stop the other files: it is reported for this file, not swallowed.
    except Exception as exc:
        return Failed(str(path), f"{path}: 读取时出错（{type(exc).__name__}: {exc}）。请把该文件发给维护人员。")
    misread = [c for c in parsed.audit.checks if c.misread and not c.passed and not c.skipped]
    if misread:
        names = "；".join(f"{c.name}（{c.detail}）" for c in misread[:5])
        return Failed(
            str(path),
            f"{path}: 正文与表格的数字相差一万倍，多半是表格的单位（元/万元）读错了，本文件未收录。"
            f"请核对各表的“单位”行后重新导入。未通过的审核：{names}",
            misread=True,
        )
    return parsed


def id_conflict(path: Path, other: str) -> Failed:
    """Two files of one call with the same name give one document id: the second is left out."""
    return Failed(str(path), f"{path}: 与 {other} 文件名相同，文档编号冲突，本文件未收录；请改名")


def parse_all(paths: Sequence[Path], progress: bool = True) -> tuple[list[Parsed], list[Failed]]:
    files, failed = expand(paths)
    parsed: list[Parsed] = []
    seen: dict[str, str] = {}
    for path in tqdm(files, desc="解析", unit="份", disable=not progress):
        item = try_one(path)
        if isinstance(item, Failed):
            failed.append(item)
        elif item.document.id in seen:
            failed.append(id_conflict(path, seen[item.document.id]))
        else:
            seen[item.document.id] = str(path)
            parsed.append(item)
    return parsed, failed


def ingest(
    paths: Sequence[Path], settings: Settings, *, build_index: bool = True, progress: bool = True
) -> IngestResult:
    """Parse everything, then replace the store (and the index) with the files that landed.
    Raises ``NotADisclosureError`` when none did: the previous state is left as it was."""
    parsed, failed = parse_all(paths, progress)
    if not parsed:
        detail = "\n".join(f.message for f in failed) or "其中没有支持格式的公开文件（" + "、".join(SUFFIXES) + "）"
        raise NotADisclosureError(", ".join(map(str, paths)), f"没有任何文件可以收录，原有数据保持不变：\n{detail}\n")
    with exclusive(settings):  # one ingest or update of a state directory at a time
        recover(settings)  # a switch an earlier run left half done is finished first
        stats = switch(
            [p.document for p in parsed],
            [f for p in parsed for f in p.figures],
            [p.audit for p in parsed],
            settings,
            build_index=build_index,
            progress=progress,
        )
    return IngestResult(tuple(parsed), stats, tuple(failed))
