"""What an item is made of, from the disclosure's own structure: a 科目's children (two levels,
so 类 → 款 → 项 all show), the economic rows behind 人员经费 / 公用经费 / 基本支出 / 项目支出,
the parts of the 三公 total, a project's 绩效 indicators, the whole budget by function, and
the income side's sources. Every member is a stored figure."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.records import Figure, Row, Table
from core.vocab import fold
from ingest.roles import Role, role_of
from qa import compose as W
from qa.catalog import Entry
from qa.lookup import Candidate, figures_for, is_generic, total_entries
from qa.match import Mention
from qa.ops import Env
from qa.question import Question

_MONEY = ("元", "万元")
# Which table breaks a column item down, by role (部门经济分类 first; 政府经济分类 when asked).
_COLUMN_TABLES = {
    "基本支出": (Role.BASIC_ECON_DEPT, Role.BASIC_ECON_GOV),
    "人员经费": (Role.BASIC_ECON_DEPT, Role.BASIC_ECON_GOV),
    "日常公用经费": (Role.BASIC_ECON_DEPT, Role.BASIC_ECON_GOV),
    "公用经费": (Role.BASIC_ECON_DEPT, Role.BASIC_ECON_GOV),
    "项目支出": (Role.PROJECT_ECON_DEPT, Role.PROJECT_ECON_GOV),
}
# the whole budget is every fund: the 支出总表 first, the 一般公共预算 table where there is none
_FUNCTION_TABLES = (Role.EXPENSE_TOTAL, Role.GENERAL_EXPENSE)
_GOV = {Role.BASIC_ECON_GOV, Role.PROJECT_ECON_GOV}


@dataclass
class Members:
    title: str  # what is broken down, in words
    whole: Candidate | None
    parts: list[Candidate]
    spans: list[tuple[int, int]] = field(default_factory=list)
    entry: Entry | None = None
    whole_budget: bool = False  # the department's whole budget, no item named
    words: str = ""  # what the listing is, as people ask it ('绩效指标'): explained by it
    children: dict[int, list[Candidate]] = field(default_factory=dict)  # part line → its own parts
    extra: list[tuple[int, int]] = field(default_factory=list)  # other words the mention explains


def members(q: Question, m: Mention | None, env: Env, year: int) -> list[Members]:
    if m is None:
        if any(c.kind == "total" and c.value == "income" for c in q.cues):
            got = _income_sources(q, env, year)
        else:
            # '整体绩效目标有哪些': the overall 绩效 table named is listed, not the whole budget
            got = _indicators_of(q, env, None) or _named_table(q, env, year) or _budget_by_function(q, env, year)
        return [got] if got and got.parts else []
    out: list[Members] = []
    projects = {h.entry.project for h in m.hits if h.how == "project" and h.entry.project}
    # a project named by its row of the 项目支出 table, when only its indicators carry its name
    indicated = {e.project for e in env.entries() if e.kind == "indicator" and e.project}
    projects |= {e.name for e in m.entries if e.kind == "row" and e.name in indicated}
    for project in sorted(projects):
        got = _indicators_of(q, env, project)
        if got is not None and got.parts:
            got.spans, got.extra = [m.span], list(m.extra)
            out.append(got)
    for e in m.entries:
        got = None
        if e.kind == "three_public":
            got = _three_public_parts(q, env, e, year)
        elif e.kind == "column" and e.name in _COLUMN_TABLES:
            got = _column_parts(q, env, e, year)
        elif e.kind == "row" and e.role is not None and all(h.how == "total" for h in m.hits if h.entry is e):
            income = "收入" in e.name or any((f.source.column or "").startswith("收入") for f in e.figures)
            got = _income_sources(q, env, year) if income else _budget_by_function(q, env, year)
        elif e.kind == "row" and (e.code or is_generic(fold(e.name))):
            got = _children(q, env, e, year)
        if got is not None and got.parts:
            got.spans, got.extra = [m.span], list(m.extra)
            out.append(got)
    return out


def _named_table(q: Question, env: Env, year: int) -> Members | None:
    """'政府性基金那部分钱都花在哪了': no item, a table named by its kind — that table's own total
    and its rows, not the general budget's."""
    for e in env.entries():
        if e.kind == "row" and e.role in q.roles and e.role.value.endswith(("基金表", "经营表")) and is_generic(fold(e.name)):
            got = _children(q, env, e, year)
            if got is not None and got.parts:
                return got
    return None


