"""``.xlsx`` workbooks (openpyxl): every sheet, every row, cells as displayed.

Before openpyxl sees the file, ``ingest.readers.check_members`` has unpacked every part and
parsed every XML part (a damaged part is refused by name). What is left for openpyxl to reject
is well-formed XML that does not follow the workbook schema (an unknown attribute, a style or
string index out of range): it raises a key, value, type, index or attribute error from deep
inside, all in ``_load`` and only there, and those mean "a damaged workbook". Our own code (the
display of each cell) runs outside, so a bug in it still shows as one.
"""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO

from core.errors import NotADisclosureError
from core.records import Source
from ingest.readers.workbook import display, sheets_source

# what openpyxl raises on schema-invalid parts (found by fuzzing: tests/ingest/test_fuzz_readers.py)
_DAMAGE = (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, AttributeError, OSError, EOFError)

Cells = list[list[tuple[object, str | None]]]  # rows of (value, number format)


def read(data: bytes, path: str) -> Source:
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        sheets, uncomputed = _load(data)
    except (InvalidFileException, *_DAMAGE) as exc:
        raise NotADisclosureError(
            path, f"无法打开 Excel 工作簿，文件可能已损坏（{type(exc).__name__}）；请在 Excel 中另存为 .xlsx 后再导入"
        ) from exc
    rows_of = [(name, [[display(v, fmt) for v, fmt in row] for row in rows]) for name, rows in sheets]
    return sheets_source(path, "xlsx", hashlib.sha256(data).hexdigest(), rows_of, uncomputed)


def _load(data: bytes) -> tuple[list[tuple[str, Cells]], dict[str, list[tuple[int, str]]]]:
    """Every visible sheet's cells as (value, number format), read by openpyxl; and, by sheet,
    the formula cells the file holds no computed value for (row index, message)."""
    from openpyxl import load_workbook  # heavy: only when a workbook comes

    # data_only: the values a formula last computed, as a reader of the file sees them
    book = load_workbook(BytesIO(data), data_only=True)
    out = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue  # hidden sheets are working data, not what the department published
        out.append((ws.title, [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()]))
    return out, _uncomputed(data, out)


def _uncomputed(data: bytes, sheets: list[tuple[str, Cells]]) -> dict[str, list[tuple[int, str]]]:
    """Formula cells without a stored result (a workbook written by a program, never opened in
    Excel): they read as blank, and each is reported. Only workbooks with formulas are read twice."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        if not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")):
            return {}
    from openpyxl import load_workbook

    formulas = load_workbook(BytesIO(data), data_only=False)
    found: dict[str, list[tuple[int, str]]] = {}
    for name, rows in sheets:
        ws = formulas[name]
        for r, row in enumerate(rows):
            for c, (value, _) in enumerate(row):
                formula = ws.cell(r + 1, c + 1).value
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    message = (
                        f"单元格 {ws.cell(r + 1, c + 1).coordinate} 是公式（{formula[:40]}），文件中没有保存计算结果，"
                        "按空白读取；请在 Excel 中打开、保存后重新导入"
                    )
                    found.setdefault(name, []).append((r, message))
    return found
