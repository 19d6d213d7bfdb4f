"""Questions beyond one cell, answered from the figure store: composition and breakdown
(what an item — or the whole budget — is made of), ranking, lists (projects, items that grew
or shrank), change against the previous year, per-unit figures and 决算 completion rates.
Every figure is a stored cell; every computed number has its formula."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from core.records import Figure, Result, Row, Table
from core.vocab import fold
from ingest.roles import Role, role_of
from qa import calc as C
from qa import compose as W
from qa.catalog import Entry
from qa.lookup import Candidate, candidates, distinct_values, figures_for, is_generic, total_entries
from qa.match import Mention
from qa.ops import Env, best_of, default_years, groups, reading_for, stated, year_pair
from qa.question import Question
from qa.readings import Draft, Reading

_MONEY = ("元", "万元")
# Which table breaks a column item down, by role (部门经济分类 first; 政府经济分类 when asked).
_COLUMN_TABLES = {
    "基本支出": (Role.BASIC_ECON_DEPT, Role.BASIC_ECON_GOV),
    "人员经费": (Role.BASIC_ECON_DEPT, Role.BASIC_ECON_GOV),
    "日常公用经费": (Role.BASIC_ECON_DEPT, Role.BASIC_ECON_GOV),
    "公用经费": (Role.BASIC_ECON_DEPT, Role.BASIC_ECON_GOV),
    "项目支出": (Role.PROJECT_ECON_DEPT, Role.PROJECT_ECON_GOV),
}
_FUNCTION_TABLES = (Role.GENERAL_EXPENSE, Role.EXPENSE_TOTAL)
_TOP = re.compile(r"前([一二两三四五六七八九十\d]+)|排名前([一二两三四五六七八九十\d]+)")


@dataclass
class Members:
    title: str  # what the members are: '表五 206 科学技术支出 的下级科目'
    whole: Candidate | None
    parts: list[Candidate]
    spans: list[tuple[int, int]]
    entry: Entry | None = None
    whole_budget: bool = False  # the department's whole budget, no item named


# --- what an item is made of ---------------------------------------------------------------------


def members(q: Question, m: Mention | None, env: Env, year: int) -> list[Members]:
    out: list[Members] = []
    if m is None:
        whole = _budget_by_function(q, env, year)
        return [whole] if whole else []
    for e in m.entries:
        got = None
        if e.kind == "three_public":
            got = _three_public_parts(q, env, e, year)
        elif e.kind == "column" and e.name in _COLUMN_TABLES:
            got = _column_parts(q, env, e, year)
        elif e.kind == "row" and (e.code or is_generic(fold(e.name))):
            got = _children(q, env, e, year)
        if got is not None and got.parts:
            got.spans = [m.span]
            out.append(got)
    return out


def _rows_of(env: Env, table_no: int | None, part: int = 1) -> tuple[Table | None, list[Row]]:
    t = next((t for t in env.doc.tables if t.no == table_no and t.part == part), None)
    return t, list(t.rows) if t else []


def _entry_at(env: Env, table: Table, line: int) -> Entry | None:
    for e in env.entries():
        if e.table_no == table.no and e.part == table.part and e.kind == "row" and e.figures and e.figures[0].source.line == line:
            return e
    return None


def _figure_in(e: Entry, column: str | None, q: Question, year: int) -> Figure | None:
    if column is not None:
        f = next((f for f in e.figures if f.source.column == column), None)
        if f is not None:
            return f
    figs = figures_for(e, q, year, q.doc.kind)
    return figs[0] if figs else None


def _children(q: Question, env: Env, e: Entry, year: int) -> Members | None:
    figs = figures_for(e, q, year, q.doc.kind)
    if not figs:
        return None
    whole = Candidate(e, figs[0], 0)
    table, rows = _rows_of(env, e.table_no, e.part)
    if table is None:
        return None
    if e.code:
        level = q.level if q.level and q.level > len(e.code) else 0
        kids = _descend(rows, e.code, level)
    else:  # a 合计 row: the top level of the classification
        top = min((len(r.code) for r in rows if r.code), default=0)
        level = q.level or top
        kids = [r for r in rows if r.code and len(r.code) == (level if level else top)] or _leaves(rows)
    parts = _member_figures(env, table, kids, whole.figure.source.column, q, year)
    return Members(f"{W.subject(whole)}", whole, parts, [], e)


def _descend(rows: list[Row], code: str, level: int) -> list[Row]:
    """Children of a 科目; at a level asked, the rows of that length under it; one child only:
    its children (a breakdown of one part says nothing)."""
    if level:
        return [r for r in rows if r.code and r.code.startswith(code) and len(r.code) == level]
    kids = [r for r in rows if r.parent_code == code]
    while len(kids) == 1 and kids[0].code and any(r.parent_code == kids[0].code for r in rows):
        kids = [r for r in rows if r.parent_code == kids[0].code]
    return kids


def _leaves(rows: list[Row]) -> list[Row]:
    codes = {r.code for r in rows if r.code}
    return [r for r in rows if r.code and not any(c != r.code and c.startswith(r.code) for c in codes)]


def _member_figures(
    env: Env, table: Table, rows: list[Row], column: str | None, q: Question, year: int
) -> list[Candidate]:
    out = []
    for r in rows:
        e = _entry_at(env, table, r.line)
        if e is None:
            continue
        f = _figure_in(e, column, q, year)
        if f is not None and f.unit in _MONEY:
            out.append(Candidate(e, f, 0))
    return out


def _column_parts(q: Question, env: Env, e: Entry, year: int) -> Members | None:
    """人员经费 / 日常公用经费 / 基本支出 / 项目支出: the economic rows that make it up."""
    roles = _COLUMN_TABLES[e.name]
    if q.roles & {Role.BASIC_ECON_GOV, Role.PROJECT_ECON_GOV}:
        roles = roles[::-1]
    for role in roles:
        table = next((t for t in env.doc.tables if role_of(t) is role and t.status == "data"), None)
        if table is None:
            continue
        cols = [c for c in table.columns if c.split("/")[-1] == e.name or (e.name == "公用经费" and c.endswith("公用经费"))]
        rows = list(table.rows)
        if cols:
            col = cols[0]
            used = [r for r in rows if r.code and (cell := r.cell(col)) is not None and cell.kind == "amount" and cell.value]
        else:
            col = None
            used = [r for r in rows if r.code]
        if not used:
            continue
        if q.level:
            picked = [r for r in used if len(r.code or "") == q.level] or used
        elif cols:  # a column of the table: its finest rows (人员经费 → 基本工资, 奖金 …)
            picked = _leaves(used)
        else:  # the whole table: its top level (基本支出 → 工资福利 / 商品和服务 / 对个人和家庭)
            top = min(len(r.code or "") for r in used)
            picked = [r for r in used if len(r.code or "") == top]
            while len(picked) == 1 and (kids := [r for r in used if r.parent_code == picked[0].code]):
                picked = kids
        parts = _member_figures(env, table, picked, col, q, year)
        whole_figs = figures_for(e, q, year, q.doc.kind)
        whole = Candidate(e, whole_figs[0], 0) if whole_figs else None
        return Members(f"{e.name}（表{W.cn(table.no)}）", whole, parts, [], e)
    return None


def _three_public_parts(q: Question, env: Env, e: Entry, year: int) -> Members | None:
    figs = figures_for(e, q, year, q.doc.kind)
    if not figs or e.name != "三公经费":
        return None
    top = (figs[0].source.column or "").split("/")[0]
    parts = []
    for other in env.entries():
        if other.kind != "three_public" or other is e or other.table_no != e.table_no:
            continue
        f = next((f for f in other.figures if (f.source.column or "").startswith(top + "/")), None)
        if f is None:
            continue
        depth = (f.source.column or "").count("/")
        parts.append((depth, Candidate(other, f, 0)))
    # the parts (因公出国, 公务用车购置及运行费, 公务接待费) and the car costs under it
    parts_sorted = [c for _, c in sorted(parts, key=lambda dc: (dc[1].figure.source.column or ""))]
    return Members(f"{W.subject(Candidate(e, figs[0], 0))}", Candidate(e, figs[0], 0), parts_sorted, [], e)


def _budget_by_function(q: Question, env: Env, year: int) -> Members | None:
    """The whole budget by 功能分类 类 (the 一般公共预算 or 支出总表's top rows)."""
    for role in _FUNCTION_TABLES:
        table = next((t for t in env.doc.tables if role_of(t) is role and t.status == "data"), None)
        if table is None:
            continue
        rows = list(table.rows)
        top = [r for r in rows if r.code and len(r.code) == (q.level or 3)]
        total_row = next((r for r in rows if is_generic(fold(r.name))), None)
        if not top:
            continue
        whole = None
        column = None
        if total_row is not None and (te := _entry_at(env, table, total_row.line)) is not None:
            figs = figures_for(te, q, year, q.doc.kind)
            if figs:
                whole = Candidate(te, figs[0], 0)
                column = figs[0].source.column
        parts = _member_figures(env, table, top, column, q, year)
        if parts:
            title = f"按支出功能分类，表{W.cn(table.no)}{whole.entry.name if whole else '合计'}"
            return Members(title, whole, parts, [], whole.entry if whole else None, whole_budget=True)
    return None


def _income_sources(q: Question, env: Env, year: int) -> Members | None:
    entries = total_entries(env.catalog, env.doc.id, income=True)
    cands = [c for c in candidates(q, [(e, 0) for e in entries], year) if c.figure.unit in _MONEY]
    if not cands:
        return None
    whole = best_of(list(distinct_values(cands).values())[0])
    table, rows = _rows_of(env, whole.entry.table_no, whole.entry.part)
    if table is None:
        return None
    start = next((i for i, r in enumerate(rows) if r.line == whole.figure.source.line), 0)
    parts = []
    for r in rows[start + 1 :]:
        if is_generic(fold(r.name)) or "结转" in r.name or r.group not in (None, "", whole.entry.figures[0].source.column.split("/")[0] if whole.entry.figures else None):
            if parts:
                break
            continue
        e = _entry_at(env, table, r.line)
        f = next((f for f in (e.figures if e else ()) if (f.source.column or "").split("/")[0] == (whole.figure.source.column or "").split("/")[0]), None)
        if e is not None and f is not None and f.unit in _MONEY and "支出" not in r.name:
            parts.append(Candidate(e, f, 0))
    return Members("收入来源", whole, parts, [], whole.entry)


# --- readings ------------------------------------------------------------------------------------


def breakdown(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    year = default_years(q)[0]
    out = []
    subjects: list[Mention | None] = [m for m in ms if m.entries] or [None]
    if not ms and any(c.kind == "total" and c.value == "income" for c in q.cues):
        got = _income_sources(q, env, year)
        if got and got.parts:
            out.append(_listing(q, got, year, op="breakdown", shares=True, quality=0.85))
        return out
    for m in subjects:
        for mem in members(q, m, env, year):
            out.append(_listing(q, mem, year, op="breakdown", shares=True, quality=_q(q, m, mem)))
    return out


def _q(q: Question, m: Mention | None, mem: Members) -> float:
    from qa.ops import hit_quality

    if m is None:
        return 0.85
    return hit_quality(m, mem.entry, q) if mem.entry is not None else m.quality


def _listing(q: Question, mem: Members, year: int, op: str, shares: bool, quality: float, parts=None) -> Reading:
    parts = parts if parts is not None else sorted(mem.parts, key=lambda c: -c.yuan)
    calcs, results, lines = [], [], []
    whole = mem.whole
    for c in parts:
        line = f"{c.entry.label} {W.shown(c.figure)}"
        results.append(Result(c.figure.value, c.figure.unit, c.label))
        if shares and whole is not None and whole.figure.value and c.figure.unit == whole.figure.unit:
            s = C.share(c.figure.value, whole.figure.value, 1)
            calcs.append(s)
            results.append(Result(s.value, "%", f"{c.entry.name}占比"))
            line += f"（占{W.plain(s.value)}%）"
        lines.append(line)
    head = f"{mem.title}为{W.shown(whole.figure)}，" if whole is not None else f"{mem.title}："
    if whole is not None:
        results.insert(0, Result(whole.figure.value, whole.figure.unit, whole.label))
    text = head + ("按金额从大到小：" if len(parts) > 1 else "") + "；".join(lines) + "。"
    cands = ([whole] if whole is not None else []) + list(parts)
    draft = Draft("answered", text, cands, results, calcs)
    r = reading_for(op, q, cands, [], draft, [year], quality=quality)
    r.spans = list(mem.spans)
    r.items = [mem.entry] if mem.entry is not None else []
    r.hows = ["name"] * len(r.spans) if r.spans else ["total"]
    r.uses_total = mem.whole_budget
    return r


def rank(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    year = default_years(q)[0]
    low = bool(re.search(r"最少|最小|最低|最便宜", q.text))
    n = _top_n(q)
    out = []
    for m in [m for m in ms if m.entries] or [None]:
        for mem in members(q, m, env, year):
            pool = mem.parts
            if m is not None and mem.entry is not None and mem.entry.kind == "column" and q.level is None:
                pool = [c for c in pool]
            ranked = sorted((c for c in pool if c.figure.value or low), key=lambda c: (c.yuan, c.entry.code or ""))
            ranked = ranked if low else ranked[::-1]
            picked = ranked[:n]
            if not picked:
                continue
            out.append(_listing(q, mem, year, op="rank", shares=False, quality=_q(q, m, mem), parts=picked))
    return out


def _top_n(q: Question) -> int:
    m = _TOP.search(q.text)
    if not m:
        return 3 if re.search(r"哪几|几项|哪些", q.text) and not re.search(r"最(?:多|大|高|少|小|低)的(?:一|那)", q.text) and re.search(r"前", q.text) else 1
    from core.text import cn_to_int

    token = (m.group(1) or m.group(2)).replace("两", "二")
    return cn_to_int(token)


def projects(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'有哪些项目' — the 绩效 projects with their 当年预算, else the 项目支出明细 rows."""
    year = default_years(q)[0]
    found = [
        Candidate(e, e.figures[0], 0)
        for e in env.entries()
        if e.project and e.kind == "form" and e.name in ("当年预算", "年度资金总额", "资金总额", "项目金额") and e.figures
    ]
    title = "绩效目标表列出的项目"
    if not found:
        table = next((t for t in env.doc.tables if role_of(t) is Role.PROJECT_DETAIL and t.status == "data"), None)
        if table is not None:
            found = _member_figures(env, table, [r for r in table.rows if not is_generic(fold(r.name))], None, q, year)
            title = f"表{W.cn(table.no)}{table.title}列出的项目"
    if not found:
        return []
    lines = [f"{c.entry.project or c.entry.name} {W.shown(c.figure)}" for c in found]
    results = [Result(c.figure.value, c.figure.unit, c.label) for c in found]
    text = f"{title}共{len(found)}个：" + "；".join(lines) + "。"
    calc = C.Calc(" + ".join(["1"] * len(found)), Decimal(len(found)), "个", 0)
    draft = Draft("answered", text, found, [Result(Decimal(len(found)), "个", "项目数"), *results], [calc])
    r = reading_for("list", q, found, [], draft, [year], quality=0.85)
    r.spans = [m.span() for m in re.finditer("项目", q.text)]
    return [r]


def changed(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'哪些科目比去年减少了' — rows of the function table whose amount rose (or fell)."""
    down = bool(re.search(r"减少|少了|下降|降了|压减|减了", q.text))
    up = bool(re.search(r"增加|多了|增长|上升|涨了|提高", q.text))
    if up == down:
        return []
    year = q.doc.year
    table = next((t for t in env.doc.tables if role_of(t) is Role.GENERAL_EXPENSE and t.status == "data"), None)
    if table is None:
        return []
    found = []
    for r in table.rows:
        if not r.code or (q.level and len(r.code) != q.level):
            continue
        e = _entry_at(env, table, r.line)
        if e is None:
            continue
        for prev, cur in _pair_of(q, env, e):
            delta = cur.figure.value - prev.figure.value
            if (down and delta < 0) or (up and delta > 0):
                found.append((prev, cur))
    if not found:
        return []
    calcs, results, lines, cands = [], [], [], []
    for prev, cur in found:
        d = C.difference(cur.figure.value, prev.figure.value, cur.figure.unit)
        calcs.append(d)
        results += [Result(cur.figure.value, cur.figure.unit, cur.label), Result(d.value, d.unit, f"{cur.entry.name}变化")]
        lines.append(f"{cur.entry.label}：{W.shown(prev.figure)} → {W.shown(cur.figure)}（{'减少' if down else '增加'}{W.amount(abs(d.value), d.unit)}）")
        cands += [prev, cur]
    what = "减少" if down else "增加"
    text = f"表{W.cn(table.no)}中比{year - 1}年{what}的科目共{len(found)}个：" + "；".join(lines) + "。"
    draft = Draft("answered", text, cands, results, calcs)
    r = reading_for("list", q, cands, [], draft, [year - 1, year], quality=0.85)
    return [r]


def _pair_of(q: Question, env: Env, e: Entry) -> list[tuple[Candidate, Candidate]]:
    from qa.match import Hit

    m = Mention(0, 0, (Hit(e, 0, 0, "name", 1.0),))
    return year_pair(q, m)


def change(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'多了还是少了', '有什么变化': both years, the difference, the rate, and the reason given."""
    out = []
    subjects = [m for m in ms if m.entries]
    pairs: list[tuple[Mention | None, Candidate, Candidate]] = []
    for m in subjects:
        for prev, cur in year_pair(q, m):
            pairs.append((m, prev, cur))
    if not subjects:
        entries = total_entries(env.catalog, env.doc.id)
        for e in entries:
            got = _pair_of(q, env, e)
            if got:
                pairs.append((None, *got[0]))
                break
    for m, prev, cur in pairs:
        d = C.difference(cur.figure.value, prev.figure.value, cur.figure.unit)
        calcs = [d]
        word = "增加" if d.value > 0 else "减少" if d.value < 0 else "持平"
        text = f"{W.subject(cur)}{cur.figure.year}年为{W.shown(cur.figure)}，{prev.figure.year}年为{W.shown(prev.figure)}，"
        results = [
            Result(cur.figure.value, cur.figure.unit, cur.label),
            Result(prev.figure.value, prev.figure.unit, prev.label),
            Result(abs(d.value), d.unit, "变化额"),
        ]
        if d.value == 0:
            text += "与上年持平。"
        else:
            text += f"{word}{W.amount(abs(d.value), d.unit)}"
            if prev.figure.value:
                g = C.growth(cur.figure.value, prev.figure.value, 1)
                calcs.append(g)
                results.append(Result(g.value, "%", "增长率"))
                text += f"（{'增长' if g.value > 0 else '下降'}{W.plain(abs(g.value))}%）"
            text += "。"
        passages = _reason(q, env, cur.entry)
        if passages:
            text += f"说明中写道：「{passages[0].text}」"
        draft = Draft("answered", text, [cur, prev], results, calcs, passages=passages[:1])
        r = reading_for("change", q, [cur], [m] if m is not None else [], draft, [prev.figure.year, cur.figure.year],
                        uses_total=m is None, quality=0.85 if m is None else 1.0)  # fmt: skip
        out.append(r)
    return out


def _reason(q: Question, env: Env, e: Entry) -> list:
    """The narrative sentence that explains the item's change ('主要原因是…')."""
    from qa.passages import doc_passages

    name = fold(W.short_item(e.name))
    if is_generic(name):
        name = "支出"
    best = []
    for p in doc_passages(env.doc):
        body = fold(p.text)
        if name in body and ("原因" in body or "主要是" in body) and (re.search(r"增加|减少|持平|增长|下降", body)):
            if len(p.text) <= 220:
                best.append(p)
    best.sort(key=lambda p: (not fold(p.text).startswith(name[:2]), len(p.text)))
    return best


def per_unit(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'每辆车的运行费' — an amount divided by the count the disclosure states (formula shown)."""
    counter = next((c for c in "辆台人个项次场" if f"每{c}" in q.text or f"平均一{c}" in q.text), None)
    if counter is None and re.search(r"单车|车均", q.text):
        counter = "辆"
    if counter is None:
        return []
    counts = [f for f in env.figures if f.unit.startswith(counter) and f.measure == "数量" and f.value > 0]
    if not counts:
        return []
    n = max(counts, key=lambda f: (f.value, -f.source.line))
    out = []
    year = default_years(q)[0]
    for m in ms:
        for g in groups(q, m, year):
            c = best_of(g)
            if c.figure.unit not in _MONEY:
                continue
            calc = C.Calc(f"{W.plain(c.figure.value)} / {W.plain(n.value)}", C.q(c.figure.value / n.value, 2), c.figure.unit, 2)
            cn = Candidate(W.narrative_entry(env.catalog, n), n, 0)
            text = (f"{W.subject(c)}为{W.shown(c.figure)}，{W.short_item(n.item)}{W.shown(n)}，"
                    f"平均每{counter}{calc.shown}。")  # fmt: skip
            results = [Result(calc.value, calc.unit, f"平均每{counter}"), Result(c.figure.value, c.figure.unit, c.label),
                       Result(n.value, n.unit, n.item)]  # fmt: skip
            draft = Draft("answered", text, [c, cn], results, [calc])
            out.append(reading_for("per_unit", q, [c], [m], draft, [year]))
    return out


def completion(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """决算 vs 年初预算: the completion rate the disclosure states, else computed."""
    if q.doc.kind != "决算":
        return []
    out = []
    subjects: list[Mention | None] = list(ms) or [None]
    for m in subjects:
        entries = m.entries if m is not None else total_entries(env.catalog, env.doc.id)
        for e in entries:
            budget = [f for f in e.figures if "预算" in (f.source.column or "") and f.unit in _MONEY]
            final = [f for f in e.figures if "决算" in (f.source.column or "") and f.unit in _MONEY]
            if not budget or not final or not budget[0].value:
                continue
            b, a = Candidate(e, budget[0], 0), Candidate(e, final[0], 0)
            s = C.share(a.figure.value, b.figure.value, q.places or 1)
            text = f"{W.subject(a)}为{W.shown(a.figure)}，{W.subject(b)}为{W.shown(b.figure)}，完成年初预算的{W.plain(s.value)}%。"
            results = [Result(s.value, "%", "完成率"), Result(a.figure.value, a.figure.unit, a.label),
                       Result(b.figure.value, b.figure.unit, b.label)]  # fmt: skip
            draft = Draft("answered", text, [a, b], results, [s])
            out.append(reading_for("completion", q, [a], [m] if m else [], draft, [q.doc.year],
                                   uses_total=m is None, quality=1.0 if m else 0.85))  # fmt: skip
            break
        if m is not None:
            for e in m.entries:
                for f in stated(env, e, ("完成预算",), "%"):
                    c = Candidate(W.narrative_entry(env.catalog, f), f, m.start)
                    draft = Draft("answered", f"根据说明，{W.short_item(f.item)}完成年初预算的{W.plain(f.value)}%。", [c],
                                  [Result(f.value, "%", "完成率（说明）")])  # fmt: skip
                    out.append(reading_for("completion", q, [c], [m], draft, [q.doc.year]))
    return out

