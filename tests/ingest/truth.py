"""Compare a parsed ``Document`` with a fixture's ground truth (tests/fixtures/truth/<file>.json).

The truth was written by hand from the fixture, independently of the parser: per table its
number, title, unit and rows (code, name, {column path: value}). A truth cell is found when
the parsed table with that number has a row with that code (or name) whose cell in that
column has exactly that value. Column paths are compared without spaces and brackets'
width; where the truth names a column more briefly than the header path (or the reverse),
the path that ends with the other counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from core.records import Cell, Document, Row, Table
from core.text import squash


@dataclass
class Comparison:
    cells: int = 0
    found: int = 0
    missing: list[str] = field(default_factory=list)
    tables: int = 0

    def __str__(self) -> str:
        return f"{self.found}/{self.cells} cells in {self.tables} tables"


def load_truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def compare(doc: Document, truth: dict) -> Comparison:
    out = Comparison()
    for t in truth["tables"]:
        table = _table(doc, t)
        out.tables += 1
        used: set[int] = set()
        for r in t["rows"]:
            rows = _rows(table, r, used) if table is not None else []
            for column, value in r["cells"].items():
                out.cells += 1
                cell = _cell(rows, column)
                if cell is not None and _equal(cell, str(value)):
                    out.found += 1
                else:
                    got = "无此表" if table is None else ("无此格" if cell is None else cell.raw)
                    out.missing.append(f"表{t.get('no')} {r.get('code') or ''} {r['name']} · {column} = {value}（解析得 {got}）")
    return out


def _equal(cell: Cell, value: str) -> bool:
    """Numbers exactly (as Decimal, so 60000.00 is not 60000.0 but equals it in value); text
    cells by their text."""
    try:
        want = Decimal(value)
    except InvalidOperation:
        return squash(cell.raw) == squash(value)
    return cell.value is not None and cell.value == want


def _table(doc: Document, t: dict) -> Table | None:
    tables = [x for x in doc.tables if x.status != "missing"]
    key = squash(t["title"])
    by_no = [x for x in tables if t.get("no") is not None and x.no == t["no"]]
    if by_no:  # several tables under one number (表八（一）, 表八（二）): the one with that title
        return next((x for x in by_no if key in squash(x.title) or squash(x.title) in key), by_no[0])
    return next((x for x in tables if key in squash(x.title) or squash(x.title) in key), None)


def _rows(table: Table, r: dict, used: set[int]) -> list[Row]:
    """The parsed rows a truth row may be; a name that recurs (one indicator per project) is
    matched in order, each parsed row once."""
    rows = [x for x in table.rows if r.get("code") and x.code == r["code"]]
    if not rows:
        name = squash(r["name"])
        rows = [x for x in table.rows if squash(x.name) == name or squash(x.label) == name]
    fresh = [x for x in rows if id(x) not in used]
    if r.get("code") is None and fresh:
        used.add(id(fresh[0]))
        return fresh[:1]
    return rows


def _cell(rows: list[Row], column: str) -> Cell | None:
    want = squash(column)
    for row in rows:
        cells = [c for c in row.cells if squash(c.column) == want]
        cells = cells or [
            c for c in row.cells if squash(c.column).endswith("/" + want) or want.endswith(squash(c.column))
        ]
        if cells:
            return next((c for c in cells if c.value is not None), cells[0])
    return None
