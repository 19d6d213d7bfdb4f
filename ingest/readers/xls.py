"""Legacy ``.xls`` workbooks (xlrd, BIFF): every sheet, every row, cells as displayed.

xlrd is a parser of binary records with no error type of its own for damage: a cut or garbled
file makes it fail on a short ``struct`` read, an assertion, an index, a key, an overflow or
(with a cyclic sector chain) a recursion. Everything xlrd does happens in ``_load``, and those
failures, raised there and only there, mean "a damaged file": a clear refusal. Our own code
(the display of each cell) runs outside, so a bug in it still shows as one. xlrd's log (it
prints to stdout by default) goes nowhere.
"""

from __future__ import annotations

import hashlib
import io
import struct

from core.errors import NotADisclosureError
from core.records import Source
from ingest.readers.workbook import display, sheets_source

# what xlrd raises on a damaged BIFF file (found by fuzzing: tests/ingest/test_fuzz_readers.py)
_DAMAGE = (struct.error, AssertionError, IndexError, KeyError, ValueError, OverflowError, RecursionError, EOFError)

Cells = list[list[tuple[object, str | None]]]  # rows of (value, number format)


def read(data: bytes, path: str) -> Source:
    import xlrd  # only when a legacy workbook comes

    try:
        sheets = _load(data)
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, *_DAMAGE) as exc:
        detail = str(exc) or type(exc).__name__
        raise NotADisclosureError(
            path, f"无法打开旧版 Excel 工作簿，文件可能已损坏（{detail[:80]}）；请在 Excel 中另存为 .xlsx 后再导入"
        ) from exc
    rows_of = [(name, [[display(v, fmt) for v, fmt in row] for row in rows]) for name, rows in sheets]
    return sheets_source(path, "xls", hashlib.sha256(data).hexdigest(), rows_of)


def _load(data: bytes) -> list[tuple[str, Cells]]:
    """Every visible sheet's cells as (value, number format), read by xlrd."""
    import xlrd

    # formatting_info: the number formats (how many places a cell shows)
    book = xlrd.open_workbook(
        file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO(), verbosity=0
    )
    out = []
    for sheet in book.sheets():
        if sheet.visibility != 0:
            continue  # hidden sheets are working data, not what the department published
        rows = [
            [(_value(book, sheet.cell(r, c)), _format(book, sheet.cell(r, c))) for c in range(sheet.ncols)]
            for r in range(sheet.nrows)
        ]
        out.append((sheet.name, rows))
    return out


def _value(book, cell) -> object:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
    return cell.value


def _format(book, cell) -> str | None:
    """The cell's number format; None when its format record is missing (a damaged file)."""
    index = cell.xf_index
    xf = book.xf_list[index] if index is not None and 0 <= index < len(book.xf_list) else None
    fmt = book.format_map.get(xf.format_key) if xf is not None else None
    return fmt.format_str if fmt is not None else None
