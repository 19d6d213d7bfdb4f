"""The deterministic table-lookup tool: question words → figures, with the measure, year and
classification chosen by rules. No language model is involved.

When one name lives in several tables with different values and the question does not say
which, every candidate is returned with its label (the caller asks back); equal values in
several tables are one answer with several sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from core.records import Figure
from core.vocab import fold, vocabulary
from ingest.roles import Role
from qa.catalog import Catalog, Entry
from qa.question import Question

# Which table's cell to cite first when several tables agree.
ROLE_ORDER = (
    Role.GENERAL_EXPENSE,
    Role.EXPENSE_TOTAL,
    Role.INCOME_EXPENSE_TOTAL,
    Role.APPROPRIATION_TOTAL,
    Role.BASIC_ECON_DEPT,
    Role.PROJECT_ECON_DEPT,
    Role.BASIC_ECON_GOV,
    Role.PROJECT_ECON_GOV,
    Role.THREE_PUBLIC,
    Role.FUND_EXPENSE,
    Role.SOE_EXPENSE,
    Role.PERF_OVERALL,
    Role.PERF_GENERAL,
    Role.PERF_KEY,
)
QUALIFIERS = {"基本支出", "项目支出", "一般公共预算财政拨款", "一般公共预算", "财政拨款"}
GENERIC = {"合计", "总计", "小计"}
_WHOLE_BUDGET = (
    Role.GENERAL_EXPENSE,
    Role.EXPENSE_TOTAL,
    Role.INCOME_EXPENSE_TOTAL,
    Role.APPROPRIATION_TOTAL,
)


def is_generic(name: str) -> bool:
    """Total rows ('合计', '支出合计', '一、本年收入合计'): they answer 'how much in all', not an item."""
    return name in GENERIC or name.endswith(("合计", "总计"))


TOTAL_WORDS = ("总共", "一共", "总额", "总支出", "总收入", "总预算", "预算总", "合计", "总计", "全部", "共计")
_PERF_WORDS = ("指标", "绩效", "权重", "目标")
_TOTAL_LEAVES = (
    "总计",
    "合计",
    "小计",
    "值",
    "预算数",
    "指标值",
    "预算金额",
    "项目金额",
    "金额",
    "决算数",
    "本年支出合计",
    "本年收入合计",
)


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    figure: Figure
    mention: int  # start of the question words it answers (one per item the question names)

    @property
    def yuan(self) -> Decimal:
        return self.figure.yuan if self.figure.yuan is not None else self.figure.value

    @property
    def label(self) -> str:
        return describe(self.entry, self.figure)


def describe(entry: Entry, figure: Figure) -> str:
    """'表六 基本支出（部门经济分类） · 30201 办公费 · 2024年基本支出/总计'."""
    where = f"表{_cn(entry.table_no)}" if entry.table_no else "说明"
    if entry.project:
        where += f"（{entry.project}）"
    elif entry.role and entry.role is not Role.OTHER:
        where += f"（{entry.role.value}）"
    parts = [where, entry.label]
    if figure.source.column and figure.source.column not in ("值",) and entry.kind != "narrative":
        parts.append(figure.source.column)
    elif entry.kind == "narrative":
        parts.append(figure.measure)
    return " · ".join(parts)


def _cn(n: int | None) -> str:
    from core.records import cn_number

    return cn_number(n)


# --- choosing entries ------------------------------------------------------------------------


def total_entries(catalog: Catalog, doc_id: str, income: bool = False) -> list[Entry]:
    """The whole budget's total rows (not the 基本/项目/三公 tables' own totals)."""
    side = "收入" if income else "支出"
    out = []
    for e in catalog.entries_of(doc_id):
        if e.kind != "row" or not is_generic(fold(e.name)) or e.role not in _WHOLE_BUDGET:
            continue
        if "结转" in e.name or "结余" in e.name:
            continue
        other = "支出" if income else "收入"
        if other in e.name or any(f.source.column and f.source.column.startswith(other) for f in e.figures):
            continue
        if income and e.role in (Role.GENERAL_EXPENSE, Role.EXPENSE_TOTAL):
            continue  # an expenditure table's 合计 is no income total
        out.append(e)
    # The department's all-funds totals first; '本年支出合计' (without carry-overs) before '总计'.
    order = (Role.EXPENSE_TOTAL, Role.INCOME_EXPENSE_TOTAL, Role.GENERAL_EXPENSE, Role.APPROPRIATION_TOTAL)
    return sorted(
        out,
        key=lambda e: (side not in e.name and "本年" not in e.name, "总计" in e.name, order.index(e.role)),
    )


# --- choosing figures ------------------------------------------------------------------------


def figures_for(
    entry: Entry, q: Question, year: int, kind: str = "预算", amounts: bool = False, named: bool = True
) -> list[Figure]:
    """The entry's figure(s) for a year and for the column the question points at.
    ``amounts``: the figure is an input of a calculation, never a printed percentage.
    ``named``: a column the question names counts (not for a whole the parts are shares of)."""
    table_pct = "增幅" in q.text and not amounts
    figs = [
        f
        for f in entry.figures
        if f.unit != "%" or table_pct or (entry.kind in ("indicator", "narrative") and not amounts)
    ]
    if entry.kind == "narrative":
        figs = [f for f in figs if f.year in (year, None)]
        # a column the sentence gives its subject ('科普经费项目年初预算…执行数…自评得分95分'),
        # when the question names it or asks in its unit ('得了几分')
        asked = q.unit_asked if q.unit_asked not in (None, "个", "元", "万元", "%") else None
        named = vocabulary().sentence_columns
        columns = [f for f in figs if f.measure in named and (f.measure in q.text or f.unit == asked)]
        return columns[:1] or [f for f in figs if f.measure in ("金额", "数量", "比例")]
    figs = [f for f in figs if (f.year or q.doc.year) == year]
    if not figs:
        return []
    if kind == "决算":
        figs = _final_accounts_column(figs, q)
    leaves = {f: (f.source.column or "").split("/")[-1] for f in figs}
    if entry.kind == "indicator":
        want = "指标权重" if "权重" in q.text else "指标值"
        return [f for f in figs if leaves[f] == want]
    named = [f for f in figs if named and leaves[f] and leaves[f] not in _TOTAL_LEAVES and leaves[f] in q.text]
    if table_pct:
        pct = [f for f in figs if f.unit == "%"]
        if pct:
            return pct[:1]
    figs = [f for f in figs if f.unit != "%"] or figs
    if named:
        return named[:1]
    for leaf in _TOTAL_LEAVES:
        hit = [f for f in figs if leaves[f] == leaf]
        if hit:
            return hit[:1]
    return figs[:1]


def _final_accounts_column(figs: list[Figure], q: Question) -> list[Figure]:
    budget = [f for f in figs if "预算" in (f.source.column or "")]
    final = [f for f in figs if "预算" not in (f.source.column or "")]
    if ("年初预算" in q.text or "预算数" in q.text) and budget:
        return budget
    return final or figs


def candidates(q: Question, pairs: list[tuple[Entry, int]], year: int, amounts: bool = False) -> list[Candidate]:
    """Figures of (entry, mention position) pairs for a year, narrowed by the question's hints."""
    kind = q.doc.kind
    out = []
    for entry, mention in pairs:
        for f in figures_for(entry, q, year, kind, amounts):
            out.append(Candidate(entry, f, mention))
    if kind == "决算" and re.search(r"年初预算|预算数", q.text):
        # '年初预算是多少' in a 决算: only tables that show the budget column answer it.
        out = [c for c in out if "预算" in (c.figure.source.column or "")] or out
    return narrow(q, out)


