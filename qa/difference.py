"""Differences and growth rates: two years of one item (the tables' two columns, with the rate
and the sentence that states the same change), two items against each other, a 决算 against its
年初预算, and the narrative's stated changes and rates. Every number is a cell, a stated figure
or a calculation shown."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from core.records import Figure, Result
from qa import calc as C
from qa import compose as W
from qa.drivers import asks_drivers, drivers
from qa.lookup import Candidate
from qa.match import Mention
from qa.ops import (
    MONEY,
    Env,
    best_of,
    current_of,
    default_years,
    groups,
    hit_quality,
    reading_for,
    stated_for,
    with_wan,
    year_pair,
)
from qa.question import Question
from qa.readings import Draft, Reading


def diff(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    out: list[Reading] = []
    years = default_years(q)
    table_ms = [m for m in ms if any(e.kind != "narrative" for e in m.entries)] or ms
    # two items against each other ('A比B多多少'); a question against a base year ('收支比2023年减少')
    # compares each with its own past instead
    if len(table_ms) >= 2 and len(set(q.years) - {q.base_year}) <= 1 and not q.base_year:
        a_groups, b_groups = groups(q, table_ms[0], years[0]), groups(q, table_ms[1], years[0])
        if a_groups and b_groups:
            a, b = best_of(a_groups[0]), best_of(b_groups[0])
            if a.figure != b.figure:  # the same item named twice is no pair ('农村低保…，农村低保的')
                out.append(_difference_of(q, a, b, table_ms[:2], years))
    for m in ms:
        pairs = year_pair(q, m)
        rates = [Candidate(W.narrative_entry(env.catalog, f), f, m.start) for f in stated_for(env, m, ("增长", "下降", "增幅"), "%")]
        for prev, cur in pairs:
            out.append(_change(q, m, prev, cur, rates=rates, env=env))
        for f in stated_for(env, m, ("增加", "减少")):
            if f.unit not in MONEY or (q.base_year and re.match(r"[较比]\d{4}年", f.measure) and str(q.base_year) not in f.measure):
                continue
            c = Candidate(W.narrative_entry(env.catalog, f), f, m.start)
            agreeing = [(p, k) for p, k in pairs if _agrees(f, p, k)]
            if agreeing:  # the tables' two years say what the sentence says: both, as one answer
                prev, cur = agreeing[0]
                r = _change(q, m, prev, cur, stated=c, rates=rates, env=env)
                r.quality = max(r.quality, m.quality * 0.97)
                out.append(r)
                continue
            text = f"根据说明，{W.short_item(f.item)}{f.measure}{W.shown(f)}。"
            text += _adversarial_change(q, f.value if f.measure.endswith(("增加", "增长")) else -f.value)
            calcs: list[C.Calc] = []
            results = [Result(f.value, f.unit, f"{f.item}{f.measure}")]
            text = with_wan(q, text, f.value, f.unit, calcs, results, "变化")
            draft = Draft("answered", text, [c], results[::-1] if len(results) > 1 else results, calcs)
            # the tables first, when they list both years
            out.append(reading_for("diff", q, [c], [m], draft, [q.doc.year], quality=m.quality * 0.97))
    return out


def _same_rate(f: Figure, computed: Decimal) -> bool:
    """A stated rate ('增长11.5%', '下降37.2%') is this one at the narrative's rounding."""
    value = -abs(f.value) if f.measure.endswith("下降") else f.value
    return abs(value - computed) <= Decimal("0.15")


def _agrees(f: Figure, prev: Candidate, cur: Candidate) -> bool:
    """A stated change ('较2023年减少123,501.81元') is the difference of the two cells."""
    delta = cur.figure.value - prev.figure.value
    down = f.measure.endswith(("减少", "下降"))
    return f.unit == cur.figure.unit and prev.figure.year != cur.figure.year and delta == (-f.value if down else f.value)


