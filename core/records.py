"""Domain records shared by every stage: parse → figures → chunks → answers.

All records are frozen; amounts are ``Decimal`` (never float) and carry the unit the
disclosure used, so a figure can always be shown exactly as printed and traced back.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

CellKind = Literal["amount", "percent", "number", "text", "blank", "error"]
DocKind = Literal["预算", "决算"]
TableStatus = Literal["data", "empty", "missing"]
AnswerStatus = Literal["answered", "not_found", "clarify", "invalid"]
ChunkKind = Literal["narrative", "table", "row"]
Verdict = Literal["supported", "contradicted", "mixed", "not_in_disclosure", "unclear"]


@dataclass(frozen=True)
class Provenance:
    """Where a value or passage comes from: a table cell or a narrative sentence."""

    doc_id: str
    line: int  # 1-based line of the source file
    table_no: int | None = None  # number in the 目录 (表一 → 1)
    table_title: str | None = None
    row: str | None = None  # "2060702 科普活动", or the row name when it has no code
    column: str | None = None  # header path joined by "/", e.g. "2024年预算数/基本支出"
    section: str | None = None  # section path joined by " > " for narrative facts
    sheet: str | None = None  # workbook sheet the value is on
    page: int | None = None  # 1-based PDF page the value is on
    sheet_row: int | None = None  # 1-based row within ``sheet`` (the workbook's own row number)

    def label(self) -> str:
        """Human-readable citation, e.g. '表五 2024年…支出预算表 · 2060702 科普活动 · 2024年预算数/小计'.

        The place says what the format has: a text line, a sheet and its row, or a page
        (for a PDF, HTML or Word file the line is the running line of its linear form, which a
        reader cannot see, so a page is shown instead when there is one).
        """
        if self.table_no is not None or self.table_title:
            no = f"表{cn_number(self.table_no)} " if self.table_no is not None else ""
            parts = [f"{no}{self.table_title or ''}".strip()]
            parts += [p for p in (self.row, self.column) if p]
        else:
            parts = [self.section or "正文"]
        return " · ".join(parts) + f"（{self.place()}）"

    def place(self) -> str:
        """'第12行', '工作表“表五”第12行', '第3页'."""
        return place_text(self.line, self.sheet, self.page, self.sheet_row)


def place_text(line: int, sheet: str | None, page: int | None, sheet_row: int | None) -> str:
    """Where in a file, as its format has it: a sheet and its row, a page, or a line."""
    if sheet is not None:
        return f"工作表“{sheet}”第{sheet_row or line}行"
    if page is not None:
        return f"第{page}页"
    return f"第{line}行"


@dataclass(frozen=True)
class Place:
    """Where a run of a document's linear form comes from (see ``Source``).

    From linear line ``line`` on (until the next ``Place``), lines come from ``sheet`` or
    ``page``; ``row`` is the format's own row number of ``line`` (a workbook row), and the
    lines after it count on from there.
    """

    line: int
    sheet: str | None = None
    page: int | None = None
    row: int | None = None


@dataclass(frozen=True)
class SourceLine:
    """One line of a document's linear form: what every reader produces.

    ``no`` is the running line (1-based, unique in the document): the file's own line for
    text; for a workbook, PDF, HTML or Word file, the position in the reader's output. Grid
    lines carry their ``cells`` (tab/pipe-separated text, a workbook row, a ``<tr>``);
    ``aligned`` marks text whose columns are runs of spaces (PDF text), to be cut into cells
    by position once the whole table is known. ``whole`` marks a line that is a complete
    paragraph as the format delimits it (a Word paragraph, an HTML block): it never runs on
    into the next line, as a wrapped text line does.
    """

    no: int
    text: str
    cells: tuple[str, ...] | None = None
    aligned: bool = False
    whole: bool = False


@dataclass(frozen=True)
class Source:
    """A file read by its format's reader: the linear form plus where each part came from."""

    path: str
    format: str  # "text", "xlsx", "xls", "pdf", "html", "docx"
    sha256: str
    lines: tuple[SourceLine, ...]
    places: tuple[Place, ...] = ()
    encoding: str | None = None  # text files: "utf-8", "utf-8-sig", "gb18030"
    notes: tuple[tuple[int, str], ...] = ()  # (line, message): what the reader could not read


@dataclass(frozen=True)
class Cell:
    column: str  # header path joined by "/"
    raw: str  # as printed, HTML stripped
    kind: CellKind
    value: Decimal | None = None  # None for blank, text and error cells


@dataclass(frozen=True)
class Row:
    line: int
    name: str
    cells: tuple[Cell, ...]
    code: str | None = None  # 科目编码: 201 → 20129 → 2012901
    parent_code: str | None = None
    group: str | None = None  # side of a side-by-side table ("收入" / "支出")

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name

    def cell(self, column: str) -> Cell | None:
        return next((c for c in self.cells if c.column == column), None)


