"""Shares: a part of a whole ('X占Y的比例', 'Y中X占', 'X在Y里占'), the whole as the part's own
table shows it, a titled table's 合计, a stated whole's stated part, the share the narrative
states, or the item's parent in the classification. Every share is a cell over a cell (or a
stated figure over a stated figure) with its formula."""

from __future__ import annotations

import re
from dataclasses import replace

from core.records import Result
from core.vocab import fold, vocabulary
from qa import calc as C
from qa import compose as W
from qa.lookup import GENERIC, Candidate, distinct_values, figures_for, is_generic, narrow, total_entries
from qa.match import Mention
from qa.ops import MONEY, Env, best_of, default_years, groups, hit_quality, reading_for, stated_for
from qa.question import Question
from qa.readings import Draft, Reading

# 'Y中X占', 'Y里面X占': the words that put the whole before its part
_CONTAINER = re.compile(r"^(?:的)?(?:里面|里头|当中|之中|中|里|内|中间)")

def _without(q: Question, part: Mention) -> Question:
    """The question as the whole reads it: the part's words are no column hint for the whole
    ('基本支出占总支出': the whole is the 合计 column, not the total row's 基本支出 cell)."""
    spans = [part.span, *part.extra]
    text = "".join("□" if any(s <= i < e for s, e in spans) else ch for i, ch in enumerate(q.text))
    said = q.text[part.start : part.end]
    return replace(q, text=text, measures=[m for m in q.measures if m not in said])


