"""The figure store: SQLite (standard library), amounts stored as exact decimal text.

Written whole into a temporary file and moved into place, so a failed ingest never leaves a
half-written store and readers never see one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from core.errors import StateMissingError
from core.records import (
    AuditCheck,
    AuditReport,
    Cell,
    Document,
    Figure,
    Paragraph,
    Place,
    Provenance,
    Row,
    Section,
    Table,
    Warning_,
)

SCHEMA = """
CREATE TABLE documents (
    id TEXT PRIMARY KEY, department TEXT NOT NULL, year INTEGER NOT NULL, kind TEXT NOT NULL,
    unit TEXT NOT NULL, title TEXT, source_path TEXT NOT NULL, sha256 TEXT NOT NULL, body TEXT NOT NULL
);
CREATE TABLE figures (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), item TEXT NOT NULL,
    item_code TEXT, measure TEXT NOT NULL, value TEXT NOT NULL, unit TEXT NOT NULL, year INTEGER,
    origin TEXT NOT NULL, table_no INTEGER, table_title TEXT, row_label TEXT, column_path TEXT,
    section TEXT, line INTEGER NOT NULL, sentence TEXT, sheet TEXT, page INTEGER, sheet_row INTEGER
);
CREATE INDEX figures_doc ON figures(doc_id);
CREATE INDEX figures_value ON figures(value);
CREATE TABLE audit (
    doc_id TEXT NOT NULL REFERENCES documents(id), name TEXT NOT NULL, passed INTEGER NOT NULL,
    skipped INTEGER NOT NULL, detail TEXT NOT NULL, cells TEXT NOT NULL
);
"""


def write_store(
    path: Path, docs: Sequence[Document], figures: Iterable[Figure], audits: Iterable[AuditReport]
) -> None:
    """Replace the store at ``path`` with exactly these documents (atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.executescript(SCHEMA)
        con.executemany(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (d.id, d.department, d.year, d.kind, d.unit, d.title, d.source_path, d.sha256, _dump(d))
                for d in docs
            ],
        )
        con.executemany(
            "INSERT INTO figures (doc_id,item,item_code,measure,value,unit,year,origin,table_no,table_title,"
            "row_label,column_path,section,line,sentence,sheet,page,sheet_row) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [_figure_row(f) for f in figures],
        )
        con.executemany(
            "INSERT INTO audit VALUES (?,?,?,?,?,?)",
            [
                (
                    r.document,
                    c.name,
                    int(c.passed),
                    int(c.skipped),
                    c.detail,
                    json.dumps(c.cells, ensure_ascii=False),
                )
                for r in audits
                for c in r.checks
            ],
        )
        con.commit()
    finally:
        con.close()
    os.replace(tmp, path)


def _figure_row(f: Figure) -> tuple:
    s = f.source
    return (
        f.doc_id, f.item, f.item_code, f.measure, str(f.value), f.unit, f.year, f.origin,
        s.table_no, s.table_title, s.row, s.column, s.section, s.line, f.sentence, s.sheet, s.page, s.sheet_row,
    )  # fmt: skip


