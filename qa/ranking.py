"""Rankings and filtered lists of rows: the largest items of a whole, the items a question
names in order, the rows that grew or shrank, and rows ranked by a measure derived from two of
their cells (决算 against 年初预算, this year against last). Every figure is a stored cell;
every derived number has its formula."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from core.records import Result
from core.vocab import vocabulary
from ingest.roles import Role, role_of
from qa import calc as C
from qa import compose as W
from qa.lookup import Candidate
from qa.match import Mention
from qa.members import entry_at, members
from qa.ops import MONEY, Env, best_of, default_years, groups, reading_for
from qa.overview import _listing, _q, _whole, asks_lowest, pair_of, project_amounts
from qa.question import Question
from qa.readings import Draft, Reading

_TOP = re.compile(r"前([一二两三四五六七八九十\d]+)|排名前([一二两三四五六七八九十\d]+)|([一二两三四五六七八九十\d]+)(?:样|项|个|名|位|类|笔|大)")


def rank(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    year = default_years(q)[0]
    low = asks_lowest(q)
    n = _top_n(q)
    out = []
    for m in [m for m in ms if m.entries] or ([None] if _whole(q) or q.level else []):
        for mem in members(q, m, env, year):
            pool = list(mem.parts)
            # rank the finest items (a 类's 项, 人员经费's 基本工资 …), unless the question asks
            # what the whole is made of ('主要花在哪几块？哪块最大'): then its parts are the pieces
            if not q.level and not q.has_op("composition"):
                for c in mem.parts:
                    kids = mem.children.get(c.figure.source.line)
                    if kids:
                        pool.remove(c)
                        pool += kids
            ranked = sorted((c for c in pool if c.figure.value or low), key=lambda c: (c.yuan, c.entry.code or ""))
            ranked = ranked if low else ranked[::-1]
            picked = ranked[:n]
            if picked and len(ranked) >= 2:  # a ranking of one says nothing
                out.append(_listing(q, mem, year, op="rank", shares=False, quality=_q(q, m, mem), parts=picked))
    return out + _rank_named(q, ms, year, low)


def projects(q: Question, env: Env) -> list[Reading]:
    """'钱最多的三个项目是哪些': the department's projects (qa.overview.project_amounts) by amount."""
    if not re.search(r"项目(?!支出)", q.text):
        return []
    year = default_years(q)[0]
    found, title, fund_span = project_amounts(q, env, year)
    if len(found) < 2:
        return []
    low = asks_lowest(q)
    ranked = sorted(found, key=lambda c: c.yuan, reverse=not low)[: _top_n(q)]
    lines = "；".join(f"{c.entry.project or c.entry.name} {W.shown(c.figure)}" for c in ranked)
    text = f"{title}共{len(found)}个，按金额从{'小到大' if low else '大到小'}：{lines}。"
    results = [Result(c.figure.value, c.figure.unit, c.label) for c in ranked]
    count = C.tally(len(found))  # '共30个' is counted
    r = reading_for("rank", q, ranked, [], Draft("answered", text, ranked, results, [count]), [year], quality=0.92)
    # the projects are 项目支出's: its word is the scope, not another item
    r.spans = [m.span() for m in re.finditer(r"项目(?:支出)?", q.text)] + fund_span
    return [r]


def _rank_named(q: Question, ms: list[Mention], year: int, low: bool) -> list[Reading]:
    """'基本工资、津贴补贴、奖金哪个最多': the items the question names, in order of amount."""
    named = []
    for m in ms:
        gs = [g for g in groups(q, m, year, asked=True) if best_of(g).figure.unit in MONEY]
        if len(gs) == 1:  # an item with several figures stays out (the score weighs what is left)
            named.append((m, best_of(gs[0])))
    if len(named) < 2:
        return []
    ranked = sorted(named, key=lambda p: p[1].yuan, reverse=not low)
    top = ranked[0][1]
    word = "最少" if low else "最多"
    lines = "；".join(f"{W.subject(c)}{W.shown(c.figure)}" for _, c in ranked)
    text = f"按金额{'从小到大' if low else '从大到小'}：{lines}。{word}的是{W.name_of(top.entry)}。"
    results = [Result(c.figure.value, c.figure.unit, c.label) for _, c in ranked]
    draft = Draft("answered", text, [c for _, c in ranked], results)
    return [reading_for("rank", q, [c for _, c in ranked], [m for m, _ in ranked], draft, [year])]


def _top_n(q: Question) -> int:
    """'前三', '最多的三样' → 3; '哪一项最多' → 1; '哪几项最多' → 3."""
    from core.text import cn_to_int

    m = _TOP.search(q.text)
    if m:
        token = next(g for g in m.groups() if g).replace("两", "二")
        return cn_to_int(token)
    return 3 if re.search(r"哪几|哪些|最[大多高少小低贵]的?几|前几", q.text) else 1