def _change(
    q: Question,
    m: Mention,
    prev: Candidate,
    cur: Candidate,
    stated: Candidate | None = None,
    rates: Sequence[Candidate] = (),
    env: Env | None = None,
) -> Reading:
    """Both years and the difference; against a previous year also the rate (the one the
    narrative states when it is this rate at its own rounding), and the sentence that states the
    same change when there is one."""
    signed = bool(re.search(r"正负|负数|负号|减去|变化|变动", q.text))
    d = C.difference(cur.figure.value, prev.figure.value, cur.figure.unit, signed=signed)
    direction = "增加" if cur.figure.value >= prev.figure.value else "减少"
    before = W.shown(prev.figure) if prev.figure.value else "未列数（按0计）"
    cy, py = cur.figure.year, prev.figure.year
    # one year's two columns (决算数 against 年初预算数): named by column, not '2023年…2023年'
    was = f"{py}年" if py != cy else (prev.figure.source.column or "").split("/")[0]
    now = f"{cy}年" if py != cy else ""
    text = f"{W.subject(cur)}{now}为{W.shown(cur.figure)}，{was}为{before}，{'变化' if signed else direction}{d.shown}"
    calcs, results = [d], [Result(d.value, d.unit, "差额")]
    rate, said = None, None
    cands = [prev, cur]
    extra: list[tuple[int, int]] = []
    if py != cy and prev.figure.value:  # a change on last year is also read as a rate
        rate = C.growth(cur.figure.value, prev.figure.value, q.places or 1)
        said = next((r for r in rates if _same_rate(r.figure, rate.value)), None)
        shown = abs(said.figure.value) if said is not None else abs(rate.value)
        text += f"，{'增长' if rate.value >= 0 else '下降'}{W.plain(shown)}%" + ("（说明所列）" if said is not None else "")
    text += "。"
    text = with_wan(q, text, d.value, d.unit, calcs, results, "差额")
    if said is not None:
        results.append(Result(said.figure.value, "%", "下降幅度（说明）" if rate.value < 0 else "增长率（说明）"))
        cands.append(said)
    elif rate is not None:
        calcs.append(rate)
        results.append(Result(rate.value, "%", "增长率"))
    if stated is not None:
        sentence = stated.figure.sentence or ""
        if env is not None and W.says_why(sentence):  # the sentence says why: quote it
            text += f"说明中写道：「{sentence}」"
            # the quoted reason answers '为什么 / 原因 / 怎么' as well
            extra = [(c.start, c.end) for c in q.cues if c.kind == "op" and c.value in ("reason", "text")]
            for f in env.figures:  # and the amounts it gives as the reason ('主要是项目支出预算减少360,000元')
                if f.origin == "narrative" and f.sentence == sentence and f.unit in MONEY and f != stated.figure:
                    cands.append(Candidate(W.narrative_entry(env.catalog, f), f, 0))
                    results.append(Result(f.value, f.unit, f"{f.item}{f.measure}"))
        else:
            text += f"说明中也写明：{W.short_item(stated.figure.item)}{stated.figure.measure}{W.shown(stated.figure)}。"
        cands.append(stated)
    if env is not None and asks_drivers(q):  # '为什么涨了', '主要涨在哪': the rows that moved it
        said_rows, moved, more, steps = drivers(env, prev, cur)
        text, cands, results, calcs = text + said_rows, cands + moved, results + more, calcs + steps
    text += _adversarial_change(q, cur.figure.value - prev.figure.value)
    # the difference first (with its 万元 value when asked), then the rate
    results = [*results[:2][::-1], *results[2:]] if q.unit_asked == "万元" and len(results) > 1 and results[1].unit == "万元" else results
    # then the two amounts compared, as the text gives them
    results += [Result(cur.figure.value, cur.figure.unit, cur.label), Result(prev.figure.value, prev.figure.unit, prev.label)]
    draft = Draft("answered", text, cands, results, calcs)
    return reading_for("diff", q, [cur], [m], draft, list(dict.fromkeys([py, cy])), extra=extra)


def _difference_of(q: Question, a: Candidate, b: Candidate, ms: list[Mention], years: list[int]) -> Reading:
    signed = "减去" in q.text
    d = C.difference(a.figure.value, b.figure.value, a.figure.unit, signed=signed)
    text = f"{W.subject(a)}为{W.shown(a.figure)}，{W.subject(b)}为{W.shown(b.figure)}，相差{d.shown}。"
    draft = Draft("answered", text, [a, b], [Result(d.value, d.unit, "差额")], [d])
    return reading_for("diff", q, [a, b], ms, draft, years)


def _adversarial_change(q: Question, change: Decimal) -> str:
    says_up = re.search(r"增加|多了|涨", q.raw)
    says_down = re.search(r"减少|少了|降", q.raw)
    if re.search(r"是不是|是否|吗", q.raw) and ((says_up and change < 0) or (says_down and change > 0)):
        return "与问题中的说法相反。"
    return ""


# --- growth ---------------------------------------------------------------------------------------