def table_of(env: Env, e: Entry) -> Table | None:
    return next((t for t in env.doc.tables if t.no == e.table_no and t.part == e.part), None)


def entry_at(env: Env, table: Table, line: int) -> Entry | None:
    for e in env.entries():
        if (
            e.table_no == table.no
            and e.part == table.part
            and e.kind == "row"
            and e.figures
            and e.figures[0].source.line == line
        ):
            return e
    return None


def _figure_in(e: Entry, column: str | None, q: Question, year: int) -> Figure | None:
    if column is not None:
        f = next((f for f in e.figures if f.source.column == column), None)
        if f is not None:
            return f
    figs = figures_for(e, q, year, q.doc.kind, amounts=True)
    return figs[0] if figs else None


def row_figures(env: Env, table: Table, rows: list[Row], column: str | None, q: Question, year: int) -> list[Candidate]:
    out = []
    for r in rows:
        e = entry_at(env, table, r.line)
        if e is None:
            continue
        f = _figure_in(e, column, q, year)
        if f is not None and f.unit in _MONEY:
            out.append(Candidate(e, f, 0))
    return out


def _children(q: Question, env: Env, e: Entry, year: int) -> Members | None:
    figs = figures_for(e, q, year, q.doc.kind, amounts=True)
    table = table_of(env, e)
    if not figs or table is None:
        return None
    whole = Candidate(e, figs[0], 0)
    rows = list(table.rows)
    column = whole.figure.source.column
    if e.code:
        if q.level and q.level > len(e.code):
            kids = [r for r in rows if r.code and r.code.startswith(e.code) and len(r.code) == q.level]
        else:
            kids = _descend(rows, e.code)
    else:  # a 合计 row: the top level of the classification
        top = min((len(r.code) for r in rows if r.code), default=0)
        kids = [r for r in rows if r.code and len(r.code) == (q.level or top)] or _leaves(rows)
    parts = row_figures(env, table, kids, column, q, year)
    out = Members(W.subject(whole), whole, parts, entry=e)
    if not q.level:
        for kid, c in zip(kids, parts, strict=False):
            grand = [r for r in rows if kid.code and r.parent_code == kid.code]
            if grand:
                out.children[c.figure.source.line] = row_figures(env, table, grand, column, q, year)
    return out


def _descend(rows: list[Row], code: str) -> list[Row]:
    """Children of a 科目; with one child only, its children (one part says nothing)."""
    kids = [r for r in rows if r.parent_code == code]
    while len(kids) == 1 and kids[0].code and any(r.parent_code == kids[0].code for r in rows):
        kids = [r for r in rows if r.parent_code == kids[0].code]
    return kids


def _leaves(rows: list[Row]) -> list[Row]:
    codes = {r.code for r in rows if r.code}
    return [r for r in rows if r.code and not any(c != r.code and c.startswith(r.code) for c in codes)]


