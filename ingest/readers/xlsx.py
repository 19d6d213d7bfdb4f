"""``.xlsx`` workbooks (openpyxl): every sheet, every row, cells as displayed."""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO

from core.errors import NotADisclosureError
from core.records import Source
from ingest.readers.workbook import display, sheets_source


def read(data: bytes, path: str) -> Source:
    from openpyxl import load_workbook  # heavy: only when a workbook comes
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # data_only: the values a formula last computed, as a reader of the file sees them
        book = load_workbook(BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise NotADisclosureError(path, f"无法打开 Excel 工作簿（{type(exc).__name__}）；请在 Excel 中另存为 .xlsx 后再导入") from exc
    sheets = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue  # hidden sheets are working data, not what the department published
        rows = [[display(c.value, c.number_format) for c in row] for row in ws.iter_rows()]
        sheets.append((ws.title, rows))
    return sheets_source(path, "xlsx", hashlib.sha256(data).hexdigest(), sheets)
