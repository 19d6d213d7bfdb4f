"""Turn a parsed ``Document`` into retrieval chunks.

Three kinds, each self-contained so a retrieved chunk can be read (and cited) on its own:

* ``narrative`` — a paragraph of the 情况说明 (long ones cut at sentence ends) with its
  section path restated in front, because a paragraph such as "（1）基本支出 …" means little
  without "按支出属性说明" above it;
* ``table`` — a group of about ten rows with the table number, title, unit and column headers
  restated, so questions about a neighbourhood of rows (all 科学技术支出 items) find one chunk;
* ``row`` — one fact line per table row, amounts exactly as printed with the table unit, so a
  question about one 科目 lands on a short, precise chunk.

What the embedding model sees of a table or row chunk is its ``dense_text``: the chunk without
its amounts. A vector stands for what a chunk is about (table, 科目, column); the amounts are
matched by the keyword leg and answered by the figure store, and to a small model a printed
amount is a dozen tokens of noise. Without them, the rows every department prints under the same
standard table (the same 科目 and columns) share one vector across a district's disclosures.

Empty or missing tables become one chunk saying so: "此表无数据" is an answer too.
Ids are built from doc id + kind + table/line position, never from a counter over the whole
file, so an edit in one table does not renumber the chunks of every later table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.records import Chunk, ChunkKind, Document, Paragraph, Row, Section, Table, cn_number

NARRATIVE_MAX_CHARS = 300  # longer paragraphs are cut into sentence groups of about this size
GROUP_MAX_ROWS = 10  # rows per table-group chunk (balanced, so groups hold 6-10 rows)
_SENTENCE_END = re.compile(r"(?<=[。！？；])")
_PROJECT_KEYS = ("专项资金名称", "项目名称", "部门(单位)名称", "部门（单位）名称", "部门名称")
_TITLE_PREFIX = re.compile(r"^(\d{4}年度?)[^，。、\s]{0,12}?部门")
_TOTAL_ROW = re.compile(r"^(?:[一二三四五六七八九十]+、)?\S{0,8}(?:合计|总计)$")
_UNIT_IN_NAME = re.compile(r"[（(](?:万元|元)[)）]")

Metadata = dict[str, str | int | float | bool]
# An amount as tables print it: thousands separators or decimals (a year, a 科目 code or a count
# has neither), with its unit, or a rate; what remains of a cell row is its labels.
_AMOUNT = re.compile(
    r"(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\d,.])[ \t]*(?:万元|元|%)?"
    r"|(?<![\d.,])-?\d+(?:\.\d+)?%"  # a rate in a cell (增幅 -37%)
)
_EMPTY_CELLS = re.compile(r"(?:[ \t]*\|[ \t]*)+(?=\n|$)|(?<=\|)(?:[ \t]*\|)+")


@dataclass(frozen=True)
class _TableContext:
    doc: Document
    table: Table

    @property
    def label(self) -> str:
        """'表五 2024年 一般公共预算财政拨款支出预算表' (the 目录 number makes '表五' findable)."""
        no = f"表{cn_number(self.table.no)} " if self.table.no is not None else ""
        return f"{no}{short_title(self.table.full_title)}"

    @property
    def key(self) -> str:
        no = self.table.no if self.table.no is not None else "x"
        return f"T{no}.{self.table.part}"


def short_title(title: str) -> str:
    """'2024年渝北区部门一般公共预算…表' → '2024年 一般公共预算…表'.

    The region + '部门' prefix is the same in every table of a disclosure: repeated in every
    chunk it only dilutes what tells the tables apart (for BM25 and for the embedding alike).
    """
    m = _TITLE_PREFIX.match(title)
    return f"{m.group(1)} {title[m.end() :]}" if m and title[m.end() :] else title


def chunk_document(doc: Document) -> list[Chunk]:
    """All chunks of one document, in document order, with unique deterministic ids."""
    chunks = [*_narrative_chunks(doc), *_toc_chunks(doc)]
    for table in doc.tables:
        chunks.extend(_table_chunks(_TableContext(doc, table)))
    _check_unique(chunks)
    return chunks


def dense_text(chunk: Chunk) -> str:
    """The text embedded for ``chunk``: a table or row chunk without its amounts (see above);
    a passage of the 情况说明 as it is, its figures being part of what the sentence says."""
    if chunk.kind == "narrative":
        return chunk.text
    text = _AMOUNT.sub("", chunk.text)
    text = re.sub(r"[ \t]{2,}", " ", _EMPTY_CELLS.sub("", text))
    return text.strip() or chunk.text


def _check_unique(chunks: list[Chunk]) -> None:
    seen: set[str] = set()
    for chunk in chunks:
        if chunk.id in seen:  # a bug in the id scheme, not a data problem: fail loudly
            raise ValueError(f"duplicate chunk id {chunk.id}")
        seen.add(chunk.id)


def _base_metadata(doc: Document, chunk_kind: ChunkKind) -> Metadata:
    # Every key is always present with a non-None value: Chroma rejects None, and filters
    # such as table_no == 5 must be able to rely on the key existing.
    return {
        "doc_id": doc.id,
        "department": doc.department,
        "year": doc.year,
        "kind": doc.kind,
        "chunk_kind": chunk_kind,
        "table_no": -1,
        "table_part": 0,
        "table_title": "",
        "unit": "",
        "status": "",
        "row_code": "",
        "row_name": "",
        "rows": "",
        "project": "",
        "section": "",
        "line": 0,
        "lines": "",
    }


def _chunk(doc: Document, kind: ChunkKind, key: str, text: str, **meta: str | int) -> Chunk:
    metadata = _base_metadata(doc, kind) | meta
    return Chunk(id=f"{doc.id}:{kind}:{key}", doc_id=doc.id, kind=kind, text=text, metadata=metadata)


# --- narrative -------------------------------------------------------------------------------


def _narrative_chunks(doc: Document) -> Iterator[Chunk]:
    for section in doc.sections:
        path = " > ".join(section.path)
        for paragraph in section.paragraphs:
            yield from _paragraph_chunks(doc, section, path, paragraph)


def _paragraph_chunks(doc: Document, section: Section, path: str, paragraph: Paragraph) -> Iterator[Chunk]:
    lines = paragraph.lines or (paragraph.line,)
    for i, piece in enumerate(split_sentences(paragraph.text, NARRATIVE_MAX_CHARS)):
        yield _chunk(
            doc,
            "narrative",
            f"L{paragraph.line}.{i}",
            f"{path}：{piece}",
            section=path,
            line=paragraph.line,
            # The parser does not record where inside a joined paragraph each source line
            # starts, so every piece claims all the paragraph's lines.
            lines="|".join(str(n) for n in lines),
        )


def _toc_chunks(doc: Document) -> Iterator[Chunk]:
    """The 目录 as one chunk: "which tables are there" is a question too."""
    if doc.toc:
        entries = "；".join(f"表{cn_number(no)} {title}" for no, title in doc.toc)
        text = f"{doc.title or doc.department} 预算公开表目录（共{len(doc.toc)}张表）：{entries}"
        where = (
            {"line": doc.toc_lines[0], "lines": "|".join(map(str, doc.toc_lines))} if doc.toc_lines else {}
        )
        yield _chunk(doc, "narrative", "toc", text, section="目录", **where)


def split_sentences(text: str, max_chars: int = NARRATIVE_MAX_CHARS) -> list[str]:
    """Cut at sentence ends into pieces of at most ~max_chars; a single longer sentence stays whole."""
    text = text.strip()
    if len(text) <= max_chars:
        return [text] if text else []
    pieces: list[str] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s):
        if current and len(current) + len(sentence) > max_chars:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


# --- tables ----------------------------------------------------------------------------------


def _table_meta(ctx: _TableContext) -> dict[str, str | int]:
    table = ctx.table
    return {
        "table_no": table.no if table.no is not None else -1,
        "table_part": table.part,
        "table_title": table.full_title,
        "unit": table.unit,
        "status": table.status,
        "line": table.line,
        "lines": str(table.line),
    }


def _table_chunks(ctx: _TableContext) -> Iterator[Chunk]:
    if ctx.table.status != "data":
        yield _status_chunk(ctx)
    elif ctx.table.form:
        yield from _form_chunks(ctx)
    else:
        yield from _group_chunks(ctx)
        yield from _row_chunks(ctx)


def _status_chunk(ctx: _TableContext) -> Chunk:
    table = ctx.table
    if table.status == "missing":
        reason = "目录列出但正文未提供此表，无法查到表中数据。"
    else:
        note = re.sub(r"^(备注|注)\s*[:：]\s*", "", table.note or "")
        reason = note or "此表无数据。"
    return _chunk(ctx.doc, "table", f"{ctx.key}:status", f"{ctx.label}：{reason}", **_table_meta(ctx))


def format_cell(raw: str, kind: str, unit: str) -> str:
    """An amount keeps its printed form and gets the table unit; other cells stay as printed."""
    return f"{raw} {unit}" if kind == "amount" and unit else raw


def _row_label(row: Row) -> str:
    return row.label or "（无行名）"


def _row_ids(rows: tuple[Row, ...]) -> list[str]:
    """'L222' or, for two rows on one source line (side-by-side 收入|支出 tables), 'L138.1'."""
    ids: list[str] = []
    count: dict[int, int] = {}
    for row in rows:
        n = count.get(row.line, 0)
        count[row.line] = n + 1
        ids.append(f"L{row.line}" if n == 0 else f"L{row.line}.{n}")
    return ids


def _row_meta(ctx: _TableContext, row: Row) -> dict[str, str | int]:
    return _table_meta(ctx) | {
        "row_code": row.code or "",
        "row_name": row.name,
        "rows": row.code or row.name,
        "line": row.line,
        "lines": str(row.line),
    }


def _is_total(row: Row, table: Table) -> bool:
    return bool(_TOTAL_ROW.match(row.name)) or len(table.rows) == 1


def _row_chunks(ctx: _TableContext) -> Iterator[Chunk]:
    for row, key in zip(ctx.table.rows, _row_ids(ctx.table.rows), strict=True):
        cells = [
            f"{c.column} {format_cell(c.raw, c.kind, ctx.table.unit)}"
            for c in row.cells
            if c.kind not in ("blank", "error")  # blank is not 0, and #DIV/0! is not a fact
        ]
        if not cells:
            continue
        head = [ctx.label, *([row.label] if row.label else [])]
        if _is_total(row, ctx.table) and len(cells) > 1:
            # A total answers "人员经费是多少" for its column; but every row of the table names
            # that column too, and a long multi-column total line lost to them. One short fact
            # per column makes each total as findable as a single row.
            for i, cell in enumerate(cells):
                text = " · ".join([*head, cell])
                yield _chunk(ctx.doc, "row", f"{ctx.key}:{key}.c{i}", text, **_row_meta(ctx, row))
            continue
        yield _chunk(ctx.doc, "row", f"{ctx.key}:{key}", " · ".join([*head, *cells]), **_row_meta(ctx, row))


def _balanced(rows: list[Row], size: int) -> list[list[Row]]:
    """Split into ceil(n/size) groups of near-equal length (no 1-row tail group)."""
    if not rows:
        return []
    groups = -(-len(rows) // size)
    base, extra = divmod(len(rows), groups)
    out, start = [], 0
    for g in range(groups):
        end = start + base + (1 if g < extra else 0)
        out.append(rows[start:end])
        start = end
    return out


def _grid_line(row: Row) -> str:
    values = " | ".join(c.raw if c.kind != "error" else "" for c in row.cells)
    side = f"{row.group} · " if row.group else ""
    return f"{side}{_row_label(row)} | {values}"


def _header_lines(rows: list[Row]) -> list[str]:
    """One header line per layout (side-by-side tables have one per side)."""
    seen: list[tuple[str, ...]] = []
    for row in rows:
        cols = tuple(c.column for c in row.cells)
        if cols not in seen:
            seen.append(cols)
    return ["列：项目 | " + " | ".join(cols) for cols in seen]


def _group_chunks(ctx: _TableContext) -> Iterator[Chunk]:
    table = ctx.table
    for group in _balanced(list(table.rows), GROUP_MAX_ROWS):
        head = f"{ctx.label}（单位：{table.unit}）"
        text = "\n".join([head, *_header_lines(group), *(_grid_line(r) for r in group)])
        meta = _table_meta(ctx) | {
            "rows": "|".join(r.code or r.name for r in group),
            "line": group[0].line,
            "lines": "|".join(str(r.line) for r in group),
        }
        yield _chunk(ctx.doc, "table", f"{ctx.key}:L{group[0].line}", text, **meta)


# --- 绩效目标表 (forms) ------------------------------------------------------------------------


def _project_name(table: Table) -> str:
    by_name = {re.sub(r"\s+", "", r.name): r for r in table.rows}
    for key in _PROJECT_KEYS:
        row = by_name.get(key)
        if row and row.cells and row.cells[0].raw:
            return row.cells[0].raw
    return ""


def _form_text(row: Row, unit: str) -> str:
    """'当年预算 2,300,000.00 元' for a field; '科普资金 · 指标权重 20 · …' for an indicator."""
    if len(row.cells) == 1 and row.cells[0].column == "值":  # a key/value field
        cell = row.cells[0]
        if cell.kind == "blank":
            return ""
        field_unit = "" if _UNIT_IN_NAME.search(row.name) else unit
        return f"{row.name} {format_cell(cell.raw, cell.kind, field_unit)}"
    # Indicator rows carry their own 计量单位 column: do not add the table unit to 指标值.
    cells = [f"{c.column} {c.raw}" for c in row.cells if c.kind not in ("blank", "error")]
    return " · ".join([row.name, *cells]) if cells else ""


def _form_chunks(ctx: _TableContext) -> Iterator[Chunk]:
    project = _project_name(ctx.table)
    for row, key in zip(ctx.table.rows, _row_ids(ctx.table.rows), strict=True):
        text = _form_text(row, ctx.table.unit)
        if not text or (project and row.name.replace(" ", "") in _PROJECT_KEYS):
            continue  # the project name is restated in every chunk of the form already
        parts = [ctx.label, *([project] if project else []), text]
        meta = _row_meta(ctx, row) | {"project": project}
        yield _chunk(ctx.doc, "row", f"{ctx.key}:{key}", " · ".join(parts), **meta)
