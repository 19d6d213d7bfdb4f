"""Parse a disclosure text file into a ``Document``: sections, paragraphs and tables.

The parser follows structure only — heading numbering (一、 （一） 1. （1）), the 目录,
table titles, header rows and 科目编码 — never line numbers or one department's names.
Tables may be tab-separated or ``|``-separated; blank lines inside a table (page breaks),
``-----`` separator lines and HTML tags are tolerated. Whatever cannot be read becomes a
``Warning_`` naming file and line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import NotADisclosureError
from core.records import Cell, Document, Paragraph, Row, Section, Table, Warning_
from core.text import clean_cell, cn_to_int, join_cjk_spaces, parse_number, squash, strip_html

_CN_NUM = "一二三四五六七八九十"
_HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^第[{_CN_NUM}]+部分")),
    (1, re.compile(rf"^[{_CN_NUM}]+、")),
    (2, re.compile(rf"^[（(][{_CN_NUM}]+[）)]")),
    (3, re.compile(r"^\d+[.．、](?!\d)")),
    (4, re.compile(r"^[（(]\d+[）)]")),
)
_TERMINAL = tuple("。！？；;：:")
_TABLE_WORDS = re.compile(r"(预算表|决算表|总表|明细表|目标表|情况表|分类表|表$|表[（(][^）)]*[）)]$)")
_TOC_ROW = re.compile(rf"^(?:\d+\s+)?表\s*([{_CN_NUM}]+|\d+)\s+(.+)$")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_IN_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s+(\S.*)$")
_UNIT = re.compile(r"^(?:金额)?单位\s*[:：]\s*(万元|元)")
_META = re.compile(r"^(部门全称|编制单位|部门名称|单位名称)\s*[:：]\s*(.*)$")
_NOTE = re.compile(r"^(备注|注)\s*[:：]")
_SEPARATOR = re.compile(r"^[\s|:：\-—=_+]*$")
_TITLE = re.compile(r"(\d{4})\s*年度?\s*(?:[^\s，。]{0,20}?)(?:部门|单位)?\s*(预算|决算)")
_SUBTITLE = re.compile(r"^[（(]([^()（）]{2,30})[）)]$")
_NAME_HEADERS = {"科目名称", "项目", "项目名称", "支出功能分类科目", "名称"}
_CODE_HEADERS = {"科目编码", "功能分类科目编码", "经济分类科目编码", "编码"}
# Labels of the standard 绩效目标表 form (MOF template), used to pair keys with values.
_FORM_KEYS = (
    "专项资金名称",
    "项目名称",
    "业务主管部门",
    "主管部门",
    "当年预算",
    "区级支出",
    "补助镇街",
    "项目概况",
    "立项依据",
    "当年绩效目标",
    "年度绩效目标",
    "部门(单位)名称",
    "部门名称",
    "部门支出预算数",
    "当年整体绩效目标",
    "实施单位",
    "资金总额",
    "年度资金总额",
)
_INDICATOR_HEADER = "指标名称"
_LABEL_COLUMN = re.compile(r"(编码|代码|序号|编号|行次|栏次)$")


@dataclass
class _Line:
    no: int
    text: str  # HTML stripped, right-stripped
    cells: list[str] | None  # set for table-like lines (tabs or pipes)


@dataclass
class _Builder:
    path: str
    warnings: list[Warning_] = field(default_factory=list)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Warning_(self.path, line, message))


def parse_file(path: Path | str) -> Document:
    """Read and parse one disclosure file. Raises ``NotADisclosureError`` when it is not one."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NotADisclosureError(str(path), f"无法读取文件（{exc.strerror}）") from exc
    return parse_bytes(data, str(path))


def parse_bytes(data: bytes, path: str) -> Document:
    if b"\x00" in data[:4096]:
        raise NotADisclosureError(path, "这是二进制文件，不是文本")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise NotADisclosureError(path, "文件编码既不是 UTF-8 也不是 GB18030")
    return parse_text(text, path, sha256=hashlib.sha256(data).hexdigest())


