"""What .xlsx and .xls readers share: a cell as displayed, and sheets → linear ``Source``.

A workbook stores 6,059,264.63 as a float; its number format (``#,##0.00``) says how many
places were meant. The value becomes a Decimal at that precision (never the float's binary
tail), printed as the cell shows it. Merged cells keep their value in the top-left cell and
leave the rest empty, as a text export does, so a spanning header inherits from its left.
Each sheet is one run of the linear form (``Place`` with the sheet name and its row 1): line
numbers count every sheet row, so a cited line maps back to the sheet's own row number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.records import Place, Source, SourceLine

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def display(value: object, number_format: str | None) -> str:
    """A cell's value as the workbook shows it (numbers exact at the displayed precision)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, int | float):
        return _number(value, number_format or "General")
    return str(value).strip()


def _number(value: float | int, fmt: str) -> str:
    section = _QUOTED.sub("", fmt.split(";")[0])
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if section.strip().lower() in ("general", "@", ""):
        text = format(exact.normalize(), "f") if exact == exact.to_integral() else format(exact, "f")
        return text
    percent = "%" in section
    if percent:
        exact *= 100
    decimals = re.search(r"\.([0#?]+)", section)
    places = len(decimals.group(1)) if decimals else 0
    try:
        q = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        q = exact
    text = f"{q:,.{places}f}" if "," in section else f"{q:.{places}f}"
    return text + "%" if percent else text


def sheets_source(
    path: str,
    fmt: str,
    sha256: str,
    sheets: Iterable[tuple[str, Sequence[Sequence[str]]]],
    notes: Mapping[str, Sequence[tuple[int, str]]] | None = None,
) -> Source:
    """The linear form of a workbook: every row of every sheet, in order, one line each.
    ``notes``: by sheet, (row index, message) of what could not be read, reported at its line."""
    lines: list[SourceLine] = []
    places: list[Place] = []
    noted: list[tuple[int, str]] = []
    for name, rows in sheets:
        width = max((max((i + 1 for i, c in enumerate(r) if c), default=0) for r in rows), default=0)
        if width == 0:
            continue  # an empty sheet
        places.append(Place(len(lines) + 1, sheet=name, row=1))
        noted += [(len(lines) + 1 + r, message) for r, message in (notes or {}).get(name, ())]
        for row in rows:
            cells = tuple(list(row[:width]) + [""] * (width - len(row[:width])))
            no = len(lines) + 1
            if any(cells):
                lines.append(SourceLine(no, "\t".join(cells).rstrip(), cells))
            else:
                lines.append(SourceLine(no, ""))
    return Source(path, fmt, sha256, tuple(lines), tuple(places), notes=tuple(noted))