class FigureStore:
    """Read side of the store. Everything is loaded once: a disclosure is small."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise StateMissingError(str(path.parent), f"没有找到数字库 {path.name}")
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                self.documents = [
                    _load(body) for (body,) in con.execute("SELECT body FROM documents ORDER BY id")
                ]
                self.figures = [_figure(r) for r in con.execute(_FIGURE_SELECT)]
                self.audits = _audits(con)
            finally:
                con.close()
        except (sqlite3.DatabaseError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise StateMissingError(str(path.parent), f"数字库 {path.name} 已损坏（{exc}）") from exc
        # by document, in store order: callers ask per document, and a scan of every document's
        # figures for each made opening a store of N documents take N² steps (1.7 s at 100)
        self._by_id = {d.id: d for d in self.documents}
        self._figures_by_doc: dict[str, list[Figure]] = {}
        for f in self.figures:
            self._figures_by_doc.setdefault(f.doc_id, []).append(f)

    def document(self, doc_id: str) -> Document | None:
        return self._by_id.get(doc_id)

    def figures_of(self, doc_id: str) -> list[Figure]:
        return list(self._figures_by_doc.get(doc_id, ()))


_FIGURE_SELECT = (
    "SELECT doc_id,item,item_code,measure,value,unit,year,origin,table_no,table_title,row_label,"
    "column_path,section,line,sentence,sheet,page,sheet_row FROM figures ORDER BY id"
)


def _s(value: object) -> object:
    """One object for each repeated text (a column name, a unit, a table title: the same in every
    row of a table and every figure of it; 43,300 figures of 100 disclosures took 113 MB as
    separate strings)."""
    return sys.intern(value) if isinstance(value, str) else value


def _figure(r: tuple) -> Figure:
    r = tuple(map(_s, r))
    (
        doc_id,
        item,
        code,
        measure,
        value,
        unit,
        year,
        origin,
        tno,
        ttitle,
        row,
        col,
        section,
        line,
        sentence,
        sheet,
        page,
        sheet_row,
    ) = r
    return Figure(
        doc_id=doc_id,
        item=item,
        measure=measure,
        value=_decimal(value),
        unit=unit,
        source=Provenance(doc_id, line, tno, ttitle, row, col, section, sheet, page, sheet_row),
        item_code=code,
        year=year,
        origin=origin,
        sentence=sentence,
    )


def _audits(con: sqlite3.Connection) -> dict[str, AuditReport]:
    checks: dict[str, list[AuditCheck]] = {}
    for doc_id, name, passed, skipped, detail, cells in con.execute("SELECT * FROM audit"):
        checks.setdefault(doc_id, []).append(
            AuditCheck(name, bool(passed), detail, tuple(json.loads(cells)), bool(skipped))
        )
    return {k: AuditReport(k, tuple(v)) for k, v in checks.items()}


# --- Document <-> JSON -----------------------------------------------------------------------


def _dump(doc: Document) -> str:
    return json.dumps(asdict(doc), ensure_ascii=False, default=str)


def _load(body: str) -> Document:
    d = json.loads(body)
    return Document(
        **{k: v for k, v in d.items() if k not in ("sections", "tables", "toc", "toc_lines", "warnings", "places")},
        sections=tuple(
            Section(
                s["heading"],
                tuple(s["path"]),
                s["line"],
                tuple(
                    Paragraph(p["text"], p["line"], tuple(p["lines"]), tuple(p["offsets"]))
                    for p in s["paragraphs"]
                ),
            )
            for s in d["sections"]
        ),
        tables=tuple(_table(t) for t in d["tables"]),
        toc=tuple((no, title) for no, title in d["toc"]),
        toc_lines=tuple(d.get("toc_lines", ())),
        warnings=tuple(Warning_(**w) for w in d["warnings"]),
        places=tuple(Place(**p) for p in d.get("places", ())),
    )


@lru_cache(maxsize=4096)
def _decimal(value: str | None) -> Decimal | None:
    # Decimal is immutable: the many equal cells ('0.00', a total repeated) share one
    return None if value is None else Decimal(value)


def _table(t: dict) -> Table:
    rows = tuple(
        Row(
            r["line"],
            _s(r["name"]),
            tuple(
                Cell(_s(c["column"]), _s(c["raw"]), _s(c["kind"]), _decimal(c["value"]))
                for c in r["cells"]
            ),
            _s(r["code"]),
            _s(r["parent_code"]),
            _s(r["group"]),
        )
        for r in t["rows"]
    )
    return Table(
        **{k: v for k, v in t.items() if k not in ("rows", "header", "columns")},
        header=tuple(tuple(h) for h in t["header"]),
        columns=tuple(t["columns"]),
        rows=rows,
    )
