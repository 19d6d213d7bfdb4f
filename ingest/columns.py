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
            code_name = _CODE.match(prev.text) is not None
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
    spans = _columns([r for rs in runs[first_data:] for r in rs], runs[:first_data])
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
    out = [SourceLine(grid[k].no, grid[k].text, tuple(h)) for k, h in header]
    out += _rejoin_wrapped(
        [SourceLine(g.no, g.text, tuple(c)) for g, c in zip(grid[first_data:], cells_of, strict=True)]
    )
    return out, conflicts, len(spans)


def _is_data(runs: list[_Run]) -> bool:
    return any(r.number for r in runs) or (bool(runs) and _CODE.match(runs[0].text.split()[0]) is not None)


def _overlaps(run: _Run, span: tuple[int, int]) -> bool:
    return run.start < span[1] and span[0] < run.end


def _columns(data: list[_Run], header: list[list[_Run]]) -> list[tuple[int, int]]:
    """Groups of overlapping runs, left to right, as (start, end). A header word with no word
    under it is a column of its own even where no row has a value in it (a blank column)."""
    runs = list(data)
    for k, line in enumerate(header):
        for run in line:
            alone = not any(_overlaps(run, (o.start, o.end)) for lower in header[k + 1 :] for o in lower)
            # two columns apart from every value: a column of its own, not a word beside one
            apart = not any(_overlaps(_Run("", run.start - 2, run.end + 2, False), (d.start, d.end)) for d in runs)
            if alone and apart:
                runs.append(run)
    spans: list[list[int]] = []
    for r in sorted(runs, key=lambda r: r.start):
        if spans and r.start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], r.end)
        else:
            spans.append([r.start, r.end])
    return [(s, e) for s, e in spans]


def _column_of(run: _Run, spans: list[tuple[int, int]]) -> int:
    overlap = [k for k, span in enumerate(spans) if _overlaps(run, span)]
    if overlap:
        return overlap[0]
    centre = (run.start + run.end) / 2
    return min(range(len(spans)), key=lambda k: abs((spans[k][0] + spans[k][1]) / 2 - centre))


def _header(lines: list[list[_Run]], spans: list[tuple[int, int]]) -> list[tuple[int, list[str]]]:
    """(index of the line, header cells) with words over their columns; a word over several
    columns repeats across them, words sharing a column are joined ('科目编码 科目名称')."""
    width = len(spans)
    owner: list[list[list[int]]] = [[[] for _ in range(width)] for _ in lines]
    for k, runs in enumerate(lines):
        for w, run in enumerate(runs):
            covered = [c for c, span in enumerate(spans) if _overlaps(run, span)]
            for c in covered or [_column_of(run, spans)]:
                owner[k][c].append(w)
    for k in range(len(lines) - 1):
        below = [any(owner[j][c] for j in range(k + 1, len(lines))) for c in range(width)]
        for w, run in enumerate(lines[k]):
            _widen(owner[k], w, run, spans, below)
    text = [[" ".join(lines[k][w].text for w in owner[k][c]) for c in range(width)] for k in range(len(lines))]
    return _unwrap(list(range(len(lines))), text, owner)


def _widen(owner: list[list[int]], w: int, run: _Run, spans: list[tuple[int, int]], below: list[bool]) -> None:
    """Give a spanning word the block of free columns (with words below) it is centred over:
    of the blocks around its own columns, the best centred; of those about as well centred,
    the widest."""
    mine = [c for c, o in enumerate(owner) if o == [w]]
    if not mine:
        return
    lo, hi = min(mine), max(mine)
    centre = (run.start + run.end) / 2
    left = lo
    while left - 1 >= 0 and not owner[left - 1] and below[left - 1]:
        left -= 1
    right = hi
    while right + 1 < len(owner) and not owner[right + 1] and below[right + 1]:
        right += 1
    blocks = [(a, b) for a in range(left, lo + 1) for b in range(hi, right + 1)]

    def cost(block: tuple[int, int]) -> float:
        return abs((spans[block[0]][0] + spans[block[1]][1]) / 2 - centre)

    least = min(cost(b) for b in blocks)
    near = [b for b in blocks if cost(b) <= least + 3]
    a, b = max(near, key=lambda blk: (blk[1] - blk[0], -cost(blk)))
    for c in range(a, b + 1):
        owner[c] = [w]


def _unwrap(
    index: list[int], text: list[list[str]], owner: list[list[list[int]]]
) -> list[tuple[int, list[str]]]:
    """Two header lines whose words stand one over one ('本年支出' over '合计') with no word
    spanning columns are one label wrapped onto two lines: join them."""
    k = 0
    while k + 1 < len(text):
        upper, lower = owner[k], owner[k + 1]
        used = [tuple(o) for o in upper if o]
        one_to_one = bool(used) and len(used) == len(set(used))
        stacked = all(lower[c] for c, o in enumerate(upper) if o)
        if one_to_one and stacked:
            text[k : k + 2] = [[f"{a}{b}" for a, b in zip(text[k], text[k + 1], strict=True)]]
            owner[k : k + 2] = [[up or lo for up, lo in zip(upper, lower, strict=True)]]
            index[k : k + 2] = [index[k]]
            continue
        k += 1
    return list(zip(index, text, strict=True))


def _rejoin_wrapped(lines: list[SourceLine]) -> list[SourceLine]:
    """A name-only line that continues the row above (see the module docstring) joins it."""
    coded = sum(1 for ln in lines if _code_of(ln)) >= max(2, len(lines) // 3)
    widths: dict[int, int] = {}
    for line in lines:
        for k, c in enumerate(line.cells or ()):
            widths[k] = max(widths.get(k, 0), len(_name_part(c)))
    out: list[SourceLine] = []
    for line in lines:
        cells = line.cells or ()
        filled = [c for c in cells if c]
        prev = out[-1] if out else None
        if prev is not None and len(filled) == 1 and _continues(prev, filled[0], coded):
            k = next(i for i, c in enumerate(cells) if c)
            joined = list(prev.cells or ())
            # a name wraps only when it fills its column: a shorter one ended where it stands
            full = k < len(joined) and len(_name_part(joined[k])) >= widths.get(k, 0) - 1
            if full and joined[k] and not _is_number(joined[k]):
                joined[k] = joined[k] + filled[0]
                out[-1] = SourceLine(prev.no, prev.text, tuple(joined))
                continue
        out.append(line)
    return out


def _name_part(cell: str) -> str:
    head, _, rest = cell.partition(" ")
    return rest if _CODE.match(head) and rest else cell


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
