"""Legacy ``.xls`` workbooks (xlrd, BIFF): every sheet, every row, cells as displayed."""

from __future__ import annotations

import hashlib

from core.errors import NotADisclosureError
from core.records import Source
from ingest.readers.workbook import display, sheets_source


def read(data: bytes, path: str) -> Source:
    import xlrd  # only when a legacy workbook comes

    try:
        # formatting_info: the number formats (how many places a cell shows)
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, ValueError, AssertionError, IndexError) as exc:
        raise NotADisclosureError(path, f"无法打开旧版 Excel 工作簿（{exc}）；请在 Excel 中另存为 .xlsx 后再导入") from exc
    sheets = []
    for sheet in book.sheets():
        if sheet.visibility != 0:
            continue  # hidden sheets are working data, not what the department published
        rows = []
        for r in range(sheet.nrows):
            row = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                row.append(display(_value(book, cell), _format(book, cell)))
            rows.append(row)
        sheets.append((sheet.name, rows))
    return sheets_source(path, "xls", hashlib.sha256(data).hexdigest(), sheets)


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
    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
    fmt = book.format_map.get(xf.format_key) if xf is not None else None
    return fmt.format_str if fmt is not None else None