@dataclass(frozen=True)
class Table:
    no: int | None  # number in the 目录; None when the 目录 does not list it
    title: str
    unit: str  # "元" or "万元"
    line: int  # line of the title
    status: TableStatus = "data"
    subtitle: str | None = None  # e.g. "部门预算支出经济分类科目"
    header: tuple[tuple[str, ...], ...] = ()  # raw header rows, HTML stripped
    columns: tuple[str, ...] = ()  # header path of each column
    rows: tuple[Row, ...] = ()
    note: str | None = None  # 备注, e.g. "本部门无政府性基金收支，故此表无数据。"
    part: int = 1  # several tables under one 目录 entry (one 绩效目标表 per project)
    form: bool = False  # key/value layout (绩效目标表) rather than a grid

    @property
    def full_title(self) -> str:
        return f"{self.title}（{self.subtitle}）" if self.subtitle else self.title


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int  # first line of the paragraph
    lines: tuple[int, ...] = ()  # every source line it was joined from
    offsets: tuple[int, ...] = ()  # where each of those lines starts within text


@dataclass(frozen=True)
class Section:
    heading: str
    path: tuple[str, ...]  # headings from the top, this one last
    line: int
    paragraphs: tuple[Paragraph, ...] = ()


@dataclass(frozen=True)
class Warning_:
    path: str
    line: int  # running line of the linear form (the file's line for text)
    message: str
    sheet: str | None = None
    page: int | None = None
    sheet_row: int | None = None

    def __str__(self) -> str:
        if self.sheet is None and self.page is None:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}（{place_text(self.line, self.sheet, self.page, self.sheet_row)}）: {self.message}"


def place_of(places: tuple[Place, ...], line: int) -> tuple[str | None, int | None, int | None]:
    """(sheet, page, sheet row) of a linear line; all None for a text file."""
    at = bisect_right([p.line for p in places], line) - 1
    if at < 0 or line <= 0:
        return None, None, None
    p = places[at]
    return p.sheet, p.page, (p.row + line - p.line if p.row is not None else None)


@dataclass(frozen=True)
class Document:
    id: str
    department: str
    year: int
    kind: DocKind
    unit: str  # unit of most tables
    source_path: str
    sha256: str
    title: str = ""
    sections: tuple[Section, ...] = ()
    tables: tuple[Table, ...] = ()
    toc: tuple[tuple[int, str], ...] = ()  # (number, title) from the 目录
    toc_lines: tuple[int, ...] = ()  # 1-based lines of the 目录: its heading, then each entry
    warnings: tuple[Warning_, ...] = ()
    format: str = "text"  # the reader that read it (see ``Source.format``)
    encoding: str | None = None  # text files only
    places: tuple[Place, ...] = ()  # sheet/page runs of the linear form; empty for text

    def table(self, no: int) -> Table | None:
        return next((t for t in self.tables if t.no == no), None)

    def place(self, line: int) -> tuple[str | None, int | None, int | None]:
        """(sheet, page, sheet row) of a linear line; all None for a text file."""
        return place_of(self.places, line)

    def cite(self, line: int, **fields) -> Provenance:
        """A citation of this document's ``line`` with the place its format has (sheet, page)."""
        sheet, page, sheet_row = self.place(line)
        return Provenance(self.id, line, sheet=sheet, page=page, sheet_row=sheet_row, **fields)


@dataclass(frozen=True)
class Figure:
    """One exact amount (or count, or percentage) with what it measures and where it is."""

    doc_id: str
    item: str  # what is measured: row name, 三公 part, or the narrative phrase
    measure: str  # which column or which aspect: "2024年预算数/基本支出", "较2023年减少", "占比"
    value: Decimal
    unit: str  # 元, 万元, %, 辆, 个 …
    source: Provenance
    item_code: str | None = None
    year: int | None = None
    origin: Literal["table", "narrative"] = "table"
    sentence: str | None = None  # the narrative sentence, for narrative figures

    @property
    def yuan(self) -> Decimal | None:
        """Value in 元 for money figures, so 元 and 万元 documents compare exactly."""
        if self.unit == "元":
            return self.value
        if self.unit == "万元":
            return self.value * 10000
        return None


@dataclass(frozen=True)
class AuditCheck:
    name: str
    passed: bool
    detail: str
    cells: tuple[str, ...] = ()  # Provenance labels of the cells involved
    skipped: bool = False  # the check does not apply (e.g. growth from a zero base)
    misread: bool = False  # the failure means the file was misread (a 元/万元 factor), not a finding


@dataclass(frozen=True)
class AuditReport:
    document: str
    checks: tuple[AuditCheck, ...]

    @property
    def passed(self) -> int:
        return sum(1 for c in self.checks if c.passed and not c.skipped)

    @property
    def failed(self) -> int:
        return sum(1 for c in self.checks if not c.passed and not c.skipped)


@dataclass(frozen=True)
class Chunk:
    id: str  # deterministic: doc id + kind + position
    doc_id: str
    kind: ChunkKind
    text: str
    metadata: dict[str, str | int | float | bool] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Citation:
    text: str
    provenance: Provenance
    chunk_id: str | None = None


@dataclass(frozen=True)
class UsedFigure:
    """A figure as used in an answer: the stored figure plus the label the answer gives it."""

    label: str
    figure: Figure