def _column_parts(q: Question, env: Env, e: Entry, year: int) -> Members | None:
    """人员经费 / 日常公用经费 / 基本支出 / 项目支出: the economic rows that make it up — the
    finest rows of a column (人员经费 → 基本工资, 奖金 …), the top rows of a table that is
    about the item as a whole (基本支出 → 工资福利 / 商品和服务 / 对个人和家庭)."""
    roles = _COLUMN_TABLES[e.name]
    if q.roles & _GOV:
        roles = roles[::-1]
    for role in roles:
        table = next((t for t in env.doc.tables if role_of(t) is role and t.status == "data"), None)
        if table is None:
            continue
        leaf = lambda c: c.split("/")[-1]  # noqa: E731 - a one-line key
        cols = [c for c in table.columns if leaf(c) == e.name or (e.name.endswith("公用经费") and leaf(c).endswith("公用经费"))]
        amount_cols = [c for c in table.columns if any((cell := r.cell(c)) is not None and cell.kind == "amount" for r in table.rows)]
        rows = [r for r in table.rows if r.code]
        col = cols[0] if cols else None
        whole_table = not cols or len(amount_cols) == 1
        if col:
            rows = [r for r in rows if (cell := r.cell(col)) is not None and cell.kind == "amount" and cell.value]
        if not rows:
            continue
        if q.level:
            picked = [r for r in rows if len(r.code or "") == q.level] or rows
        elif not whole_table:
            picked = _leaves(rows)
        else:
            top = min(len(r.code or "") for r in rows)
            picked = [r for r in rows if len(r.code or "") == top]
            while len(picked) == 1 and (kids := [r for r in rows if r.parent_code == picked[0].code]):
                picked = kids
        parts = row_figures(env, table, picked, col, q, year)
        whole_figs = figures_for(e, q, year, q.doc.kind, amounts=True)
        whole = Candidate(e, whole_figs[0], 0) if whole_figs else None
        out = Members(f"{e.name}（表{W.cn(table.no)}）", whole, parts, entry=e)
        if whole_table and not q.level:
            for r, c in zip(picked, parts, strict=False):
                grand = [x for x in rows if r.code and x.parent_code == r.code]
                if grand:
                    out.children[c.figure.source.line] = row_figures(env, table, grand, col, q, year)
        return out
    return None


def _three_public_parts(q: Question, env: Env, e: Entry, year: int) -> Members | None:
    """因公出国(境)费, 公务用车购置及运行费 (购置费, 运行费), 公务接待费 — a part the table
    leaves blank is the 0 the narrative states, when it states one."""
    figs = figures_for(e, q, year, q.doc.kind, amounts=True)
    if not figs or e.name != "三公经费":
        return None
    whole = Candidate(e, figs[0], 0)
    top = (figs[0].source.column or "").split("/")[0]
    table = table_of(env, e)
    columns = [c for c in (table.columns if table else ()) if c.startswith(top + "/") and c != figs[0].source.column]
    by_col = {
        f.source.column: Candidate(o, f, 0)
        for o in env.entries()
        if o.kind == "three_public" and o.table_no == e.table_no
        for f in o.figures
    }
    parts: list[Candidate] = []
    children: dict[int, list[Candidate]] = {}
    parent: Candidate | None = None
    for col in columns:
        depth = col.count("/")
        c = by_col.get(col) or _stated_zero(env, col.split("/")[-2 if col.endswith(("/小计", "/合计")) else -1], year, e)
        if c is None:
            continue
        if depth == 1 or col.endswith(("/小计", "/合计")):
            parts.append(c)
            parent = c if col.endswith(("/小计", "/合计")) else None
        elif parent is not None:
            children.setdefault(id(parent), []).append(c)
    out = Members(W.subject(whole), whole, parts, entry=e)
    out.children = {p.figure.source.line: children[id(p)] for p in parts if id(p) in children}
    return out


def _stated_zero(env: Env, name: str, year: int, e: Entry) -> Candidate | None:
    """A blank 三公 part: the narrative's own amount for it ('因公出国（境）费用 0 元')."""
    key = fold(name).replace("(", "").replace(")", "").replace("费用", "费")
    for n in env.entries():
        if n.kind != "narrative":
            continue
        item = fold(n.name).replace("(", "").replace(")", "").replace("费用", "费")
        if item == key or (len(key) >= 4 and key in item and len(item) - len(key) <= 2):
            f = next((f for f in n.figures if f.measure == "金额" and f.unit in _MONEY and f.year in (year, None)), None)
            if f is not None:
                return Candidate(n, f, 0)
    return None