def share(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'X占Y的比例', 'Y中X占', 'X在Y里占': Y is the whole. No whole named: the share the narrative
    states, else the item's parent in the classification (the reading says which whole)."""
    at = _share_at(q)
    parts, wholes, scopes = _parts_and_wholes(q, ms, at)
    year = default_years(q)[0]
    out: list[Reading] = []
    for part in parts:
        pg = groups(q, part, year)
        if not pg:
            continue
        if wholes:
            for whole in wholes:
                if all(h.how == "total" for h in whole.hits):
                    # the department's grand total: its all-funds total first, not every table's
                    top = max(h.quality for h in whole.hits)
                    whole = Mention(whole.start, whole.end, tuple(h for h in whole.hits if h.quality >= top), whole.extra)
                wgs = groups(_without(q, part), whole, year)
                part_tables = {c.entry.table_no for g in pg for c in g}
                # a share within one table: the whole as the part's own table shows it
                wgs = [g for g in wgs if any(c.entry.table_no in part_tables for c in g)] or wgs
                wgs += _titled_totals(q, env, whole, part_tables, year)
                found = False
                for wg in wgs:
                    first = best_of(pg[0])
                    wg = [c for c in wg if not _within_itself(first, c)] or wg
                    b = best_of([c for c in wg if c.entry.table_no in part_tables] or wg)
                    # the part as the whole's own table shows it (三公 parts in the 三公 table)
                    same = [c for g in pg for c in g if c.entry.table_no == b.entry.table_no]
                    a = best_of(same) if same else best_of(pg[0])
                    # a whole the narrative states: the part its own sentences state ('政府采购预算总额
                    # 80,396,500元…。其中一般公共预算财政拨款政府采购18,010,000元'), same 口径
                    a = _stated_part(env, b, fold(q.text[part.start : part.end])) or a
                    if _within_itself(a, b):
                        continue
                    # as sure as the part was matched: '基础设施建设' is 31005 基础设施建设 by its
                    # name before it is 农村基础设施建设 by a variant
                    out.append(_share_of(q, a, b, [part, whole, *scopes], year, quality=hit_quality(part, a.entry, q)))
                    found = True
                if found:
                    continue
            if any(r.op == "share" for r in out):
                continue
        # a whole the question names, or the total of one fund ('一般公共预算支出': not the all-funds
        # total a sentence's '占91.3%' is of)
        named = [fold(q.text[w.start : w.end]) for w in wholes if not all(h.how == "total" for h in w.hits)]
        # '占一般公共预算支出的': one fund's total, not the all-funds total a sentence's '占91.3%' is of
        said = q.text[part.start : part.end]
        named += [f for f in vocabulary().units["funds"] if f in q.text and f not in said]
        for f in stated_for(env, part, ("占",), "%"):
            if named and not any(n in fold(f.sentence or "") for n in named):
                continue  # '占44.9%' of another whole than the one the question names
            c = Candidate(W.narrative_entry(env.catalog, f), f, part.start)
            text = f"根据说明，{W.short_item(f.item)}占比{W.plain(f.value)}%。"
            draft = Draft("answered", text, [c], [Result(f.value, "%", "占比（说明）")])
            out.append(reading_for("share", q, [c], [part], draft, [year], uses_total=True,
                                   quality=part.quality * (0.95 if q.places is None else 0.8)))  # fmt: skip
        a = best_of(pg[0])
        parent = _parent_total(q, env, a, year)
        if parent is not None:
            out.append(_share_of(q, a, parent, [part], year, quality=0.8, whole_named=False))
    if len(parts) >= 2 and not wholes:
        out += _shares_of_total(q, parts, env, year)
    elif len(parts) >= 2 and len(wholes) == 1 and all(h.how == "total" for h in wholes[0].hits):
        out += _shares_of_total(q, parts, env, year, extra=[wholes[0].span])
    return out


def _stated_part(env: Env, whole: Candidate, words: str) -> Candidate | None:
    """The part of a stated whole that its sentence, or the '其中…' sentence after it on the same
    line, states under the part's words."""
    w = whole.figure
    if w.origin != "narrative" or not w.sentence or not words:
        return None
    sentences = [w.sentence]
    line = next((f.sentence for f in env.figures if f.origin == "narrative" and f.source.line == w.source.line
                 and f.sentence and f.sentence != w.sentence and fold(f.sentence).startswith("其中")), None)  # fmt: skip
    sentences += [line] if line else []
    for f in env.figures:
        same = f.origin == "narrative" and f.sentence in sentences and f is not w and f.unit == w.unit
        if same and f.value <= w.value and words in fold(f.item):
            return Candidate(W.narrative_entry(env.catalog, f), f, whole.mention)
    return None


def _titled_totals(q: Question, env: Env, whole: Mention, tables: set, year: int) -> list[list[Candidate]]:
    """'基础设施建设占项目支出': the 合计 of a part's table whose title names the whole
    (一般公共预算财政拨款项目支出决算表) is that whole, as that table shows it."""
    words = fold(q.text[whole.start : whole.end])
    out = []
    for e in env.entries():
        if e.kind != "row" or e.table_no not in tables or not is_generic(fold(e.name)):
            continue
        if words and words in fold(e.table_title or ""):
            figs = figures_for(e, q, year, q.doc.kind)
            if figs:
                out.append([Candidate(e, figs[0], whole.start)])
    return out


def _within_itself(a: Candidate, b: Candidate) -> bool:
    """A column as the part and that column's own total as the whole ('基本支出占总支出' read as
    the 合计 row of the 基本支出 column), or one row as both: the share of a thing in itself,
    not a reading."""
    if a.figure.source.table_no is not None and a.figure.source == b.figure.source:
        return True  # one cell as both part and whole ('人员经费' and its 人员经费合计 row)
    if a.figure == b.figure:
        return True  # one stated figure as both ('政府采购服务' read again as the whole '政府采购')
    column = b.figure.source.column or ""
    return a.entry.kind == "column" and bool(column) and column.split("/")[-1] == fold(a.entry.name)


def _share_at(q: Question) -> int:
    spans = q.op_spans("share")
    return min((s for s, _ in spans), default=-1)


def _parts_and_wholes(q: Question, ms: list[Mention], at: int) -> tuple[list[Mention], list[Mention], list[Mention]]:
    """The parts, the wholes, and the scopes: 'X中，Y占Z' names Z as the whole, X only says
    where both are ('基本支出中，物业管理费占商品和服务支出的比重')."""
    if at < 0:
        return ms, [], []
    before = [m for m in ms if m.end <= at]
    after = [m for m in ms if m.start >= at]
    # the department's grand total named as such ('占科协全部预算') is a whole too; a bare
    # generic word ('合计') is not
    wholes = [
        m for m in after
        if not all(is_generic(fold(e.name)) for e in m.entries) or all(h.how == "total" for h in m.hits)
    ]  # fmt: skip
    parts = list(before)
    scopes: list[Mention] = []
    # 'Y中X占', 'X在Y里占': a mention followed by 里/中 and then another mention is the whole.
    if len(before) >= 2:
        for m in before[:-1]:
            if _CONTAINER.match(q.text[m.end :]) or q.text[max(0, m.start - 1) : m.start] == "在":
                (scopes if wholes else wholes).append(m)
                parts.remove(m)
                break
        else:
            if q.text[before[-1].end :].startswith(("在",)) is False and re.search(
                r"在$", q.text[before[0].end : before[1].start]
            ):
                wholes.append(before[1])
                parts.remove(before[1])
    return parts, wholes, scopes


def _share_of(
    q: Question, a: Candidate, b: Candidate, ms: list[Mention], year: int, quality: float, whole_named: bool = True
) -> Reading:
    if not b.figure.value:
        draft = Draft("not_found", f"{W.subject(b)}为0，无法计算占比。", [a, b])
        return reading_for("share", q, [a], ms, draft, [year], part=[a.entry], whole=[b.entry], quality=quality)
    s = C.share(a.figure.yuan if a.figure.yuan is not None else a.figure.value,
                b.figure.yuan if b.figure.yuan is not None else b.figure.value, q.places or 1)  # fmt: skip
    if s.value > 100:
        draft = Draft("not_found", f"{W.subject(a)}大于{W.subject(b)}，不是它的一部分。", [a, b])
        # a pairing the check rejects says this whole is not the one meant: any valid reading
        # of the same words is preferred, the rejection is said only when none is left
        quality *= 0.9
    else:
        text = f"{W.subject(a)}为{W.shown(a.figure)}，{W.subject(b)}为{W.shown(b.figure)}，占比{W.plain(s.value)}%。"
        draft = Draft("answered", text, [a, b], [Result(s.value, "%", "占比")], [s])
    return reading_for("share", q, [a, b], ms, draft, [year], part=[a.entry], whole=[b.entry], quality=quality)


def _parent_total(q: Question, env: Env, a: Candidate, year: int) -> Candidate | None:
    """The row a part belongs to: its parent 科目 in the same table, else the table's 合计."""
    table = next((t for t in env.doc.tables if t.no == a.entry.table_no and t.part == a.entry.part), None)
    if table is None:
        return None
    rows = table.rows
    row = next((r for r in rows if r.line == a.figure.source.line), None)
    parent = None
    if row is not None and row.parent_code:
        parent = next((r for r in rows if r.code == row.parent_code), None)
    if parent is None:
        parent = next((r for r in rows if fold(r.name) in GENERIC or is_generic(fold(r.name))), None)
    if parent is None or parent is row:
        return None
    for e in env.entries():
        if e.table_no == table.no and e.part == table.part and e.kind == "row" and any(
            f.source.line == parent.line for f in e.figures
        ):
            col = a.figure.source.column
            f = next((f for f in e.figures if f.source.column == col), None)
            if f is not None and f.value:
                return Candidate(e, f, -1)
    return None


def _shares_of_total(q: Question, parts: list[Mention], env: Env, year: int, extra: list | None = None) -> list[Reading]:
    """'基本支出和项目支出各占多少': each part's share of the budget total (of income when the
    question is about income)."""
    totals_ = total_entries(env.catalog, env.doc.id, income="收入" in q.text)
    whole = [
        Candidate(e, f, 0)
        for e in totals_
        for f in figures_for(e, q, year, q.doc.kind, amounts=True, named=False)
        if f.unit in MONEY
    ]
    whole = narrow(q, whole) if whole else whole
    if not whole:
        return []
    b = best_of(next(iter(distinct_values(whole).values())))
    firsts = []
    for m in parts:
        gs = groups(q, m, year)
        if gs:
            firsts.append(best_of(gs[0]))
    if len(firsts) < 2:
        return []
    calcs, results, lines = [], [], []
    for a in firsts:
        s = C.share(a.figure.value, b.figure.value, q.places or 1)
        calcs.append(s)
        results += [Result(s.value, "%", f"{a.entry.name}占比"), Result(a.figure.value, a.figure.unit, a.label)]
        lines.append(f"{W.subject(a)}{W.shown(a.figure)}，占{W.plain(s.value)}%")
    text = f"{W.subject(b)}为{W.shown(b.figure)}，其中：" + "；".join(lines) + "。"
    draft = Draft("answered", text, [*firsts, b], results, calcs)
    return [reading_for("share", q, firsts, parts, draft, [year], part=[a.entry for a in firsts], whole=[b.entry],
                        extra=extra or [], uses_total=True)]  # fmt: skip