def growth(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    out: list[Reading] = []
    signed = True
    for m in ms:
        pairs = year_pair(q, m)
        for f in stated_for(env, m, ("增长", "下降", "增幅"), "%"):
            c = Candidate(W.narrative_entry(env.catalog, f), f, m.start)
            value = -f.value if f.measure.endswith(("下降", "减少")) else f.value
            text = f"根据说明，{W.short_item(f.item)}{f.measure}{W.plain(f.value)}%。"
            calcs = []
            if pairs and pairs[0][0].figure.value:
                g = C.growth(pairs[0][1].figure.value, pairs[0][0].figure.value)
                if g.value != value:
                    calcs.append(g)
                    text += f"（按表列数字计算为{W.plain(g.value)}%，说明中的数字可能经过两次四舍五入。）"
            draft = Draft("answered", text, [c], [Result(value, "%", "增幅（说明）")], calcs)
            # the disclosure's own rate first, unless a rounding is asked for
            out.append(reading_for("growth", q, [c], [m], draft, [q.doc.year - 1, q.doc.year],
                                   quality=m.quality * (1.0 if q.places is None else 0.9)))  # fmt: skip
        if not pairs and not any(r.op == "growth" for r in out):
            out += _growth_from_stated_change(q, m, env)
        for prev, cur in pairs:
            if prev.figure.value == 0:
                note = f"{W.subject(cur)}{prev.figure.year}年未列示（为0），增长率无法计算。"
                draft = Draft("answered", note, [prev, cur])
                out.append(reading_for("growth", q, [cur], [m], draft, [prev.figure.year, cur.figure.year], quality=0.7))
                continue
            g = C.growth(cur.figure.value, prev.figure.value, q.places or 1)
            verb = "下降" if g.value < 0 else "增长"
            text = (
                f"{W.subject(cur)}{cur.figure.year}年为{W.shown(cur.figure)}，{prev.figure.year}年为"
                f"{W.shown(prev.figure)}，{verb}{W.plain(abs(g.value))}%。"
            )
            value = g.value if signed else abs(g.value)
            draft = Draft("answered", text, [prev, cur], [Result(value, "%", "增长率")], [g])
            out.append(reading_for("growth", q, [cur], [m], draft, [prev.figure.year, cur.figure.year],
                                   quality=hit_quality(m, cur.entry, q) * 0.99))  # fmt: skip
    return out


def _growth_from_stated_change(q: Question, m: Mention, env: Env) -> list[Reading]:
    """A growth rate the tables cannot give (no last-year column for the item) from this year's
    figure and the change the narrative states ('基本支出预算增加236,498.19元'): last year is
    this year ∓ the change, and the rate is the change over last year, both calculations shown."""
    for f in stated_for(env, m, ("增加", "减少")):
        if f.unit not in MONEY or (re.search(r"\d{4}年", f.measure) and str(q.doc.year - 1) not in f.measure):
            continue
        current = current_of(env, f, m, q)
        if current is None or current.figure.unit != f.unit:
            continue
        up = f.measure.endswith(("增加", "增长"))
        prev_value = current.figure.value - f.value if up else current.figure.value + f.value
        if not prev_value:
            continue
        prev = C.Calc(f"{W.plain(current.figure.value)} {'-' if up else '+'} {W.plain(f.value)}", prev_value,
                      current.figure.unit, C._places_of(current.figure.value, f.value))  # fmt: skip
        places = q.places or 1
        # in the disclosure's own numbers only (the verifier re-does it): change / (this year ∓ change)
        sign, back = ("", "-") if up else ("-", "+")
        expr = f"{sign}{W.plain(f.value)} / ({W.plain(current.figure.value)} {back} {W.plain(f.value)}) * 100"
        rate = (f.value if up else -f.value) / prev_value * 100
        g = C.Calc(expr, C.q(rate, places), "%", places)
        change = Candidate(W.narrative_entry(env.catalog, f), f, m.start)
        verb = "下降" if g.value < 0 else "增长"
        text = (
            f"公开表格没有直接列出{q.doc.year - 1}年的{W.name_of(current.entry)}。按说明推算：{q.doc.year}年为"
            f"{W.shown(current.figure)}，{f.measure}{W.shown(f)}，故{q.doc.year - 1}年为{prev.shown}，"
            f"{verb}{W.plain(abs(g.value))}%。"
        )
        draft = Draft("answered", text, [current, change], [Result(g.value, "%", "增长率（推算）")], [prev, g])
        return [reading_for("growth", q, [current], [m], draft, [q.doc.year - 1, q.doc.year], quality=m.quality * 0.95)]
    return []
