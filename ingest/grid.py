"""One table's grid → ``Table``: header rows → column paths, data rows → typed cells.

Every reader ends here: tab/pipe text, space-aligned PDF text (cut into cells by
``ingest.columns`` first), workbook rows, ``<tr>`` rows. Header rows are those before the first
data row; an empty upper header cell under a spanning title inherits from its left; a
栏次/行次 row (column numbers 1 2 3 …) is a header row, not data. 科目编码 give the hierarchy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from core.records import Cell, Row, SourceLine, Table
from core.text import clean_cell, join_cjk_spaces, parse_number, squash
from ingest.lines import strip_unit, unit_of

Warn = Callable[[int, str], None]

CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
CODE_IN_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s+(\S.*)$")
_NAME_HEADERS = {"科目名称", "项目", "项目名称", "支出功能分类科目", "名称", "科目"}
_CODE_HEADERS = {"科目编码", "功能分类科目编码", "经济分类科目编码", "编码", "科目代码"}
_LABEL_COLUMN = re.compile(r"(编码|代码|序号|编号|行次|栏次)$")
# A column of rates, not amounts: 完成率, 增幅, 比重, …(%)
_RATE_COLUMN = re.compile(r"(率|增幅|增减幅度|比重|占比|%|％)(?:\(%\))?$")
_NUMBER_ROW = {"栏次", "行次", "序号"}
# Labels of the standard 绩效目标表 form (MOF template), used to pair keys with values.
_FORM_KEYS = (
    "专项资金名称", "项目名称", "业务主管部门", "主管部门", "当年预算", "区级支出", "补助镇街", "项目概况",
    "立项依据", "当年绩效目标", "年度绩效目标", "部门(单位)名称", "部门名称", "部门支出预算数",
    "当年整体绩效目标", "实施单位", "资金总额", "年度资金总额",
)  # fmt: skip
_INDICATOR_NAMES = ("指标名称", "三级指标")  # the column naming each indicator
# An indicator's target as printed: '≥60家', '=100%', '≤4小时', '90'
_TARGET = re.compile(r"^\s*(?:[≥≤=<>＞＜≧≦]|不低于|不高于|不少于|不超过|大于|小于|达到)?\s*([-+]?\d[\d,]*(?:\.\d+)?)\s*(%|[\u4e00-\u9fff（）()]{0,6})\s*$")


@dataclass
class RawTable:
    """A table as found in the linear form, before its grid is read."""

    title: str
    line: int
    no: int | None = None  # the number printed in its title (表1, 附表3), if any
    subtitle: str | None = None
    unit: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    grid: list[SourceLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def build_table(raw: RawTable, no: int | None, part: int, warn: Warn) -> Table:
    header_lines, data_lines = split_header(raw.grid)
    width = max((len(ln.cells or []) for ln in raw.grid), default=0)
    header = [_pad([clean_cell(c) for c in ln.cells or []], width) for ln in header_lines]
    header = [row for row in header if not _is_number_row(row)]
    header_unit = next((u for row in header for c in row if (u := unit_of(c))), None)
    header = [[strip_unit(c) for c in row] for row in header]
    unit = raw.unit or header_unit or unit_of(raw.title) or "元"
    note = "；".join(raw.notes) or None
    common = {
        "no": no,
        "title": raw.title,
        "unit": unit,
        "line": raw.line,
        "subtitle": raw.subtitle,
        "note": note,
        "part": part,
    }
    if "绩效目标" in raw.title or "绩效目标" in (raw.subtitle or ""):
        rows, columns = _parse_form(raw, warn)
        status = "data" if any(c.kind != "blank" for r in rows for c in r.cells) else "empty"
        form_header = (tuple(columns),) if columns else ()
        return Table(
            **common, status=status, header=form_header, columns=tuple(columns), rows=tuple(rows), form=True
        )
    columns = column_paths(header, width)
    data_lines = [ln for ln in data_lines if not _is_number_row([clean_cell(c) for c in ln.cells or []])]
    rows = _grid_rows(data_lines, columns, warn)
    has_values = any(c.kind not in ("blank", "text") for r in rows for c in r.cells)
    status = "data" if has_values else "empty"
    if status == "empty" and not note:
        warn(raw.line, f"表格“{raw.title}”没有数据，也没有“本部门无…”说明")
    return Table(
        **common,
        status=status,
        header=tuple(tuple(h) for h in header),
        columns=tuple(columns),
        rows=tuple(rows),
    )


def _pad(cells: list[str], width: int) -> list[str]:
    return cells + [""] * (width - len(cells))


def _is_number_row(cells: list[str]) -> bool:
    """'栏次 | | 1 | 2 | 3': the template's column numbers."""
    first = next((c for c in cells if c), "")
    return squash(first) in _NUMBER_ROW and all(c.isdigit() or not c for c in cells if c != first)