def parse_text(text: str, path: str, sha256: str | None = None) -> Document:
    b = _Builder(path)
    lines = [_read_line(i + 1, raw) for i, raw in enumerate(text.splitlines())]
    if not any(ln.text.strip() for ln in lines):
        raise NotADisclosureError(path, "文件是空的")
    toc_at, toc, toc_lines = _find_toc(lines)
    table_start = toc_at if toc_at is not None else _first_table_title(lines, toc)
    if table_start is None:
        raise NotADisclosureError(path, "没有找到“目录”或任何标准表格标题（如“部门收支预算总表”）")
    narrative = lines[:table_start]
    body = lines[table_start:] if toc_at is None else _skip_toc(lines, toc_at)
    sections = _parse_sections(narrative, b)
    tables = _parse_tables(body, toc, b)
    if not tables:
        raise NotADisclosureError(path, "目录之后没有找到任何表格", line=(toc_at or 0) + 1)
    title, year, kind = _title_year_kind(lines, tables, path)
    department = _department(lines, tables) or Path(path).stem
    _report_missing(toc, tables, b)
    unit = _majority_unit(tables)
    tables = _with_missing(toc, tables)
    return Document(
        id=doc_id_for(path),
        department=department,
        year=year,
        kind=kind,
        unit=unit,
        source_path=path,
        sha256=sha256 or hashlib.sha256(text.encode()).hexdigest(),
        title=title,
        sections=tuple(sections),
        tables=tuple(tables),
        toc=tuple(toc),
        toc_lines=toc_lines,
        warnings=tuple(b.warnings),
    )


def doc_id_for(path: str | Path) -> str:
    """Stable id from the file name: 'data/cq-yubei-kexie-2024-budget.txt' → 'cq-yubei-kexie-2024-budget'."""
    return Path(path).stem


# --- lines -----------------------------------------------------------------------------------


def _read_line(no: int, raw: str) -> _Line:
    text = strip_html(raw).rstrip().replace("\ufeff", "")
    stripped = text.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        inner = stripped.strip("|")
        return _Line(no, text, [c.strip() for c in inner.split("|")])
    if "\t" in raw.strip("\r\n "):
        # Trailing tabs are empty cells of a table row, not formatting: keep them.
        return _Line(no, text, [c.strip() for c in strip_html(raw).rstrip("\r\n").split("\t")])
    return _Line(no, text, None)


def _is_separator(line: _Line) -> bool:
    return bool(line.text.strip()) and bool(_SEPARATOR.match(line.text)) and "-" in line.text


def _heading_text(text: str) -> tuple[str, bool]:
    """('七、预算公开联系方式', True) for '## **七、预算公开联系方式**'; marked=True when '#'-prefixed."""
    stripped = text.strip()
    marked = stripped.startswith("#")
    stripped = stripped.strip("#").strip().replace("**", "").strip()
    return join_cjk_spaces(clean_cell(stripped)), marked


# --- 目录 ------------------------------------------------------------------------------------


def _find_toc(lines: list[_Line]) -> tuple[int | None, list[tuple[int, str]], tuple[int, ...]]:
    """Index of the 目录 heading, its (number, title) entries, and the source lines of both."""
    for i, line in enumerate(lines):
        heading, _ = _heading_text(line.text)
        if line.cells is None and "目录" in heading and len(heading) <= 40:
            entries, entry_lines = _toc_entries(lines[i + 1 :])
            return i, entries, (line.no, *entry_lines)
    return None, [], ()


def _toc_entries(lines: list[_Line]) -> tuple[list[tuple[int, str]], list[int]]:
    entries: list[tuple[int, str]] = []
    entry_lines: list[int] = []
    for line in lines:
        if not line.text.strip():
            continue
        cells = [c for c in (line.cells or line.text.split()) if c]
        joined = " ".join(clean_cell(c) for c in cells)
        m = _TOC_ROW.match(joined)
        if m:
            entries.append((_cn_to_int(m.group(1)), join_cjk_spaces(m.group(2).strip())))
            entry_lines.append(line.no)
        elif line.cells is None or (entries and not _is_toc_header(cells)):
            break
    return entries, entry_lines


def _is_toc_header(cells: list[str]) -> bool:
    return any(c in ("编号", "序号", "工作表名", "表名", "报表名称") for c in cells)


def _skip_toc(lines: list[_Line], toc_at: int) -> list[_Line]:
    i = toc_at + 1
    while i < len(lines):
        line = lines[i]
        heading, marked = _heading_text(line.text)
        if line.text.strip() and line.cells is None and (marked or _TABLE_WORDS.search(heading)):
            break
        i += 1
    return lines[i:]


def _cn_to_int(token: str) -> int:
    return cn_to_int(token)


def _first_table_title(lines: list[_Line], toc: list[tuple[int, str]]) -> int | None:
    for i, line in enumerate(lines):
        heading, _ = _heading_text(line.text)
        if line.cells is None and _looks_like_table_title(heading):
            return i
    return None