def changed(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'哪些科目比去年减少了', '哪些涨了、哪些降了' — rows of the function table whose amount rose
    (or fell, or each), against the previous year or, in a 决算, against its 年初预算."""
    ways = [w for w, key in (("增加", "rises"), ("减少", "falls")) if _says(q, key)]
    if not ways or q.has_op("rank"):
        return []  # '哪些增加最多' ranks them (by_derived)
    year = q.doc.year
    table = next((t for t in env.doc.tables if role_of(t) is Role.GENERAL_EXPENSE and t.status == "data"), None)
    if table is None:
        return []
    found: dict[str, list[tuple[Candidate, Candidate]]] = {w: [] for w in ways}
    for r in table.rows:
        if not r.code or (q.level and len(r.code) != q.level):
            continue
        e = entry_at(env, table, r.line)
        if e is None:
            continue
        for prev, cur in pair_of(q, env, e):
            delta = cur.figure.value - prev.figure.value
            way = "增加" if delta > 0 else "减少" if delta < 0 else None
            if way in found:
                found[way].append((prev, cur))
    if not any(found.values()):
        return []
    final = q.doc.kind == "决算" and "预算" in q.text and not q.base_year
    against = "决算数比年初预算数" if final else f"比{year - 1}年"
    calcs, results, sections, cands = [], [], [], []
    for way, pairs in found.items():
        lines = []
        for prev, cur in pairs:
            d = C.difference(cur.figure.value, prev.figure.value, cur.figure.unit)
            calcs.append(d)
            results += [Result(cur.figure.value, cur.figure.unit, cur.label), Result(d.value, d.unit, f"{cur.entry.name}变化")]
            lines.append(f"{cur.entry.label}：{W.shown(prev.figure)} → {W.shown(cur.figure)}（{way}{W.amount(abs(d.value), d.unit)}）")
            cands += [prev, cur]
        if pairs:
            calcs.append(C.tally(len(pairs)))
        sections.append(f"{way}的科目共{len(pairs)}个" + ("：" + "；".join(lines) if lines else ""))
    text = f"表{W.cn(table.no)}中{against}" + "；".join(sections) + "。"
    draft = Draft("answered", text, cands, results, calcs)
    r = reading_for("list", q, cands, [], draft, [year] if final else [year - 1, year], quality=0.85)
    return [r]


def _says(q: Question, key: str) -> bool:
    """Does the question say the amount rose / fell (vocabulary units.rises / units.falls)?"""
    return any(w in q.text for w in vocabulary().units[key])


# --- rows ranked by a derived measure ----------------------------------------------------------

_LOW = re.compile(r"最少|最小|最低")
# the cue words the derived measure accounts for, beside the ranking's own
_DERIVED_OPS = ("completion", "diff", "growth", "change", "share")


def by_derived(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'哪一项完成年初预算的比例最高', '哪些科目决算比年初预算超出最多', '哪个科目比去年增加最多':
    the rows of the function-classified expense table, ranked by their completion rate, their
    difference or their growth — each computed from the row's own two cells, or read from the
    table's stated rate column."""
    named = [m for m in ms if m.entries and m.quality >= 0.9 and any(h.how != "total" for h in m.hits)]
    if not q.has_op(*_DERIVED_OPS) or named:
        return []  # a named item is ranked by ops/overview; here the question names none
    table = next((t for t in env.doc.tables if role_of(t) is Role.GENERAL_EXPENSE and t.status == "data"), None)
    if table is None:
        return []
    final = q.doc.kind == "决算" and ("预算" in q.text or q.has_op("completion"))
    # '超支最多' is a difference even though 超支 alone asks for the completion rate
    rate = q.has_op("completion", "share") and not q.has_op("diff")
    measure = "completion" if final and rate else "growth" if _asks_rate(q) else "diff"
    rows = _rows(q, table)
    amounts = replace(q, unit_asked=None)  # a rate is asked in %; its two cells are amounts
    scored: list[tuple[Decimal, Candidate, Candidate, C.Calc, Candidate | None]] = []
    for r in rows:
        e = entry_at(env, table, r.line)
        if e is None:
            continue
        for prev, cur in (_budget_final(e, table) if final else pair_of(amounts, env, e))[:1]:
            if measure == "diff":
                calc = C.difference(cur.figure.value, prev.figure.value, cur.figure.unit)
            elif not prev.figure.value:
                continue  # no rate without a base ('年初有预算的科目')
            elif measure == "completion":
                calc = C.share(cur.figure.value, prev.figure.value, q.places or 1)
            else:
                calc = C.growth(cur.figure.value, prev.figure.value, q.places or 1)
            stated = _stated_rate(e, cur) if measure == "completion" else None
            scored.append((stated.figure.value if stated else calc.value, prev, cur, calc, stated))
    pool = len(scored)
    down = _says(q, "falls")
    low = bool(_LOW.search(q.text)) and not down
    if measure != "completion":  # '增加最多' ranks the rows that grew, '减少最多' those that fell
        scored = [s for s in scored if (s[0] < 0 if down else s[0] > 0)]
    scored.sort(key=lambda s: s[0], reverse=not (low or down))
    picked = scored[: _top_n(q)]
    if pool < 2 or not picked:
        return []  # a ranking among one row says nothing
    return [_derived_reading(q, table, measure, picked, final)]


def _budget_final(e, table) -> list[tuple[Candidate, Candidate]]:
    """(年初预算数, 决算数) of a 决算 row, by its columns; a blank 年初预算数 cell is no budget: 0."""
    def budgetary(column: str | None) -> bool:
        return "预算" in (column or "") and "决算" not in (column or "") and not (column or "").endswith("%")

    final = [f for f in e.figures if "决算" in (f.source.column or "") and f.unit in MONEY]
    if not final:
        return []
    budget = [f for f in e.figures if budgetary(f.source.column) and f.unit in MONEY]
    if not budget:
        row = next((r for r in table.rows if r.line == final[0].source.line), None)
        column = next((c for c in table.columns if budgetary(c)), None)
        cell = row.cell(column) if row is not None and column else None
        if cell is None or cell.kind != "blank":
            return []
        budget = [replace(final[0], value=Decimal(0), source=replace(final[0].source, column=column))]
    return [(Candidate(e, budget[0], 0), Candidate(e, final[0], 0))]


def _asks_rate(q: Question) -> bool:
    return q.unit_asked == "%" or bool(re.search(r"幅度|涨幅|降幅|增幅|增速|比例|百分", q.text))


def _rows(q: Question, table):
    """The coded rows at the level asked, else the finest ones (a row no other row's code extends)."""
    coded = [r for r in table.rows if r.code]
    if q.level:
        return [r for r in coded if len(r.code) == q.level]
    return [r for r in coded if not any(o.code != r.code and o.code.startswith(r.code) for o in coded)]


def _stated_rate(e, cur: Candidate) -> Candidate | None:
    """The table's own '决算数为年初预算数的%' cell of the row, when it prints one."""
    for f in e.figures:
        if f.unit == "%" and f.source.line == cur.figure.source.line and "预算" in (f.source.column or ""):
            return Candidate(e, f, 0)
    return None


def _derived_reading(q: Question, table, measure: str, picked: list, final: bool) -> Reading:
    calcs, results, lines, cands = [], [], [], []
    for _value, prev, cur, calc, stated in picked:
        base = "年初预算数" if final else f"{prev.figure.year}年"
        now = "决算数" if final else f"{cur.figure.year}年"
        line = f"{cur.entry.label}：{base}{W.shown(prev.figure)}，{now}{W.shown(cur.figure)}"
        if measure == "completion":
            if stated is not None:
                line += f"，完成年初预算的{W.plain(stated.figure.value)}%（表中所列）"
                results.append(Result(stated.figure.value, "%", f"{cur.entry.name}完成率"))
                cands.append(stated)
            else:
                line += f"，完成年初预算的{W.plain(calc.value)}%"
                results.append(Result(calc.value, "%", f"{cur.entry.name}完成率"))
                calcs.append(calc)
        elif measure == "growth":
            line += f"，{'下降' if calc.value < 0 else '增长'}{W.plain(abs(calc.value))}%"
            results.append(Result(calc.value, "%", f"{cur.entry.name}增长率"))
            calcs.append(calc)
        else:
            line += f"，{'减少' if calc.value < 0 else '增加'}{W.amount(abs(calc.value), calc.unit)}"
            results.append(Result(calc.value, calc.unit, f"{cur.entry.name}变化"))
            calcs.append(calc)
        results += [Result(cur.figure.value, cur.figure.unit, cur.label), Result(prev.figure.value, prev.figure.unit, prev.label)]
        cands += [prev, cur]
        lines.append(line)
    down, low = _says(q, "falls"), bool(_LOW.search(q.text))
    what = {
        "completion": "完成年初预算比例最低" if low else "完成年初预算比例最高",
        "growth": ("降幅" if down else "增幅") + ("最小" if low else "最大"),
        "diff": ("比年初预算" if final else f"比{q.doc.year - 1}年") + ("减少" if down else "增加") + ("最少" if low else "最多"),
    }[measure]
    text = f"表{W.cn(table.no)}{table.title}中{what}的科目（依次）：" + "；".join(lines) + "。"
    draft = Draft("answered", text, cands, results, calcs)
    years = [q.doc.year] if final else [q.doc.year - 1, q.doc.year]
    extra = [(c.start, c.end) for c in q.cues if (c.kind == "op" and c.value in (*_DERIVED_OPS, "rank", "topn")) or c.kind == "base"]
    return reading_for("rank", q, cands, [], draft, years, quality=0.85, extra=extra)
