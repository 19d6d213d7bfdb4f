"""A disclosure file → ``Document``: reader → linear form → 目录, tables, sections → metadata.

The stages follow structure only — heading numbering (一、 （一） 1. （1）), the 目录, table
titles naming a table kind, unit/meta lines, header rows and 科目编码 — never line numbers or
one department's names. Whatever cannot be read becomes a ``Warning_`` naming file and line.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from core.errors import NotADisclosureError
from core.records import Document, Source, SourceLine, Table, Warning_, place_of
from core.text import clean_cell
from ingest.lines import heading_text, meta_fields
from ingest.readers import read_bytes, read_source
from ingest.readers.text import text_source
from ingest.sections import parse_sections
from ingest.tables import number_tables, split_document
from ingest.toc import find_toc, skip_toc

_TITLE = re.compile(r"(\d{4})\s*年度?\s*(?:[^\s，。]{0,20}?)(?:部门|单位)?\s*(预算|决算)")
_DEPARTMENT_KEYS = ("部门全称", "部门名称", "编制单位", "单位名称", "填报单位", "部门")


def parse_file(path: Path | str) -> Document:
    """Read and parse one disclosure file (any supported format). Raises ``NotADisclosureError``."""
    return parse_source(read_source(path))


def parse_bytes(data: bytes, path: str) -> Document:
    return parse_source(read_bytes(data, path))


def parse_text(text: str, path: str, sha256: str | None = None) -> Document:
    sha = sha256 or hashlib.sha256(text.encode()).hexdigest()
    return parse_source(text_source(text, path, sha))


def parse_source(src: Source) -> Document:
    warnings: list[Warning_] = []

    def warn(line: int, message: str) -> None:
        warnings.append(Warning_(src.path, line, message, *place_of(src.places, line)))

    for line, message in src.notes:
        warn(line, message)
    lines = list(src.lines)
    if not any(ln.text.strip() or any(c.strip() for c in ln.cells or ()) for ln in lines):
        raise NotADisclosureError(src.path, "文件是空的（没有任何文字）")
    toc_at, toc, toc_lines = find_toc(lines)
    skip = range(toc_at, skip_toc(lines, toc_at, toc_lines)) if toc_at is not None else range(0)
    regions, raws = split_document(lines, toc, skip, _sheet_starts(src), warn)
    if not raws:
        where = toc_lines[0] if toc_lines else None
        raise NotADisclosureError(
            src.path, "没有找到任何预算/决算表格（表格应以表名开头，如“表1 部门收支预算总表”，其后是单位或表头）", line=where
        )
    tables = number_tables(raws, toc, warn)
    sections = parse_sections(regions, warn)
    title, year, kind = _title_year_kind(lines, tables, src.path, warn)
    department = _department(raws, lines, title) or Path(src.path).stem
    _report_missing(toc, toc_lines, tables, warn)
    return Document(
        id=doc_id_for(src.path),
        department=department,
        year=year,
        kind=kind,  # type: ignore[arg-type]
        unit=_majority_unit(tables),
        source_path=src.path,
        sha256=src.sha256,
        title=title,
        sections=tuple(sections),
        tables=tuple(_with_missing(toc, tables)),
        toc=tuple(toc),
        toc_lines=toc_lines,
        warnings=tuple(warnings),
        format=src.format,
        encoding=src.encoding,
        places=src.places,
    )


def doc_id_for(path: str | Path) -> str:
    """Stable id from the file name: 'data/cq-yubei-kexie-2024-budget.txt' → 'cq-yubei-kexie-2024-budget'."""
    return Path(path).stem


def _sheet_starts(src: Source) -> dict[int, str]:
    """The first line of each workbook sheet: a table never runs across sheets."""
    out: dict[int, str] = {}
    previous = None
    for place in src.places:
        if place.sheet is not None and place.sheet != previous:
            out[place.line] = place.sheet
        previous = place.sheet
    return out


def _title_year_kind(lines: list[SourceLine], tables: list[Table], path: str, warn) -> tuple[str, int, str]:
    for line in lines[:40]:
        heading, _ = heading_text(line.text)
        m = _TITLE.search(heading.replace(" ", ""))
        if m and len(heading) <= 60:
            return heading, int(m.group(1)), m.group(2)
    for table in tables:
        m = _TITLE.search(table.title)
        if m:
            return table.title, int(m.group(1)), m.group(2)
    m = _TITLE.search(" ".join(heading_text(ln.text)[0] for ln in lines[:80]).replace(" ", ""))
    if m:
        return f"{m.group(1)}年{m.group(2)}", int(m.group(1)), m.group(2)
    # No year in the text (a workbook of bare 决算 tables): the file's name says it, or nothing does.
    kinds = [k for k in ("决算", "预算") if any(k in t.title for t in tables)]
    year = re.search(r"(?<!\d)(20\d{2})(?!\d)", Path(path).name)
    if kinds and year:
        warn(0, f"文中没有写年度，按文件名取 {year.group(1)} 年")
        return f"{year.group(1)}年{kinds[0]}", int(year.group(1)), kinds[0]
    raise NotADisclosureError(path, "没有找到年度和“预算/决算”字样的标题（如“2024年部门预算情况说明”）")


def _department(raws: list, lines: list[SourceLine], title: str = "") -> str | None:
    for raw in raws:
        for key in _DEPARTMENT_KEYS:
            if raw.meta.get(key):
                return raw.meta[key]
    for line in lines:
        text = clean_cell(" ".join(c for c in line.cells if c)) if line.cells else clean_cell(line.text)
        meta = meta_fields(text)
        for key in _DEPARTMENT_KEYS:
            if meta and meta.get(key):
                return meta[key]
    # '清浦区图书馆2024年部门预算公开': the name before the year of the title
    prefix = re.match(r"^(.{4,40}?)(?:\d{4}\s*年)", title.replace(" ", ""))
    if prefix and re.search(r"(局|委|会|院|馆|所|站|中心|办|处|部|厅|队|校|政府|协会|联合会)$", prefix.group(1)):
        return prefix.group(1)
    for line in lines[:10]:
        heading, _ = heading_text(line.text)
        if heading and not _TITLE.search(heading) and len(heading) <= 40:
            return heading
    return None


def _majority_unit(tables: list[Table]) -> str:
    units = [t.unit for t in tables if t.status == "data" and not t.form]
    return max(set(units), key=units.count) if units else "元"


def _report_missing(toc: list[tuple[int, str]], toc_lines: tuple[int, ...], tables: list[Table], warn) -> None:
    """A table the 目录 lists and the text lacks, reported at its 目录 line (entry i is on
    ``toc_lines[i + 1]``; the first of them is the 目录 heading)."""
    found = {t.no for t in tables}
    for i, (no, title) in enumerate(toc):
        if no not in found:
            line = toc_lines[i + 1] if i + 1 < len(toc_lines) else (toc_lines[0] if toc_lines else 1)
            warn(line, f"目录列出表{no}“{title}”，但正文中没有这张表")


def _with_missing(toc: list[tuple[int, str]], tables: list[Table]) -> list[Table]:
    found = {t.no for t in tables}
    missing = [Table(no, title, "元", 0, status="missing") for no, title in toc if no not in found]
    order = {no: i for i, (no, _) in enumerate(toc)}
    return sorted(tables + missing, key=lambda t: (order.get(t.no, 10_000), t.part, t.line))