def is_data_line(line: SourceLine) -> bool:
    cells = [clean_cell(c) for c in line.cells or []]
    if not any(cells) or _is_number_row(cells):
        return False
    first = next((c for c in cells if c), "")
    if CODE.match(first) or CODE_IN_NAME.match(first):
        return True
    if first.replace(" ", "") in ("合计", "总计") or first.startswith(("一、", "二、", "三、")):
        # '合计' opens a data row unless it is a header label beside other labels (三公 table).
        kinds = [parse_number(c)[0] for c in cells if c and c != first]
        return "amount" in kinds or "text" not in kinds
    return any(parse_number(c)[0] in ("amount", "percent") for c in cells)


def split_header(grid: list[SourceLine]) -> tuple[list[SourceLine], list[SourceLine]]:
    for i, line in enumerate(grid):
        if is_data_line(line):
            return grid[:i], grid[i:]
    return grid, []


def _realign_spans(header: list[list[str]]) -> list[list[str]]:
    """Put spanning titles over the repeated blocks they head.

    Exported merged cells can land one column off ('2023年预算数' over the last column of the
    2024 block). When the row below repeats the same block of labels once per spanning title,
    each title belongs at the start of its block.
    """
    out = [list(row) for row in header]
    for r in range(len(out) - 1):
        upper, lower = out[r], out[r + 1]
        ups = [i for i, x in enumerate(upper) if x]
        first = next((x for x in lower if x), None)
        starts = [i for i, x in enumerate(lower) if x and x == first]
        if len(ups) >= 2 and len(starts) == len(ups) and starts != ups and starts[0] == ups[0]:
            row = [""] * len(upper)
            for i, j in zip(starts, ups, strict=True):
                row[i] = upper[j]
            out[r] = row
    return out


def column_paths(header: list[list[str]], width: int) -> list[str]:
    """Header path per column. An empty upper cell under a spanning title inherits from its left."""
    filled = _realign_spans(header)
    for r, row in enumerate(filled[:-1]):
        last = ""
        for c in range(width):
            if row[c]:
                last = row[c]
            elif last and any(filled[k][c] for k in range(r + 1, len(filled))):
                row[c] = last
    paths = []
    for c in range(width):
        parts: list[str] = []
        for row in filled:
            part = squash(row[c]) if c < len(row) else ""
            if part and (not parts or parts[-1] != part):
                parts.append(part)
        paths.append("/".join(parts))
    return paths


def _is_name_header(leaf: str) -> bool:
    words = leaf.split()
    return leaf in _NAME_HEADERS or (bool(words) and words[-1] in _NAME_HEADERS) or leaf.endswith("科目名称")


def _is_code_header(leaf: str) -> bool:
    return leaf in _CODE_HEADERS or leaf.endswith("编码")


def _grid_rows(data_lines: list[SourceLine], columns: list[str], warn: Warn) -> list[Row]:
    width = len(columns)
    leaves = [p.split("/")[-1] if p else "" for p in columns]
    name_cols = [c for c, leaf in enumerate(leaves) if _is_name_header(leaf)]
    code_cols = [c for c, leaf in enumerate(leaves) if _is_code_header(leaf)]
    if len(name_cols) > 1 and not _side_by_side(name_cols, code_cols, columns):
        # '项目名称 | 科目编码 | 科目名称' is one row with a classification, not two sides.
        name_cols = name_cols[:1]
        code_cols = [c for c in code_cols if c == name_cols[0] - 1]
    if not name_cols and code_cols:
        name_cols = [code_cols[0] + 1] if code_cols[0] + 1 < width else []
    if not name_cols and width and not leaves[0]:
        name_cols = [0]  # an unlabelled first column of names (a workbook's merged corner)
    groups = _groups(name_cols, code_cols, width)
    rows: list[Row] = []
    for line in data_lines:
        cells = _pad([clean_cell(c) for c in line.cells or []], width)
        if len([c for c in (line.cells or [])[width:] if c.strip()]):
            warn(line.no, f"该行有 {len(line.cells or [])} 个单元格，多于表头的 {width} 列，多出的已忽略")
        for group in groups:
            row = _grid_row(line.no, cells, columns, group)
            if row is not None:
                rows.append(row)
    codes = {r.code for r in rows if r.code}
    return [_with_parent(r, codes) for r in rows]


