"""Find the tables in a linear form and tell them from the narrative around them.

A table starts at a title line that names a table kind (…预算表, …决算表, …总表; numbered
表1 / 表一 / 附表1 / 附件1 / （一） or not) and is confirmed by what follows it — a unit, meta,
subtitle, note or header line, or a grid — or by the 目录 listing it, or by a '#' mark. It runs
until the next title, a new workbook sheet, or text that is narrative again (a 第X部分 heading,
a '#' heading, a sentence). Its number comes from the 目录, else from its own title, else
(when no table in the document is numbered) from its order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from core.records import SourceLine, Table
from core.text import parse_number
from ingest.columns import align_grid
from ingest.grid import RawTable, build_table
from ingest.lines import (
    FORM_CODE,
    SUBTITLE,
    TERMINAL,
    UNIT,
    bare_table_number,
    flat,
    heading_text,
    is_blank,
    is_note,
    is_page_mark,
    is_separator,
    meta_fields,
    names_a_table,
    split_title_number,
    strip_unit,
    unit_of,
)
from ingest.toc import norm_title

Warn = Callable[[int, str], None]
_HEADER_WORDS = re.compile(r"科目编码|科目名称|项目|预算数|决算数|合计|总计|金额|收入|支出|指标")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_LEVEL_ONE = re.compile(r"^[一二三四五六七八九十]+、\S")
_LOOKAHEAD = 4
_BARE_OR_TITLED = re.compile(r"^(?:附\s*表|附\s*件|表)\s*(?:[一二三四五六七八九十]+|\d+)")


def split_document(
    lines: list[SourceLine],
    toc: list[tuple[int, str]],
    skip: range,
    sheet_starts: Mapping[int, str],
    warn: Warn,
) -> tuple[list[list[SourceLine]], list[RawTable]]:
    """(narrative regions, raw tables) in document order; ``skip`` indexes the 目录 lines."""
    regions: list[list[SourceLine]] = [[]]
    raws: list[RawTable] = []
    current: RawTable | None = None
    pending_no: int | None = None
    joined: set[int] = set()  # second lines of titles wrapped onto two lines
    for i, line in enumerate(lines):
        if i in skip or i in joined:
            continue
        if line.no in sheet_starts:
            # '表一 收支总表': the sheet's number is its tables' number where their titles have none
            sheet_no = split_title_number(sheet_starts[line.no].strip() + " 表")[0]
            pending_no = sheet_no if _BARE_OR_TITLED.match(sheet_starts[line.no].strip()) else None
            current = _sheet_table(lines, i, sheet_starts, toc)
            if current is not None:
                raws.append(current)
                regions.append([])
        if is_blank(line) or is_separator(line) or is_page_mark(line):
            continue
        if (bare := bare_table_number(line)) is not None and _next_is_title(lines, i, toc):
            pending_no = bare  # '表一' on its own line, the title on the next
            continue
        title = _title_at(lines, i, toc)
        if title is None and (wrapped := _wrapped_title(lines, i, toc)) is not None:
            title, second = wrapped
            joined.add(second)
        if title is not None:
            no, text, unit = title
            current = RawTable(text, line.no, no=no if no is not None else pending_no, unit=unit)
            raws.append(current)
            if line.no not in sheet_starts and not any(lines[k].no in sheet_starts for k in range(max(0, i - 3), i)):
                pending_no = None  # a number on a line of its own belongs to one title
            continue
        if current is not None and _add_to_table(current, lines, i, warn):
            continue
        if current is not None:
            current = None
            regions.append([])
        regions[-1].append(line)
    return [r for r in regions if r], raws


def _title_at(lines: list[SourceLine], i: int, toc: list[tuple[int, str]]) -> tuple[int | None, str, str | None] | None:
    line = lines[i]
    if line.cells is not None and (
        len([c for c in line.cells if c.strip()]) > 3
        or any(parse_number(c)[0] in ("amount", "percent") for c in line.cells)
    ):
        return None
    text = flat(line)
    _, marked = heading_text(line.text)
    if not names_a_table(text):
        return None
    no, rest = split_title_number(text)
    if not (marked or _matches_toc(rest, toc) or _confirmed(lines, i)):
        return None
    return no, strip_unit(rest), unit_of(text)


def _wrapped_title(
    lines: list[SourceLine], i: int, toc: list[tuple[int, str]]
) -> tuple[tuple[int | None, str, str | None], int] | None:
    """A title wrapped onto the next line ('…（部门预算支出经济分类科' + '目）') and its second line."""
    line = lines[i]
    if line.cells is not None and not line.aligned:
        return None
    j = next((j for j in range(i + 1, min(len(lines), i + 3)) if not is_blank(lines[j])), None)
    if j is None or len(flat(lines[j])) > 20 or (lines[j].cells is not None and not lines[j].aligned):
        return None
    second = flat(lines[j])
    if names_a_table(second) or lines[j].text.strip().startswith("#") or not re.search(r"预算|决算|^(?:附)?表", flat(line)):
        return None
    text = flat(line) + second
    if names_a_table(flat(line)) or not names_a_table(text):
        return None
    merged = SourceLine(line.no, text)
    probe = [*lines[:i], merged, *lines[j + 1 :]]
    title = _title_at(probe, i, toc)
    return (title, j) if title is not None else None


def _next_is_title(lines: list[SourceLine], i: int, toc: list[tuple[int, str]]) -> bool:
    j = next((j for j in range(i + 1, len(lines)) if not is_blank(lines[j])), None)
    return j is not None and _title_at(lines, j, toc) is not None


def _confirmed(lines: list[SourceLine], i: int) -> bool:
    """What follows a title says it is one: a unit, meta, subtitle, note, header or grid line."""
    seen = 0
    for line in lines[i + 1 :]:
        if is_blank(line) or is_separator(line):
            continue
        text = flat(line)
        if names_a_table(text):
            return False  # another title: this one was a listing
        if (
            UNIT.match(text.replace(" ", ""))
            or meta_fields(text) is not None
            or SUBTITLE.match(text)
            or is_note(text)
            or (line.cells is not None and len([c for c in line.cells if c.strip()]) >= 2)
        ):
            return True
        if seen >= _LOOKAHEAD:
            return False
        if _HEADER_WORDS.search(text) and len(text) <= 30 and "。" not in text:
            return True
        seen += 1
    return False


def _matches_toc(heading: str, toc: list[tuple[int, str]]) -> bool:
    key = norm_title(heading)
    return any(key and (key in norm_title(t) or norm_title(t).startswith(key)) for _, t in toc)


def _sheet_table(
    lines: list[SourceLine], i: int, sheet_starts: Mapping[int, str], toc: list[tuple[int, str]]
) -> RawTable | None:
    """A sheet whose rows start without a title line: the sheet's name is the table's title."""
    for j in range(i, min(len(lines), i + _LOOKAHEAD + 2)):
        if j > i and lines[j].no in sheet_starts:
            return None  # an empty sheet
        if is_blank(lines[j]) or is_separator(lines[j]):
            continue
        if _title_at(lines, j, toc) is not None:
            return None
        sheet = sheet_starts[lines[i].no].strip()
        no, rest = split_title_number(sheet)
        if not (names_a_table(sheet) or _BARE_OR_TITLED.match(sheet)):
            return None  # '说明': a sheet of text
        return RawTable(strip_unit(rest), lines[i].no, no=no, unit=unit_of(sheet))
    return None


def _add_to_table(raw: RawTable, lines: list[SourceLine], i: int, warn: Warn) -> bool:
    """Take line ``i`` into the table; False when it is narrative again (the table has ended)."""
    line = lines[i]
    text = flat(line)
    if (m := SUBTITLE.match(text)) and not raw.grid and raw.subtitle is None:
        raw.subtitle = m.group(1)
    elif (m := UNIT.match(text.replace(" ", ""))) and len(text) <= 12:
        raw.unit = m.group(1)
    elif (meta := meta_fields(text)) is not None:
        if "单位" in meta:
            raw.unit = meta.pop("单位")
        raw.meta.update(meta)
    elif is_note(text):
        raw.notes.append(text)
    elif FORM_CODE.match(text.replace(" ", "")):
        raw.meta["表号"] = text  # '公开01表': the template's form number
        if raw.no is None and (digits := re.search(r"\d+", text)):
            raw.no = int(digits.group())
    elif line.cells is not None:
        if not _repeats_header(raw, line):  # a header printed again on the next page
            raw.grid.append(line)
    elif _ends_table(raw, line, text):
        return False
    elif _name_only_row(raw, text):
        raw.grid.append(SourceLine(line.no, line.text, (text,)))  # a row with no amounts
    elif any(g.aligned for g in raw.grid) and len(text) <= 40:
        # a row with no amounts, or the wrapped end of a long 科目名称: cut by position later
        raw.grid.append(SourceLine(line.no, line.text, (text,), aligned=True))
    elif raw.grid and "绩效" in raw.title and len(text) > 20:
        raw.grid.append(SourceLine(line.no, line.text, (text.strip(),)))
    else:
        warn(line.no, f"表格“{raw.title[:20]}”中有无法识别的行，已跳过：{text[:30]}")
    return True


def _name_only_row(raw: RawTable, text: str) -> bool:
    """An item with no amounts whose empty cells the export dropped ('其他收入'). Only where rows
    are items (收支总表), not 科目 with codes: there a line without a code is not a row."""
    if not raw.grid or len(text) > 30 or text.endswith(TERMINAL) or any(g.aligned for g in raw.grid):
        return False
    return not any("编码" in c or "代码" in c for g in _header_lines(raw) for c in g.cells or ())


def _repeats_header(raw: RawTable, line: SourceLine) -> bool:
    """After data rows, a line equal to one of the table's header lines is the header printed
    again at the top of the next page."""
    header = _header_lines(raw)
    if len(header) == len(raw.grid):
        return False  # no data yet: still the header
    text = flat(line)
    return any(flat(g) == text for g in header)


def _header_lines(raw: RawTable) -> list[SourceLine]:
    out = []
    for g in raw.grid:
        if any(parse_number(c)[0] in ("amount", "percent") for c in g.cells or ()):
            break
        out.append(g)
    return out


def _ends_table(raw: RawTable, line: SourceLine, text: str) -> bool:
    heading, marked = heading_text(line.text)
    if _PART.match(heading) or marked:
        return True
    if _LEVEL_ONE.match(heading) and raw.grid and not any(g.aligned for g in raw.grid):
        return True
    return len(text) >= 30 and "。" in text and "绩效" not in raw.title


def number_tables(raws: list[RawTable], toc: list[tuple[int, str]], warn: Warn) -> list[Table]:
    """Each raw table's number (目录, else its title, else its order) and part, then its grid."""
    ordinal = not toc and all(r.no is None for r in raws)
    tables: list[Table] = []
    seen: dict[int, int] = {}
    for k, raw in enumerate(raws, 1):
        no = _toc_number(raw, toc) if toc else raw.no
        if no is None and toc:
            no = raw.no
            if no is None:
                warn(raw.line, f"表格“{raw.title}”不在目录中")
        if ordinal:
            no = k
        part = seen.get(no, 0) + 1 if no is not None else 1
        if no is not None:
            seen[no] = part
        raw.grid = align_grid(raw.grid)
        tables.append(build_table(raw, no, part, warn))
    return tables


def _toc_number(raw: RawTable, toc: list[tuple[int, str]]) -> int | None:
    full = norm_title(raw.title + (f"({raw.subtitle})" if raw.subtitle else ""))
    title = norm_title(raw.title)
    for no, t in toc:
        if norm_title(t) == full:
            return no
    candidates = [no for no, t in toc if norm_title(t).startswith(title) or title.startswith(norm_title(t))]
    if len(candidates) == 1:
        return candidates[0]
    if raw.subtitle:
        sub = norm_title(raw.subtitle)
        narrowed = [no for no in candidates if sub in norm_title(dict(toc)[no])]
        if len(narrowed) == 1:
            return narrowed[0]
    if raw.no is not None and raw.no in candidates:
        return raw.no
    return candidates[0] if candidates else None