@dataclass(frozen=True)
class Result:
    """A value the answer gives: a looked-up figure or a computed one (then ``formula`` shows how)."""

    value: Decimal
    unit: str
    label: str


@dataclass(frozen=True)
class ItemRef:
    """An item a reading is about, and how the question named it."""

    label: str  # '表六 · 30231 公务用车运行维护费'
    how: str  # name | variant | code | glossary | fuzzy | partial | project | retrieved | total | context
    words: str = ""  # the words of the question it stands for


@dataclass(frozen=True)
class Interpretation:
    """How the engine read a question: what, when, which column, which operation, and how sure."""

    doc_ids: tuple[str, ...]
    items: tuple[ItemRef, ...]
    years: tuple[int, ...]
    measure: str | None  # column or aspect: '预算数', '基本支出', '决算数', '指标值' …
    operation: str  # value | count | diff | growth | share | sum | change | breakdown | rank | list | …
    part: tuple[ItemRef, ...] = ()  # for shares: the part(s) …
    whole: tuple[ItemRef, ...] = ()  # … and the whole they are a share of
    unit_asked: str | None = None
    covered: tuple[str, ...] = ()  # the words of the question this reading accounts for
    unexplained: tuple[str, ...] = ()  # the words it does not
    score: float = 0.0

    def describe(self) -> str:
        """'公务用车运行维护费 · 2023年 · 预算数 · 数值' — what the answer says it understood."""
        ops = {"value": "", "count": "数量", "diff": "差额", "growth": "增长率", "share": "占比", "sum": "合计",
               "change": "变化", "breakdown": "构成", "rank": "排序", "list": "清单", "reason": "原因",
               "define": "含义", "text": "", "per_unit": "平均", "completion": "完成率"}  # fmt: skip
        if self.part and self.whole:
            what = f"{'、'.join(p.label for p in self.part)}占{'、'.join(w.label for w in self.whole)}"
        else:
            what = "、".join(i.label for i in self.items) or "（未识别到具体项目）"
        parts = [what]
        if self.years:
            parts.append("、".join(f"{y}年" for y in self.years))
        if self.measure:
            parts.append(self.measure)
        if ops.get(self.operation) and ops[self.operation] != self.measure:  # not '数量 · 数量'
            parts.append(ops[self.operation])
        return " · ".join(parts)


@dataclass(frozen=True)
class Answer:
    """What the engine returns; the UI and CLI render it, nothing else decides its content."""

    question: str
    text: str  # Chinese answer text; every number in it is verified
    status: AnswerStatus
    figures: tuple[UsedFigure, ...] = ()  # the disclosure figures used, with provenance
    results: tuple[Result, ...] = ()  # the value(s) answered; several for "clarify" or labelled lists
    citations: tuple[Citation, ...] = ()  # passages quoted or retrieved, with section/table
    formula: str | None = (
        None  # for computed values, e.g. "(2,300,000.00 - 3,660,000.00) / 3,660,000.00 × 100%"
    )
    options: tuple[str, ...] = ()  # for "clarify": what the user can choose from
    doc_id: str | None = None
    resolved_question: str | None = None  # a follow-up ("那去年呢？") rewritten against the history
    interpretation: Interpretation | None = None  # the reading the answer is based on
    suggestions: tuple[str, ...] = ()  # questions the user may have meant (ask-back, not found)


_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int | None) -> str:
    """1 → 一, 11 → 十一, 17 → 十七 (enough for table numbers)."""
    if n is None:
        return ""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class Claim:
    """One figure claim of a checked text, read as a question and judged against the disclosure."""

    text: str  # the words of the claim ('三公经费预算10.1万元')
    value: Decimal  # as stated, in ``unit``
    unit: str  # 元 | 万元 | 亿元 | % | 百分点 | a counting word
    verdict: Verdict  # supported | contradicted | not_in_disclosure | unclear
    question: str = ""  # the question the claim was read as
    interpretation: Interpretation | None = None
    expected: Result | None = None  # the disclosed (or computed) figure that decides it
    formula: str | None = None
    sources: tuple[UsedFigure, ...] = ()
    note: str = ""  # why, in Chinese ('公开数为101,000.00元（约10.1万元）')
    options: tuple[str, ...] = ()  # for unclear: the readings that were possible


@dataclass(frozen=True)
class CheckResult:
    """A checked text: its verdict and the verdict of each figure claim in it."""

    text: str
    verdict: Verdict
    claims: tuple[Claim, ...]
    doc_id: str | None = None


@dataclass(frozen=True)
class Scope:
    """Which disclosures of the corpus a question is about (qa/corpus.py)."""

    docs: tuple[Document, ...]  # one: answered from it; several: a cross-document answer
    across: str | None = None  # 'departments' | 'years' when ``docs`` are compared
    ask: tuple[Document, ...] = ()  # the question does not say which: the choices to offer
    spans: tuple[tuple[int, int], ...] = ()  # where the question names departments (normalised text)
    years: tuple[int, ...] = ()  # the years the question names, resolved
    doc_years: tuple[tuple[int, ...], ...] = ()  # per document of ``docs``: the years asked of it