def narrow(q: Question, cands: list[Candidate]) -> list[Candidate]:
    """Apply the question's table hints, each only when it leaves something."""
    steps = [
        lambda c: c.entry.table_no in q.table_nos if q.table_nos else True,
        lambda c: c.entry.role in q.roles if q.roles else True,
        lambda c: bool(c.entry.project and fold(c.entry.project) in q.text),
        lambda c: _basic_project_hint(q, c),
    ]
    for keep in steps:
        kept = [c for c in cands if keep(c)]
        if kept:
            cands = kept
    return cands


def _basic_project_hint(q: Question, c: Candidate) -> bool:
    col = c.figure.source.column or ""
    basic = c.entry.role in (Role.BASIC_ECON_DEPT, Role.BASIC_ECON_GOV) or "基本支出" in col
    project = c.entry.role in (Role.PROJECT_ECON_DEPT, Role.PROJECT_ECON_GOV) or "项目支出" in col
    if "基本支出" in q.text and "项目支出" not in q.text:
        return basic
    if "项目支出" in q.text and "基本支出" not in q.text:
        return project
    return True


def sort_key(c: Candidate) -> tuple:
    role_rank = ROLE_ORDER.index(c.entry.role) if c.entry.role in ROLE_ORDER else len(ROLE_ORDER)
    return (role_rank, c.entry.table_no or 99, c.entry.part, c.figure.source.line)


def distinct_values(cands: list[Candidate]) -> dict[Decimal, list[Candidate]]:
    groups: dict[Decimal, list[Candidate]] = {}
    for c in sorted(cands, key=sort_key):
        groups.setdefault(
            c.yuan.normalize() if c.figure.unit in ("元", "万元") else c.figure.value, []
        ).append(c)
    return groups


def by_mention(cands: list[Candidate]) -> dict[int, list[Candidate]]:
    out: dict[int, list[Candidate]] = {}
    for c in cands:
        out.setdefault(c.mention, []).append(c)
    return dict(sorted(out.items()))