def _side_by_side(name_cols: list[int], code_cols: list[int], columns: list[str]) -> bool:
    """Two or more sides (收入 | 支出; 人员经费 | 公用经费 | 公用经费): each side has its own top
    header, or every side repeats the same labels (科目编码 科目名称 决算数)."""
    tops = {columns[c].split("/")[0] for c in name_cols if "/" in columns[c]}
    if len(tops) == len(name_cols):
        return True
    starts = [(c - 1 if c - 1 in code_cols else c) for c in name_cols]
    blocks = [
        tuple(p.split("/")[-1] for p in columns[s : (starts[i + 1] if i + 1 < len(starts) else len(columns))])
        for i, s in enumerate(starts)
    ]
    return all(c - 1 in code_cols for c in name_cols) and len({b[:3] for b in blocks}) == 1


@dataclass(frozen=True)
class _Group:
    name_col: int | None
    code_col: int | None
    value_cols: tuple[int, ...]
    label: str | None


def _groups(name_cols: list[int], code_cols: list[int], width: int) -> list[_Group]:
    """One group per name column; side-by-side tables (收入 | 支出) have two."""
    if not name_cols:
        return [_Group(None, None, tuple(range(width)), None)]
    starts = [(c - 1 if c - 1 in code_cols else c) for c in name_cols]
    groups = []
    for i, name_col in enumerate(name_cols):
        stop = starts[i + 1] if i + 1 < len(starts) else width
        code_col = name_col - 1 if name_col - 1 in code_cols else None
        label = "" if len(name_cols) > 1 else None
        groups.append(_Group(name_col, code_col, tuple(range(name_col + 1, stop)), label))
    return groups


def _grid_row(line_no: int, cells: list[str], columns: list[str], group: _Group) -> Row | None:
    name = cells[group.name_col] if group.name_col is not None else ""
    code = cells[group.code_col] if group.code_col is not None else None
    if code and not CODE.match(code):
        name, code = name or code, None
    if not code and (m := CODE_IN_NAME.match(name)):
        code, name = m.group(1), m.group(2)
    name = join_cjk_spaces(name)
    label = None
    if group.label is not None and group.name_col is not None:
        label = columns[group.name_col].split("/")[0] or None
    row_cells = []
    for c in group.value_cols:
        if not columns[c]:
            continue
        kind, value = parse_number(cells[c])
        if _LABEL_COLUMN.search(columns[c]) and kind == "amount":
            kind, value = "text", None  # a 科目编码 or row number, not an amount
        elif kind == "amount" and _RATE_COLUMN.search(columns[c].split("/")[-1]):
            kind = "percent"  # '完成率' printed without its % sign
        row_cells.append(Cell(columns[c], cells[c], kind, value))
    if not name and not code and all(c.kind == "blank" for c in row_cells):
        return None
    if group.name_col is not None and not name and not code and label:
        return None  # the empty side of a side-by-side row
    return Row(line_no, name, tuple(row_cells), code or None, None, label)


def _with_parent(row: Row, codes: set[str]) -> Row:
    if not row.code or len(row.code) <= 3:
        return row
    parent = row.code[:-2]
    if parent not in codes:
        return row
    return Row(row.line, row.name, row.cells, row.code, parent, row.group)


# --- 绩效目标表 (form layout) ------------------------------------------------------------------


