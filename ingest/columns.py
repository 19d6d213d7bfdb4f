"""Cut space-aligned table text (copied from a PDF) into cells by position.

A line of such text is runs of characters separated by two or more spaces. Within one table,
the numbers of a column overlap each other from row to row (right-, left- or centre-aligned
alike), so the columns are the groups of overlapping number and text runs of the data rows.
Positions are measured both in characters and in display width (a CJK character is two
columns wide in a monospaced editor); the measure in which no row puts two runs into one
column wins. Header words are assigned to the columns under them; a spanning header word
takes the block of columns it is centred over. A row with a name only and no amounts
continues the long 科目名称 of the row above it when it is not a row of its own (no code in a
coded table, no list marker, no total). Blank positions stay blank cells: no amount.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core.records import SourceLine
from core.text import parse_number

_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_LIST_MARK = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])")
_TOTAL = re.compile(r"(合计|总计|小计)$")


@dataclass(frozen=True)
class _Run:
    text: str
    start: int
    end: int
    number: bool


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _runs(text: str, wide: bool) -> list[_Run]:
    """Runs of a line. One space joins the words of a name; a 科目编码 joins the name after it
    ('2012901    行政运行': one run); numbers are never joined."""
    runs: list[_Run] = []
    for m in re.finditer(r"\S+", text):
        pre, piece = text[: m.start()], m.group()
        start = sum(_width(c) for c in pre) if wide else len(pre)
        end = start + (sum(_width(c) for c in piece) if wide else len(piece))
        number = _is_number(piece)
        if runs and not number:
            prev = runs[-1]
            gap = start - prev.end
            words = gap == 1 and not prev.number
            code_name = _CODE.match(prev.text) is not None and (
                len(runs) == 1 or gap <= 2 or len(prev.text) in (5, 7)
            )
            if words or code_name:
                runs[-1] = _Run(f"{prev.text} {piece}", prev.start, end, False)
                continue
        runs.append(_Run(piece, start, end, number))
    return runs


def _is_number(text: str) -> bool:
    return parse_number(text)[0] in ("amount", "percent", "error") or text in ("-", "—", "－")


def align_grid(grid: list[SourceLine]) -> list[SourceLine]:
    """The grid with every aligned line cut into cells; other grids are returned as they are."""
    if not any(g.aligned for g in grid):
        return grid
    best: tuple[tuple[int, int], list[SourceLine]] | None = None
    for wide in (False, True):
        lines, conflicts, columns = _cut(grid, wide)
        key = (conflicts, -columns)
        if best is None or key < best[0]:
            best = (key, lines)
    assert best is not None
    return best[1]


def _cut(grid: list[SourceLine], wide: bool) -> tuple[list[SourceLine], int, int]:
    runs = [_runs(g.text, wide) for g in grid]
    first_data = next((k for k, rs in enumerate(runs) if _is_data(rs)), len(runs))
    spans = _columns([r for rs in runs[first_data:] for r in rs])
    if not spans:
        return grid, 0, 0
    conflicts = 0
    cells_of: list[list[str]] = []
    for rs in runs[first_data:]:
        cells = [""] * len(spans)
        for r in rs:
            c = _column_of(r, spans)
            if cells[c]:
                conflicts += 1
                cells[c] = f"{cells[c]} {r.text}"
            else:
                cells[c] = r.text
        cells_of.append(cells)
    header = _header(runs[:first_data], spans)
    out = [SourceLine(g.no, g.text, tuple(h)) for g, h in zip(grid[:first_data], header, strict=True)]
    out += _rejoin_wrapped(
        [SourceLine(g.no, g.text, tuple(c)) for g, c in zip(grid[first_data:], cells_of, strict=True)]
    )
    return out, conflicts, len(spans)


def _is_data(runs: list[_Run]) -> bool:
    return any(r.number for r in runs[1:]) or (bool(runs) and _CODE.match(runs[0].text.split()[0]) is not None)


def _columns(runs: list[_Run]) -> list[tuple[int, int]]:
    """Groups of overlapping runs, left to right, as (start, end)."""
    spans: list[list[int]] = []
    for r in sorted(runs, key=lambda r: r.start):
        if spans and r.start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], r.end)
        else:
            spans.append([r.start, r.end])
    return [(s, e) for s, e in spans]


def _column_of(run: _Run, spans: list[tuple[int, int]]) -> int:
    overlap = [k for k, (s, e) in enumerate(spans) if run.start < e and s < run.end]
    if overlap:
        return overlap[0]
    centre = (run.start + run.end) / 2
    return min(range(len(spans)), key=lambda k: abs((spans[k][0] + spans[k][1]) / 2 - centre))


def _header(lines: list[list[_Run]], spans: list[tuple[int, int]]) -> list[list[str]]:
    """Header words over their columns; a word over several columns repeats across them."""
    width = len(spans)
    owner: list[list[int | None]] = [[None] * width for _ in lines]
    words: list[list[_Run]] = []
    for k, runs in enumerate(lines):
        words.append(runs)
        for w, run in enumerate(runs):
            covered = [c for c, (s, e) in enumerate(spans) if run.start < e and s < run.end]
            for c in covered or [_column_of(run, spans)]:
                if owner[k][c] is None:
                    owner[k][c] = w
    for k in range(len(lines) - 1):
        below = [any(owner[j][c] is not None for j in range(k + 1, len(lines))) for c in range(width)]
        for w, run in enumerate(words[k]):
            _widen(owner[k], w, run, spans, below)
    out = []
    for k, runs in enumerate(words):
        out.append([runs[o].text if o is not None else "" for o in owner[k]])
    return _unwrap(out, owner)


def _widen(owner: list[int | None], w: int, run: _Run, spans: list[tuple[int, int]], below: list[bool]) -> None:
    """Give a spanning word the block of free columns (with words below) it is centred over."""
    mine = [c for c, o in enumerate(owner) if o == w]
    if not mine:
        return
    lo, hi = min(mine), max(mine)
    centre = (run.start + run.end) / 2

    def free(c: int) -> bool:
        return owner[c] is None and below[c]

    best = (lo, hi)
    best_cost = abs((spans[lo][0] + spans[hi][1]) / 2 - centre)
    a = lo
    while True:
        b = hi
        while True:
            if (a, b) != (lo, hi):
                cost = abs((spans[a][0] + spans[b][1]) / 2 - centre)
                tolerance = 1 + 0.1 * (spans[b][1] - spans[a][0])
                if cost <= max(best_cost, tolerance) and (b - a) > (best[1] - best[0]):
                    best, best_cost = (a, b), min(best_cost, cost)
            if b + 1 < len(owner) and free(b + 1):
                b += 1
            else:
                break
        if a - 1 >= 0 and free(a - 1):
            a -= 1
        else:
            break
    for c in range(best[0], best[1] + 1):
        owner[c] = w


def _unwrap(header: list[list[str]], owner: list[list[int | None]]) -> list[list[str]]:
    """Two header lines whose words stand one over one ('本年支出' over '合计') with no word
    spanning columns are one label wrapped onto two lines: join them."""
    out = [list(h) for h in header]
    k = 0
    while k + 1 < len(out):
        upper, lower = owner[k], owner[k + 1]
        used = [o for o in upper if o is not None]
        one_to_one = len(used) == len(set(used)) and used
        stacked = all(lower[c] is not None for c, o in enumerate(upper) if o is not None)
        if one_to_one and stacked:
            merged = [f"{a}{b}" if a else b for a, b in zip(out[k], out[k + 1], strict=True)]
            out[k : k + 2] = [merged]
            owner[k : k + 2] = [[lo if lo is not None else up for up, lo in zip(upper, lower, strict=True)]]
            continue
        k += 1
    return out


def _rejoin_wrapped(lines: list[SourceLine]) -> list[SourceLine]:
    """A name-only line that continues the row above (see the module docstring) joins it."""
    coded = sum(1 for ln in lines if _code_of(ln)) >= max(2, len(lines) // 3)
    out: list[SourceLine] = []
    for line in lines:
        cells = line.cells or ()
        filled = [c for c in cells if c]
        prev = out[-1] if out else None
        if prev is not None and len(filled) == 1 and _continues(prev, filled[0], coded):
            k = next(i for i, c in enumerate(cells) if c)
            joined = list(prev.cells or ())
            if k < len(joined) and joined[k] and not _is_number(joined[k]):
                joined[k] = joined[k] + filled[0]
                out[-1] = SourceLine(prev.no, prev.text, tuple(joined))
                continue
        out.append(line)
    return out


def _code_of(line: SourceLine) -> str | None:
    first = next((c for c in line.cells or () if c), "")
    head = first.split()[0] if first else ""
    return head if _CODE.match(head) else None


def _continues(prev: SourceLine, text: str, coded: bool) -> bool:
    if _is_number(text) or _LIST_MARK.match(text) or _TOTAL.search(text) or _CODE.match(text.split()[0]):
        return False
    if coded:
        return _code_of(prev) is not None
    return any(_is_number(c) for c in (prev.cells or ())[1:] if c)