def _looks_like_table_title(heading: str) -> bool:
    return bool(_TABLE_WORDS.search(heading)) and len(heading) <= 80 and not heading.endswith("。")


# --- narrative -------------------------------------------------------------------------------


def _heading_level(text: str, marked: bool) -> int | None:
    """Level from the numbering, not from the count of '#'. None: not a heading."""
    short = len(text) <= 40 and not text.endswith(_TERMINAL[:2])
    for level, pattern in _HEADING_PATTERNS:
        if pattern.match(text):
            # '1.坚持党的领导。…' and '（一）收入预算：…。' are paragraphs that start with a number.
            colon_inside = re.search(r"[:：].", text) is not None
            if marked or (short and not colon_inside and not any(p in text for p in "。；")):
                return level
            return None
    if marked:
        return 0
    return None


def _parse_sections(lines: list[_Line], b: _Builder) -> list[Section]:
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    current: tuple[str, tuple[str, ...], int] = ("", (), 1)
    paragraphs: list[Paragraph] = []
    pending: tuple[list[str], list[int]] | None = None

    def flush_paragraph() -> None:
        nonlocal pending
        if pending:
            texts, nos = pending
            offsets = tuple(sum(len(t) for t in texts[:i]) for i in range(len(texts)))
            paragraphs.append(Paragraph("".join(texts), nos[0], tuple(nos), offsets))
        pending = None

    def flush_section() -> None:
        nonlocal paragraphs
        flush_paragraph()
        heading, path, line = current
        if heading or paragraphs:
            sections.append(Section(heading, path, line, tuple(paragraphs)))
        paragraphs = []

    for line in lines:
        raw = line.text.strip()
        if not raw:
            continue
        text, marked = _heading_text(raw)
        level = _heading_level(text, marked) if not (pending and not marked) else None
        if level is not None:
            flush_section()
            if level == 0:
                stack = []
            else:
                stack = [(lv, h) for lv, h in stack if lv < level]
                stack.append((level, text))
            current = (text, tuple(h for _, h in stack) or (text,), line.no)
            continue
        text = join_cjk_spaces(clean_cell(raw)) if line.cells is None else " ".join(line.cells)
        if pending:
            pending[0].append(text)
            pending[1].append(line.no)
        else:
            pending = ([text], [line.no])
        # A paragraph that stops mid-sentence continues on the next text line (page break).
        if text.endswith(_TERMINAL) or text.endswith(("”", "）", ")")) or _ends_like_contact(text):
            flush_paragraph()
    if pending and len(pending[1]) > 1:
        b.warn(pending[1][0], "段落在文末未结束（缺少句号），已按原样保留")
    flush_section()
    return sections


def _ends_like_contact(text: str) -> bool:
    return bool(re.search(r"(电话|联系人|传真|邮箱|地址)\s*[:：]\s*\S+$", text))


# --- tables ----------------------------------------------------------------------------------


