"""The catalogue of things a question can ask about, built once from the figure store.

An ``Entry`` is one named item in one place: a table row (科目), a column of a total row
(人员经费, 基本支出), a 三公 part, a 绩效 form field or indicator, or a narrative fact. Each
holds its figures (one per measure). Lookup matches question words against entry names and
their variants; nothing here is specific to one department.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from core.records import Document, Figure, Row, Table
from ingest.roles import Role, role_of

EntryKind = str  # "row" | "column" | "three_public" | "form" | "indicator" | "narrative"

_TOTAL_NAMES = ("合计", "总计")
_COLUMN_ITEMS = ("基本支出", "项目支出", "人员经费", "日常公用经费", "公用经费")
_LIST_MARK = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）])")


def fold(text: str) -> str:
    """The form names are compared in: NFKC (full-width → ASCII, （）→ ()), no spaces or quotes."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s“”\"'‘’「」]", "", text)


@dataclass(frozen=True)
class Entry:
    doc_id: str
    name: str
    kind: EntryKind
    figures: tuple[Figure, ...]
    code: str | None = None
    table_no: int | None = None
    part: int = 1
    role: Role | None = None
    project: str | None = None  # 专项资金名称 of a 绩效 table part
    table_title: str | None = None
    variants: tuple[str, ...] = field(default=(), compare=False)

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name