def _budget_by_function(q: Question, env: Env, year: int) -> Members | None:
    """The whole budget by 功能分类 类 (the 一般公共预算 or 支出总表's top rows)."""
    for role in _FUNCTION_TABLES:
        table = next((t for t in env.doc.tables if role_of(t) is role and t.status == "data"), None)
        if table is None:
            continue
        rows = list(table.rows)
        level = q.level or 3
        top = [r for r in rows if r.code and len(r.code) == level]
        total_row = next((r for r in rows if is_generic(fold(r.name))), None)
        if not top:
            continue
        whole, column = None, None
        if total_row is not None and (te := entry_at(env, table, total_row.line)) is not None:
            figs = figures_for(te, q, year, q.doc.kind, amounts=True, named=False)
            if figs:
                whole, column = Candidate(te, figs[0], 0), figs[0].source.column
        parts = row_figures(env, table, top, column, q, year)
        if parts:
            title = f"按支出功能分类，表{W.cn(table.no)}{whole.entry.name if whole else '合计'}"
            out = Members(title, whole, parts, entry=whole.entry if whole else None, whole_budget=True)
            if level == 3 and not q.level:
                for r, c in zip(top, parts, strict=False):
                    kids = [x for x in rows if x.parent_code == r.code]
                    if len(kids) > 1:
                        out.children[c.figure.source.line] = row_figures(env, table, kids, column, q, year)
            return out
    return None


def _income_sources(q: Question, env: Env, year: int) -> Members | None:
    """The income side of the total tables: what the money comes from."""
    for e in total_entries(env.catalog, env.doc.id, income=True):
        figs = figures_for(e, q, year, q.doc.kind, amounts=True, named=False)
        table = table_of(env, e)
        if not figs or table is None:
            continue
        whole = Candidate(e, figs[0], 0)
        side = (whole.figure.source.column or "").split("/")[0]
        rows = list(table.rows)
        start = next((i for i, r in enumerate(rows) if r.line == whole.figure.source.line), 0)
        # the sources follow the total ('一、本年收入合计' then its rows) or, as many tables print
        # them, come before it ('一、一般公共预算拨款收入 … 六、其他收入' then '本年收入合计')
        parts = _source_rows(env, table, rows[start + 1 :], side) or _source_rows(env, table, rows[:start], side)
        if parts:
            return Members("收入来源", whole, parts, entry=e)
    return None


def _source_rows(env: Env, table, rows: list, side: str) -> list[Candidate]:
    parts = []
    for r in rows:
        if is_generic(fold(r.name)) or "结转" in r.name or "支出" in r.name:
            continue
        entry = entry_at(env, table, r.line)
        f = next((f for f in (entry.figures if entry else ()) if (f.source.column or "").split("/")[0] == side), None)
        if entry is not None and f is not None and f.unit in _MONEY:
            parts.append(Candidate(entry, f, 0))
    return parts


def _indicators_of(q: Question, env: Env, project: str | None) -> Members | None:
    """A project's 绩效 indicators (or the department's overall ones) with their 指标值."""
    # the overall table states its 当年整体绩效目标 as text and its 绩效指标 as rows: '整体绩效目标有
    # 哪些' is the text (a passage), '整体绩效指标有哪些' the rows
    if project is None and (Role.PERF_OVERALL not in q.roles or "指标" not in q.text):
        return None
    found = []
    for e in env.entries():
        if e.kind != "indicator":
            continue
        if (project and e.project == project) or (project is None and e.role is Role.PERF_OVERALL):
            f = next((f for f in e.figures if (f.source.column or "") == "指标值"), None)
            if f is not None:
                found.append(Candidate(e, f, 0))
    if not found:
        return None
    what = f"{project}项目的绩效指标" if project else "部门整体绩效指标"
    return Members(what, None, found, entry=found[0].entry, words="绩效指标|绩效目标|指标值|指标|目标")