@dataclass
class _RawTable:
    title: str
    line: int
    subtitle: str | None = None
    unit: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    grid: list[_Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _parse_tables(lines: list[_Line], toc: list[tuple[int, str]], b: _Builder) -> list[Table]:
    raws: list[_RawTable] = []
    for line in lines:
        text = line.text.strip()
        if not text or _is_separator(line):
            continue
        heading, marked = _heading_text(text)
        if line.cells is None and (
            _looks_like_table_title(heading) and (marked or _matches_toc(heading, toc))
        ):
            raws.append(_RawTable(heading, line.no))
            continue
        if not raws:
            b.warn(line.no, f"表格区中有无法归属的内容，已跳过：{text[:30]}")
            continue
        current = raws[-1]
        flat = clean_cell(" ".join(c for c in line.cells if c)) if line.cells is not None else heading
        if (m := _SUBTITLE.match(flat)) and not current.grid and current.subtitle is None:
            current.subtitle = m.group(1)
        elif m := _UNIT.match(flat.replace(" ", "")):
            current.unit = m.group(1)
        elif m := _META.match(flat):
            current.meta[m.group(1)] = m.group(2).strip()
        elif _NOTE.match(flat):
            current.notes.append(flat)
        elif line.cells is not None:
            current.grid.append(line)
        elif current.grid and _looks_continuation(line, current):
            current.grid.append(_Line(line.no, line.text, [line.text.strip()]))
        else:
            b.warn(line.no, f"表格“{current.title[:20]}”中有无法识别的行，已跳过：{text[:30]}")
    tables: list[Table] = []
    seen: dict[int, int] = {}
    for raw in raws:
        no = _toc_number(raw, toc)
        if no is None and toc:
            b.warn(raw.line, f"表格“{raw.title}”不在目录中")
        part = seen.get(no, 0) + 1 if no is not None else 1
        if no is not None:
            seen[no] = part
        tables.append(_build_table(raw, no, part, b))
    return tables


def _looks_continuation(line: _Line, raw: _RawTable) -> bool:
    return "绩效" in raw.title and len(line.text.strip()) > 20


def _norm_title(title: str) -> str:
    return squash(title).replace("“", "").replace("”", "").replace('"', "")


def _matches_toc(heading: str, toc: list[tuple[int, str]]) -> bool:
    key = _norm_title(heading)
    return any(key and (key in _norm_title(t) or _norm_title(t).startswith(key)) for _, t in toc)


def _toc_number(raw: _RawTable, toc: list[tuple[int, str]]) -> int | None:
    full = _norm_title(raw.title + (f"({raw.subtitle})" if raw.subtitle else ""))
    title = _norm_title(raw.title)
    for no, t in toc:
        if _norm_title(t) == full:
            return no
    candidates = [no for no, t in toc if _norm_title(t).startswith(title) or title.startswith(_norm_title(t))]
    if len(candidates) == 1:
        return candidates[0]
    if raw.subtitle:
        sub = _norm_title(raw.subtitle)
        narrowed = [no for no in candidates if sub in _norm_title(dict(toc)[no])]
        if len(narrowed) == 1:
            return narrowed[0]
    return candidates[0] if candidates else None


def _build_table(raw: _RawTable, no: int | None, part: int, b: _Builder) -> Table:
    unit = raw.unit or ("万元" if "万元" in raw.title else "元")
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
        rows, columns = _parse_form(raw, unit, b)
        status = "data" if any(c.kind != "blank" for r in rows for c in r.cells) else "empty"
        header = (tuple(columns),) if columns else ()
        return Table(
            **common, status=status, header=header, columns=tuple(columns), rows=tuple(rows), form=True
        )
    header_lines, data_lines = _split_header(raw.grid)
    width = max((len(ln.cells or []) for ln in raw.grid), default=0)
    header = [_pad([clean_cell(c) for c in ln.cells or []], width) for ln in header_lines]
    columns = _column_paths(header, width)
    rows = _grid_rows(data_lines, columns, header, unit, b)
    has_values = any(c.kind not in ("blank", "text") for r in rows for c in r.cells)
    status = "data" if has_values else "empty"
    if status == "empty" and not note:
        b.warn(raw.line, f"表格“{raw.title}”没有数据，也没有“本部门无…”说明")
    return Table(
        **common,
        status=status,
        header=tuple(tuple(h) for h in header),
        columns=tuple(columns),
        rows=tuple(rows),
    )


def _pad(cells: list[str], width: int) -> list[str]:
    return cells + [""] * (width - len(cells))


def _is_data_line(line: _Line) -> bool:
    cells = [clean_cell(c) for c in line.cells or []]
    if not any(cells):
        return False
    first = next((c for c in cells if c), "")
    if _CODE.match(first) or _CODE_IN_NAME.match(first):
        return True
    if first.replace(" ", "") in ("合计", "总计") or first.startswith(("一、", "二、", "三、")):
        # '合计' opens a data row unless it is a header label beside other labels (三公 table).
        kinds = [parse_number(c)[0] for c in cells if c and c != first]
        return "amount" in kinds or "text" not in kinds
    return any(parse_number(c)[0] in ("amount", "percent") for c in cells)


def _split_header(grid: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    for i, line in enumerate(grid):
        if _is_data_line(line):
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


def _column_paths(header: list[list[str]], width: int) -> list[str]:
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


def _grid_rows(
    data_lines: list[_Line], columns: list[str], header: list[list[str]], unit: str, b: _Builder
) -> list[Row]:
    width = len(columns)
    leaves = [p.split("/")[-1] if p else "" for p in columns]
    name_cols = [c for c, leaf in enumerate(leaves) if leaf in _NAME_HEADERS]
    code_cols = [c for c, leaf in enumerate(leaves) if leaf in _CODE_HEADERS]
    tops = {columns[c].split("/")[0] for c in name_cols if "/" in columns[c]}
    if len(name_cols) > 1 and len(tops) < len(name_cols):
        # '项目名称 | 科目编码 | 科目名称' is one row with a classification, not two sides.
        name_cols = name_cols[:1]
        code_cols = [c for c in code_cols if c == name_cols[0] - 1]
    if not name_cols and code_cols:
        name_cols = [code_cols[0] + 1] if code_cols[0] + 1 < width else []
    groups = _groups(name_cols, code_cols, width)
    rows: list[Row] = []
    for line in data_lines:
        cells = _pad([clean_cell(c) for c in line.cells or []], width)
        if len(line.cells or []) > width:
            b.warn(line.no, f"该行有 {len(line.cells or [])} 个单元格，多于表头的 {width} 列，多出的已忽略")
        for group in groups:
            row = _grid_row(line.no, cells, columns, group)
            if row is not None:
                rows.append(row)
    codes = {r.code for r in rows if r.code}
    return [_with_parent(r, codes) for r in rows]


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
    if code and not _CODE.match(code):
        name, code = name or code, None
    if not code and (m := _CODE_IN_NAME.match(name)):
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


def _parse_form(raw: _RawTable, unit: str, b: _Builder) -> tuple[list[Row], list[str]]:
    rows: list[Row] = []
    indicator_cols: list[str] = []
    for line in raw.grid:
        cells = [clean_cell(c) for c in line.cells or []]
        if _INDICATOR_HEADER in cells:
            indicator_cols = [squash(c) for c in cells]
            continue
        if indicator_cols:
            rows.append(_indicator_row(line.no, cells, indicator_cols, b))
            continue
        rows.extend(_form_fields(line.no, cells, unit))
    return [r for r in rows if r is not None], indicator_cols


def _form_fields(line_no: int, cells: list[str], unit: str) -> list[Row]:
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


def _indicator_row(line_no: int, cells: list[str], cols: list[str], b: _Builder) -> Row | None:
    width = len(cols)
    cells = _pad(cells, width)[: max(width, len(cells))]
    name_at = cols.index(_INDICATOR_HEADER)
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
        b.warn(line_no, "绩效指标行少了首列，已右移一列对齐表头")
    name = cells[name_at]
    if not name:
        return None
    row_cells = []
    for c, col in enumerate(cols):
        if c <= name_at or not col:
            continue
        kind, value = parse_number(cells[c]) if c < len(cells) else ("blank", None)
        row_cells.append(Cell(col, cells[c] if c < len(cells) else "", kind, value))
    return Row(line_no, join_cjk_spaces(name), tuple(row_cells))


# --- document metadata -----------------------------------------------------------------------


def _title_year_kind(lines: list[_Line], tables: list[Table], path: str) -> tuple[str, int, str]:
    for line in lines[:40]:
        heading, _ = _heading_text(line.text)
        m = _TITLE.search(heading.replace(" ", ""))
        if m and len(heading) <= 60:
            return heading, int(m.group(1)), m.group(2)
    for table in tables:
        m = _TITLE.search(table.title)
        if m:
            return table.title, int(m.group(1)), m.group(2)
    raise NotADisclosureError(path, "没有找到年度和“预算/决算”字样的标题（如“2024年部门预算情况说明”）")


def _department(lines: list[_Line], tables: list[Table]) -> str | None:
    for line in lines:
        flat = clean_cell(" ".join(c for c in line.cells if c)) if line.cells else clean_cell(line.text)
        m = _META.match(flat)
        if m and m.group(2).strip():
            return m.group(2).strip()
    for line in lines[:10]:
        heading, _ = _heading_text(line.text)
        if heading and not _TITLE.search(heading) and len(heading) <= 40:
            return heading
    return None


def _majority_unit(tables: list[Table]) -> str:
    units = [t.unit for t in tables if t.status == "data" and not t.form]
    return max(set(units), key=units.count) if units else "元"


def _report_missing(toc: list[tuple[int, str]], tables: list[Table], b: _Builder) -> None:
    found = {t.no for t in tables}
    for no, title in toc:
        if no not in found:
            b.warn(0, f"目录列出表{no}“{title}”，但正文中没有这张表")


def _with_missing(toc: list[tuple[int, str]], tables: list[Table]) -> list[Table]:
    found = {t.no for t in tables}
    missing = [Table(no, title, "元", 0, status="missing") for no, title in toc if no not in found]
    order = {no: i for i, (no, _) in enumerate(toc)}
    return sorted(tables + missing, key=lambda t: (order.get(t.no, 10_000), t.part, t.line))