@dataclass
class Catalog:
    entries: list[Entry]
    by_variant: dict[str, list[Entry]]
    docs: dict[str, Document]
    texts: dict[str, str] = field(default_factory=dict)  # folded narrative text, for typo checks
    cache: dict = field(default_factory=dict)  # indexes the matcher builds once per document
    # entries per document, in catalogue order: a question is about one document, and scanning
    # every document's entries made each answer slower with every disclosure added
    by_doc: dict[str, list[Entry]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_doc = {}
        for e in self.entries:
            self.by_doc.setdefault(e.doc_id, []).append(e)

    def entries_of(self, doc_id: str) -> list[Entry]:
        return list(self.by_doc.get(doc_id, ()))


def build_catalog(docs: Iterable[Document], figures: Iterable[Figure]) -> Catalog:
    by_cell: dict[tuple[str, int, str | None], Figure] = {}
    narrative: dict[str, list[Figure]] = {}
    for f in figures:
        if f.origin == "table":
            by_cell[(f.doc_id, f.source.line, f.source.column)] = f
        else:
            narrative.setdefault(f.doc_id, []).append(f)
    entries: list[Entry] = []
    doc_map = {}
    for doc in docs:
        doc_map[doc.id] = doc
        for table in doc.tables:
            if table.status == "data":
                entries += _table_entries(doc, table, by_cell)
        entries += _narrative_entries(doc, narrative.get(doc.id, []))
    by_variant: dict[str, list[Entry]] = {}
    for e in entries:
        for v in e.variants:
            by_variant.setdefault(v, []).append(e)
    texts = {d.id: fold("".join(p.text for s in d.sections for p in s.paragraphs)) for d in doc_map.values()}
    return Catalog(entries, by_variant, doc_map, texts)


def _figs(doc: Document, row: Row, by_cell: dict, columns: Iterable[str] | None = None) -> tuple[Figure, ...]:
    cols = [c.column for c in row.cells] if columns is None else list(columns)
    return tuple(f for c in cols if (f := by_cell.get((doc.id, row.line, c))) is not None)


def _table_entries(doc: Document, table: Table, by_cell: dict) -> list[Entry]:
    role = role_of(table)
    common = {
        "doc_id": doc.id,
        "table_no": table.no,
        "part": table.part,
        "role": role,
        "table_title": table.full_title,
    }
    if table.form:
        return _form_entries(doc, table, by_cell, common)
    out: list[Entry] = []
    for row in table.rows:
        if not row.name and not row.code:
            out += _unnamed_row_entries(doc, table, row, by_cell, common)
            continue
        figs = _figs(doc, row, by_cell)
        if not figs:
            continue
        name = _LIST_MARK.sub("", row.name)
        out.append(_entry(name, "row", figs, code=row.code, **common))
        if name in _TOTAL_NAMES or name.endswith(("合计", "总计")):
            out += _column_entries(doc, table, row, by_cell, common)
    return out


def _column_entries(doc: Document, table: Table, row: Row, by_cell: dict, common: dict) -> list[Entry]:
    """人员经费, 基本支出 … are columns of a total row: make each an item of its own."""
    out = []
    for item in _COLUMN_ITEMS:
        cols = [c.column for c in row.cells if c.column.split("/")[-1] == item]
        figs = _figs(doc, row, by_cell, cols)
        if figs:
            out.append(_entry(item, "column", figs, **common))
    return out


def _unnamed_row_entries(doc: Document, table: Table, row: Row, by_cell: dict, common: dict) -> list[Entry]:
    """A row with no name (the 三公 table): every column leaf is an item, each year a measure."""
    leaves: dict[str, list[str]] = {}
    for cell in row.cells:
        parts = cell.column.split("/")
        # '…/公务用车购置及运行费/小计' is the 公务用车购置及运行费 item itself.
        leaf = parts[-2] if parts[-1] in ("小计", "合计") and len(parts) > 2 else parts[-1]
        leaves.setdefault(leaf, []).append(cell.column)
    out = []
    for leaf, cols in leaves.items():
        figs = _figs(doc, row, by_cell, cols)
        if figs:
            name = "三公经费" if leaf == "合计" and common["role"] is Role.THREE_PUBLIC else leaf
            out.append(_entry(name, "three_public", figs, **common))
    return out


# The amount of a 绩效 project, as the forms label it (a row of its form, or a column of a table
# with one project per row).
PROJECT_AMOUNTS = ("当年预算", "年度资金总额", "资金总额", "项目金额")


def _form_entries(doc: Document, table: Table, by_cell: dict, common: dict) -> list[Entry]:
    # One table may hold several projects' forms, one after another, each opened by its own
    # 项目名称 row: a row belongs to the project named last above it (the first one for rows above).
    # (A header row '项目名称 | 项目金额 | 绩效指标 …' of a table with one project per row names none.)
    names = [
        (i, r.cells[0].raw)
        for i, r in enumerate(table.rows)
        if r.name in ("专项资金名称", "项目名称") and r.cells and r.cells[0].raw not in PROJECT_AMOUNTS
    ]
    out = []
    for i, row in enumerate(table.rows):
        figs = _figs(doc, row, by_cell)
        if not figs:
            continue
        project = next((n for at, n in reversed(names) if at <= i), names[0][1] if names else None)
        kind = "indicator" if row.cell("指标值") is not None else "form"
        out.append(_entry(row.name, kind, figs, **{**common, "project": project}))
    return out


def _narrative_entries(doc: Document, figures: list[Figure]) -> list[Entry]:
    groups: dict[str, list[Figure]] = {}
    for f in figures:
        # text inside tables counts too: a 绩效 form's targets ('开展“一老一小”科技培训150次')
        groups.setdefault(f.item, []).append(f)
    return [
        _entry(item, "narrative", tuple(figs), doc_id=doc.id, extra=_without_department(item, doc))
        for item, figs in groups.items()
        if item
    ]


# the narrative's words for the department itself; a bare 部门/单位 begins other labels ('单位价值…')
_OWN = re.compile(r"^(?:本部门|本单位|本机关)")


def _without_department(item: str, doc: Document) -> tuple[str, ...]:
    """'区妇联政府采购预算总额', '本部门政府采购支出总额': the narrative names its subject with the
    department first; a question says '政府采购' without it."""
    from qa.question import department_spans  # the department's names, as questions are read

    name = fold(item)
    start = max([e for s, e in department_spans(name, doc) if s == 0], default=0)
    rest = _OWN.sub("", name[start:])
    return (rest,) if rest != name and len(rest) >= 4 else ()


def _entry(name: str, kind: EntryKind, figures: tuple[Figure, ...], extra: tuple[str, ...] = (), **kw) -> Entry:
    variants = list(_variants(name, kind)) + [v for x in extra for v in _variants(x, kind)]
    if kind == "narrative":
        # a measure that is itself a name ('涉及当年财政拨款'), never a dated column word ('2023年预算数')
        variants += [
            fold(f.measure)
            for f in figures
            if len(f.measure) >= 4 and not _is_relation(f.measure) and not re.search(r"\d", f.measure)
        ]
    return Entry(name=name, kind=kind, figures=figures, variants=tuple(dict.fromkeys(variants)), **kw)


def _is_relation(measure: str) -> bool:
    """A measure that says how, not what: never a name of the item ('年初预算' is a column)."""
    return measure in ("金额", "数量", "比例", "下限") or bool(
        re.match(r"^(较|比|占|增|减|下降)", measure) or re.fullmatch(r"(?:年初|调整)?(?:预算|决算)数?", measure)
    )


_SUFFIX_DROPS = ("支出", "费用", "资金", "经费")


def _word_suffixes(name: str) -> list[str]:
    """'机关事业单位职业年金缴费支出' → '职业年金缴费支出' …: a question may drop the leading words."""
    if len(name) < 8 or name.startswith("其他"):
        return []  # '其他工资福利支出' minus '其他' is a different item
    import jieba  # already loaded for keyword search; cheap

    words = jieba.lcut(name)
    out = []
    for i in range(1, len(words)):
        tail = "".join(words[i:])
        if len(tail) >= 5 and not tail.startswith(("(", "和", "的", "及", "其他", "其中")):
            out.append(tail)
    return out


@lru_cache(maxsize=65536)
def _variants(name: str, kind: EntryKind) -> tuple[str, ...]:
    """``name_variants``, once per name: every disclosure names the same 科目 (基本工资, 办公费 …),
    and working them out again for each one was half of opening a store of 100 disclosures."""
    return tuple(name_variants(name, kind))


def name_variants(name: str, kind: EntryKind = "row") -> list[str]:
    """'一般公共服务支出' → also '一般公共服务'; '因公出国(境)费' → '因公出国费', '出国(境)费'."""
    base = fold(name)
    item = re.findall(r"([^()]+)\(项\)", base)
    if item:  # '…(类)…(款)行政运行(项)' is about 行政运行
        return [base, item[-1]]
    out = {base} | {v for v in _word_suffixes(base) if v.count("(") == v.count(")")}
    out.add(re.sub(r"\([^)]*\)", "", base))  # '因公出国(境)费用' is asked as '因公出国费用'
    if kind == "narrative":
        out |= {v[:-2] for v in out if v.endswith(("总额", "总计", "合计")) and len(v) >= 6}
        # '政府采购预算总额', '政府采购支出总额' are asked as '政府采购'
        out |= {v[:-4] for v in out if v.endswith(("预算总额", "支出总额", "决算总额")) and len(v) >= 8}
        # '…支出决算数' is asked as '…支出决算'
        out |= {v[:-1] for v in out if v.endswith(("预算数", "决算数")) and len(v) >= 6}
        return [v for v in out if len(v) >= 4 or (len(v) >= 3 and v == base)]
    out.add(re.sub(r"\([^)]*\)", "", base))
    # '政府性基金预算财政拨款资金' is asked as '政府性基金(预算)': the fund's own money
    if fund := re.match(r"^(政府性基金|国有资本经营)预算(?:财政)?拨款(?:资金|收入|支出)?(?:合计)?$", base):
        out |= {fund.group(1), fund.group(1) + "预算"}
    # '“三公”经费合计' is the 三公经费 (the row that totals it)
    if base.endswith(("合计", "总计", "小计")) and len(base) >= 6:
        out.add(base[:-2])
    for suffix in _SUFFIX_DROPS:
        if base.endswith(suffix) and len(base) - len(suffix) >= 4:
            out.add(base[: -len(suffix)])
    if base.endswith("费用"):
        out.add(base[:-1])
    if base.endswith("费") and not base.endswith("经费"):
        out.add(base + "用")
    if "运行费" in base:
        out.add(base.replace("运行费", "运行维护费"))
    if "运行维护费" in base:
        out.add(base.replace("运行维护费", "运行费"))
    if base == "日常公用经费":  # the template uses both names for the same column
        out.add("公用经费")
    return [v for v in out if len(v) >= 2]