def _parse_form(raw: RawTable, warn: Warn) -> tuple[list[Row], list[str]]:
    rows: list[Row | None] = []
    indicator_cols: list[str] = []
    previous: list[str] = []
    for line in raw.grid:
        cells = [clean_cell(c) for c in line.cells or []]
        if any(name in cells for name in _INDICATOR_NAMES):
            # a two-line header ('绩效指标' spanning 一级/二级/三级; '指标值' merged down):
            # labels of the line above fill the blanks of this one
            upper = previous if not any(parse_number(c)[0] == "amount" for c in previous) else []
            merged = [c or (upper[k] if k < len(upper) else "") for k, c in enumerate(cells)]
            indicator_cols = [squash(c) for c in merged]
            continue
        previous = cells
        first = next((c for c in cells if c), "")
        if indicator_cols and not (first and _is_form_key(first) and cells.index(first) == 0):
            rows.append(_project_name(line.no, cells, indicator_cols))
            rows.append(_project_row(line.no, cells, indicator_cols))
            rows.append(_indicator_row(line.no, cells, indicator_cols, warn))
            continue
        indicator_cols = []  # the next project's fields (several projects in one table)
        rows.extend(_form_fields(line.no, cells))
    return [r for r in rows if r is not None], indicator_cols


def _form_fields(line_no: int, cells: list[str]) -> list[Row]:
    present = [(i, c) for i, c in enumerate(cells) if c]
    out: list[Row] = []
    i = 0
    while i < len(present):
        _, key = present[i]
        value = ""
        if i + 1 < len(present) and not _is_form_key(present[i + 1][1]):
            value = present[i + 1][1]
            i += 1
        i += 1
        kind, number = parse_number(value)
        out.append(Row(line_no, join_cjk_spaces(key), (Cell("值", value, kind, number),)))
    return out


def _is_form_key(text: str) -> bool:
    key = squash(text)
    return any(key.startswith(squash(k)) for k in _FORM_KEYS)


_PROJECT_COLUMNS = ("项目名称", "项目", "专项资金名称")


def _project_name(line_no: int, cells: list[str], cols: list[str]) -> Row | None:
    """'妇女创业就业技能培训经费 | 产出指标 | 数量指标 | 培训妇女人数 …': a table of many
    projects' indicators names each project once, in its first column, on its first indicator;
    the rows below with that cell blank are the same project's. Kept as the form's 项目名称
    field, so every indicator belongs to the project named last above it (qa.catalog)."""
    if not cells or not cells[0] or not cols or squash(cols[0]) not in _PROJECT_COLUMNS:
        return None
    return Row(line_no, "项目名称", (Cell("值", join_cjk_spaces(cells[0]), "text", None),))


def _project_row(line_no: int, cells: list[str], cols: list[str]) -> Row | None:
    """'纸质文献采购 | 620,000.00 | 产出指标 …': the amounts left of the indicator belong to the
    project named in the first column."""
    name_at = next(cols.index(n) for n in _INDICATOR_NAMES if n in cols)
    if name_at < 2 or not cells or not cells[0]:
        return None
    amounts = []
    for c in range(1, min(name_at, len(cells))):
        kind, value = parse_number(cells[c])
        if kind == "amount" and cols[c]:
            amounts.append(Cell(cols[c], cells[c], kind, value))
    return Row(line_no, join_cjk_spaces(cells[0]), tuple(amounts)) if amounts else None


def _indicator_row(line_no: int, cells: list[str], cols: list[str], warn: Warn) -> Row | None:
    width = len(cols)
    cells = _pad(cells, width)[: max(width, len(cells))]
    name_at = next(cols.index(n) for n in _INDICATOR_NAMES if n in cols)
    # A row whose first cell is the indicator name and whose last cell is empty has lost its
    # leading (merged) cell: shift it right so the values line up with the header.
    shifted = (
        name_at > 0
        and cells[0]
        and cells[0] != cols[0]
        and not cells[-1]
        and parse_number(cells[0])[0] == "text"
        and parse_number(cells[name_at])[0] == "amount"
    )
    if shifted:
        cells = ["", *cells[:-1]]
        warn(line_no, "绩效指标行少了首列，已右移一列对齐表头")
    name = cells[name_at]
    if not name:
        return None
    row_cells = []
    for c, col in enumerate(cols):
        if c <= name_at or not col:
            continue
        raw_value = cells[c] if c < len(cells) else ""
        kind, value = parse_number(raw_value)
        if kind == "text" and (m := _TARGET.match(raw_value)):
            kind, value = "amount", parse_number(m.group(1))[1]  # '≥60家': the target is 60
        row_cells.append(Cell(col, raw_value, kind, value))
    return Row(line_no, join_cjk_spaces(name), tuple(row_cells))
