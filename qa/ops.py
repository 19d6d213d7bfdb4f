"""Figure operations — value, count, difference, growth, sum (shares: qa/shares.py) — each turning the
question's mentions into readings with exact, cited outcomes. Numbers come from the lookup
(qa/lookup.py) and the Decimal calculator (qa/calc.py) only."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise

from core.records import Document, Figure, Result
from core.settings import Settings
from core.vocab import fold, vocabulary
from qa import calc as C
from qa import compose as W
from qa.catalog import Catalog, Entry
from qa.lookup import (
    GENERIC,
    Candidate,
    candidates,
    distinct_values,
    figures_for,
    is_generic,
    sort_key,
)
from qa.match import Hit, Mention
from qa.question import Question, wants_money
from qa.readings import Draft, Reading, counted_noun, counts_in

MONEY = ("元", "万元")  # the amounts (every other unit counts or is a rate)
_PERF_WORDS = ("指标", "绩效", "目标", "满意", "权重", "完成时间", "社会效益")
_COUNT_UNITSMONEY_OK = ("指标值",)


@dataclass
class Env:
    catalog: Catalog
    doc: Document
    figures: list[Figure]
    settings: Settings
    passages: Callable[..., list] | None = None  # qa/narrative.find_passages bound to the retriever

    def entries(self) -> list[Entry]:
        return self.catalog.entries_of(self.doc.id)


# --- helpers -------------------------------------------------------------------------------------


def default_years(q: Question) -> list[int]:
    return q.years or [q.doc.year]


def hit_quality(m: Mention | None, e: Entry, q: Question) -> float:
    """The hit's quality, with a prior: a plain name means a 科目 row before a 绩效 field, and a
    table before a narrative phrase."""
    if m is None:
        return 0.6
    quality = max((h.quality for h in m.hits if h.entry is e), default=m.quality)
    perf = any(w in q.text for w in _PERF_WORDS) or (e.project and fold(e.project) in q.text)
    if e.kind in ("indicator", "form") and not perf and not any(h.how == "project" for h in m.hits if h.entry is e):
        quality *= 0.85
    if e.kind == "narrative":
        quality *= 0.92
    return quality


def unit_ok(q: Question, f: Figure, e: Entry) -> bool:
    """The unit asked against the figure's unit: 次/个/人 are never answered in 元, and vice versa."""
    asked = q.unit_asked
    if asked in MONEY or (asked is None and wants_money(q) and e.kind not in ("indicator",)):
        if f.unit not in MONEY and not (asked is None and f.unit == "%"):
            return e.kind == "indicator" and asked is None
        return True
    if asked == "%":
        return f.unit == "%"
    if asked:  # a counting word
        return f.unit not in MONEY and f.unit != "%" and (asked in f.unit or f.unit in asked or asked == "个")
    return True


def pairs_of(m: Mention) -> list[tuple[Entry, int]]:
    return [(e, m.start) for e in m.entries]


def groups(q: Question, m: Mention, year: int, asked: bool = False) -> list[list[Candidate]]:
    """The mention's figures for a year, narrowed by the hints, grouped by distinct value.
    ``asked``: the figure itself is the answer, so it must be in the unit asked."""
    cands = [c for c in candidates(q, pairs_of(m), year, amounts=not asked) if not asked or unit_ok(q, c.figure, c.entry)]
    return list(distinct_values(cands).values())


def best_of(group: list[Candidate]) -> Candidate:
    return sorted(group, key=sort_key)[0]


def by_quality(m: Mention, gs: list[list[Candidate]]) -> list[list[Candidate]]:
    """Value groups, the best-found entry's first (a named project before a glossary guess)."""
    quality = {h.entry: h.quality for h in m.hits}
    return sorted(gs, key=lambda g: -max(quality.get(c.entry, 0) for c in g))


def reading_for(
    op: str,
    q: Question,
    cands: Sequence[Candidate],
    mentions: Sequence[Mention | None],
    draft: Draft,
    years: list[int],
    **kw,
) -> Reading:
    items = list(dict.fromkeys(c.entry for c in cands))
    spans, hows, qualities = [], [], []
    extra = list(kw.pop("extra", []))
    for m in mentions:
        if m is None:
            continue
        spans.append(m.span)
        extra += list(m.extra)
        entry = next((c.entry for c in cands if c.entry in m.entries), m.entries[0])
        hows.append(next((h.how for h in m.hits if h.entry is entry), m.hits[0].how))
        qualities.append(hit_quality(m, entry, q))
    quality = kw.pop("quality", None) or (min(qualities) if qualities else 0.6)
    measure = kw.pop("measure", None) or _measure_of(cands)
    return Reading(op, draft, items=items, spans=spans, hows=hows, years=years, measure=measure,
                   quality=quality, extra=extra, **kw)  # fmt: skip


def _measure_of(cands: Sequence[Candidate]) -> str | None:
    cols = [c.figure.source.column or c.figure.measure for c in cands[:1]]
    return cols[0] if cols and cols[0] not in ("值",) else None


def one_text(c: Candidate) -> str:
    return f"{W.subject(c)}{W.year_of(c)}为{W.shown(c.figure)}"


def also_in(same: list[Candidate]) -> str:
    first = same[0]
    others = dict.fromkeys(
        f"表{W.cn(x.entry.table_no)}" for x in same[1:] if x.entry.table_no and x.entry.table_no != first.entry.table_no
    )
    return ("另见" + "、".join(others) + "，数额相同。") if others else ""


def with_wan(q: Question, text: str, value: Decimal, unit: str, calcs: list[C.Calc], results: list[Result], label: str) -> str:
    """'多少万元' asked of a 元 figure: also the 万元 value, with its calculation."""
    if q.unit_asked == "万元" and unit == "元":
        w = C.to_wan(value, q.places or 2)
        calcs.append(w)
        results.append(Result(w.value, "万元", f"{label}（折合万元）"))
        text += f"折合{w.shown}。"
    return text


# --- value ---------------------------------------------------------------------------------------


def value(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    years = default_years(q)
    out: list[Reading] = []
    singles: list[tuple[Mention, list[Candidate]]] = []
    for m in ms:
        per_year = {y: groups(q, m, y, asked=True) for y in years}
        if len(years) > 1:
            firsts = [best_of(g) for y in years for g in per_year[y][:1]]
            if len(firsts) == len(years):
                out.append(_listed(q, firsts, [m] * len(firsts), years))
            continue
        if not per_year[years[0]] and years[0] == q.doc.year - 1:
            out += _derived_previous(q, m, env)
            continue
        funds = [f for f in vocabulary().units["funds"] if f in q.text]
        if years[0] == q.doc.year - 1 and any(h.how == "total" for h in m.hits) and not funds and not q.roles:
            # last year's grand total: a table listing last year (表五, 一般公共预算 only) is a
            # narrower 口径 when its own this-year total is not the department's (with 政府性基金)
            derived = _derived_previous(q, m, env)
            if derived and _narrower(per_year[years[0]], derived[0].draft.candidates[0].figure, q.doc.year):
                # '（含基金）', '包括政府性基金': the all-funds 口径 is what they ask
                derived[0].extra += [x.span() for x in re.finditer(r"(?:含|包括|包含)(?:政府性)?基金", q.text)]
                out += derived
                continue
        compound = _compound(m, per_year[years[0]])
        if compound is not None:
            out.append(_sum_reading(q, compound, [m], years, op="value"))
        for g in by_quality(m, per_year[years[0]]):
            out.append(_one(q, m, g, years))
            singles.append((m, g))
    by_mention: dict[Mention, list[list[Candidate]]] = {}
    for m, g in singles:
        by_mention.setdefault(m, []).append(g)
    # the items the question lists, each with one figure ('基本工资、津贴补贴、奖金各多少'); a
    # mention with several candidates beside them ('发工资的钱') stays for the score to weigh
    listed = {m: gs for m, gs in by_mention.items() if len(gs) == 1}
    if len(listed) > 1 and _enumerated(q, list(listed)):
        firsts = [best_of(gs[0]) for gs in listed.values()]
        out.append(_listed(q, firsts, list(listed), years))
    return out


_SEPARATORS = re.compile(r"[和与及跟、,，/或加同]|还有|以及|还是")


def _enumerated(q: Question, ms: list[Mention]) -> bool:
    """Are the items listed ('培训费和会议费', '基本工资 津贴 奖金' with its spaces folded)? Words
    between two names that join nothing ('高标准农田每亩补贴') make them one phrase, not a list."""
    ordered = sorted(ms, key=lambda m: m.start)
    for a, b in pairwise(ordered):
        gap = q.text[a.end : b.start]
        if gap and not _SEPARATORS.search(gap):
            return False
    return True


def _narrower(groups_: list[list[Candidate]], total: Figure, year: int) -> bool:
    """Do the candidates' own tables total less than ``total`` this year (another 口径)?"""
    def yuan(f: Figure) -> Decimal:
        return f.value * 10000 if f.unit == "万元" else f.value

    firsts = [best_of(g) for g in groups_]
    this_year = [[f for f in c.entry.figures if f.year == year and f.unit in MONEY] for c in firsts]
    return bool(firsts) and all(fs and all(yuan(f) != yuan(total) for f in fs) for fs in this_year)


def _derived_previous(q: Question, m: Mention, env: Env) -> list[Reading]:
    """Last year's amount the tables do not list: this year's ∓ the change the narrative
    states ('比2023年预算增加3,713.74元'), with the calculation shown."""
    out = []
    for f in stated_for(env, m, ("增加", "减少")):
        if f.unit not in MONEY or (re.search(r"\d{4}年", f.measure) and str(q.doc.year - 1) not in f.measure):
            continue
        current = current_of(env, f, m, q)
        if current is None:
            continue
        up = f.measure.endswith(("增加", "增长"))
        value = current.figure.value - f.value if up else current.figure.value + f.value
        calc = C.Calc(f"{W.plain(current.figure.value)} {'-' if up else '+'} {W.plain(f.value)}", value,
                      current.figure.unit, C._places_of(current.figure.value, f.value))  # fmt: skip
        change = Candidate(W.narrative_entry(env.catalog, f), f, m.start)
        text = (
            f"公开表格没有直接列出{q.doc.year - 1}年的{W.name_of(current.entry)}。按说明推算：{q.doc.year}年为"
            f"{W.shown(current.figure)}，{f.measure}{W.shown(f)}，故{q.doc.year - 1}年为{calc.shown}。"
        )
        results = [Result(calc.value, calc.unit, f"{q.doc.year - 1}年{W.name_of(current.entry)}（推算）")]
        draft = Draft("answered", text, [current, change], results, [calc])
        out.append(reading_for("value", q, [current], [m], draft, [q.doc.year - 1], quality=m.quality * 0.95))
    return out[:1]


def current_of(env: Env, change: Figure, m: Mention, q: Question) -> Candidate | None:
    """This year's amount of the item a stated change is about: the same sentence first."""
    for e in m.entries:
        same = [f for f in e.figures if f.sentence == change.sentence and f.measure == "金额" and f.unit == change.unit]
        if same:
            return Candidate(e, same[0], m.start)
    for e in m.entries:
        figs = figures_for(e, q, q.doc.year, q.doc.kind, amounts=True)
        if figs and figs[0].unit == change.unit:
            return Candidate(e, figs[0], m.start)
    return None


def _compound(m: Mention, gs: list[list[Candidate]]) -> list[Candidate] | None:
    """One everyday word for several items of one table (水电费 = 水费 + 电费): their sum.
    The items the word names most directly (sharing its characters) count."""
    if len(gs) < 2 or not all(h.how == "glossary" for h in m.hits):
        return None
    quality = {h.entry: h.quality for h in m.hits}
    top = max(quality.values())
    gs = [g for g in gs if max(quality.get(c.entry, 0) for c in g) >= top - 1e-9]
    if len(gs) < 2:
        return None
    firsts = [best_of(g) for g in gs]
    tables = {c.entry.table_no for c in firsts}
    names = {c.entry.name for c in firsts}
    return firsts if len(tables) == 1 and len(names) == len(firsts) else None


def _one(q: Question, m: Mention, same: list[Candidate], years: list[int]) -> Reading:
    c = best_of(same)
    f = c.figure
    text = f"{W.subject(c)}为{W.shown(f)}。"
    if q.has_op("yesno") and not f.value and re.search(r"有没有|有无|是否有", q.text):
        text = "无。" + text  # '有没有…' answered in words as well as the 0
    calcs: list[C.Calc] = []
    results = [Result(f.value, f.unit, c.label)]
    text = with_wan(q, text, f.value, f.unit, calcs, results, c.label)
    text += also_in(sorted(same, key=sort_key)) + _adversarial_note(q, f)
    cands = sorted(same, key=sort_key)[:3]
    text += _rate_recomputed(c, cands, calcs, results)
    draft = Draft("answered", text, cands, results, calcs)
    return reading_for("value", q, [c], [m], draft, years)


def _rate_recomputed(c: Candidate, cands: list[Candidate], calcs: list[C.Calc], results: list[Result]) -> str:
    """A growth rate the table prints in whole percent ('13%') beside the two years' amounts it
    comes from: the rate to one decimal as well, with its formula, so a reader sees the rounding."""
    f = c.figure
    if f.unit != "%" or f.value != f.value.to_integral_value() or not re.search(r"增幅|增长|增减|变动", f.source.column or ""):
        return ""
    row = [g for g in c.entry.figures if g.source.line == f.source.line and g.unit in MONEY]
    by_year = {y: next((g for g in row if g.year == y), None) for y in (f.year, (f.year or 0) - 1)}
    cur, prev = by_year[f.year], by_year[(f.year or 0) - 1]
    if cur is None or prev is None or not prev.value:
        return ""
    calc = C.growth(cur.value, prev.value, 1)
    if calc.value == f.value:
        return ""
    calcs.append(calc)
    results.append(Result(calc.value, "%", "按金额计算的增幅"))
    cands += [Candidate(c.entry, cur, c.mention), Candidate(c.entry, prev, c.mention)]
    return f"按表中金额计算为{W.plain(calc.value)}%（{W.shown(cur)}比{W.shown(prev)}）。"


def _listed(q: Question, cands: list[Candidate], ms: list[Mention], years: list[int]) -> Reading:
    text = "；".join(one_text(c) for c in cands) + "。"
    results = [Result(c.figure.value, c.figure.unit, c.label) for c in cands]
    draft = Draft("answered", text, cands, results)
    # a list of the values asked for also answers '分别/各是多少'
    each = [c.span for c in q.cues if c.kind == "op" and c.value == "breakdown" and re.search("分别|各", q.text[c.start : c.end])]
    return reading_for("value", q, cands, list(dict.fromkeys(ms)), draft, years, extra=each)


def _adversarial_note(q: Question, f: Figure) -> str:
    """'是不是500万？' — say plainly when the number in the question is not the disclosure's."""
    m = re.search(r"(\d+(?:\.\d+)?)\s*(万|元)", q.text)
    if not m or not re.search(r"是不是|是否|难道|吗|听说", q.raw):
        return ""
    asked = Decimal(m.group(1)) * (10000 if m.group(2) == "万" else 1)
    if (f.yuan or f.value) != asked:
        return "问题中的说法与公开文件不符，以上为公开文件列示的数。"
    return ""


# --- count ---------------------------------------------------------------------------------------


def count(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """Counts: a counted figure of a named item (3个内设机构, 150次, an indicator's 指标值), or —
    when no item is named — the counts the narrative states in the unit asked, weighed by how
    many of the question's words their sentence shares."""
    out: list[Reading] = []
    years = default_years(q)
    for m in ms:
        for e in m.entries:
            if e.kind == "narrative":
                # its count, or the column the question asks in its unit ('自评得分95分': 几分)
                figs = [f for f in e.figures if f.measure == "数量"] or [
                    f for f in figures_for(e, q, years[0], q.doc.kind) if f.unit == q.unit_asked
                ]
            else:
                figs = figures_for(e, q, years[0], q.doc.kind)
            figs = [f for f in figs if f.unit not in MONEY and f.unit != "%" and _count_unit_ok(q, f)]
            if not figs:
                continue
            f = _holdings_first(q, figs, years)
            if f is None:
                continue  # only another year's count: '去年开展了多少次' is not this year's target
            c = Candidate(e, f, m.start)
            draft = Draft("answered", f"{W.subject(c)}为{W.shown(f)}。", [c], [Result(f.value, f.unit, c.label)])
            out.append(reading_for("count", q, [c], [m], draft, years))
    if q.unit_asked and q.unit_asked not in MONEY and q.unit_asked != "%":
        out += _stated_counts(q, env, years)
    return out


def _stated_counts(q: Question, env: Env, years: list[int]) -> list[Reading]:
    figs = [
        f
        for f in env.figures
        if f.origin == "narrative" and f.measure == "数量" and f.unit not in MONEY and _count_unit_ok(q, f)
        and _of_years(f, years)
    ]
    # a 绩效 target counted in people or things ('资助困境女童人数 = 50人' of the 春蕾计划 project),
    # its project's name standing for the sentence around it
    # (a target is a plan for the document's own year: never what was done, nor another year)
    planned = years[0] == q.doc.year and not any(w in q.text for w in vocabulary().units.get("done", ()))
    targets = [
        (f, e)
        for e in (env.entries() if planned else ())
        if e.kind == "indicator"
        for f in e.figures
        if (f.source.column or "") == "指标值" and f.unit not in MONEY and f.unit != "%" and _count_unit_ok(q, f)
    ]
    out = []
    for f, entry in [*((f, None) for f in figs), *targets]:
        item = fold(f.item if entry is None else entry.name)
        spans = shared_words(q.text, item)
        ratio = min(1.0, sum(e - s for s, e in spans) / max(1, len(item)))
        # the sentence's other words explain the question too, without making the figure surer
        around = fold((f.sentence or "") if entry is None else (entry.project or ""))
        spans += [s for s in shared_words(q.text, around) if s not in spans]
        # The counting word itself says what is counted (辆: vehicles); a stated total first.
        # a stated total first — for people, only of the ones the question names: 编制, 在职 and 退休
        # are different counts, not parts of one total ('妇联有多少人' asks back which)
        total = re.search(r"共有|共计|合计|总计|总数|^共", item) or stated_as_total(f)
        quality = 0.6 + 0.3 * ratio + (0.1 if total and (ratio > 0 or f.unit not in ("人", "名")) else 0)
        if acquisition(f) != _asks_acquisition(q):
            quality *= 0.8  # holdings for '有几辆', purchases for '买几辆'
        elif _asks_acquisition(q):
            quality += 0.1  # '买几辆': the purchase the disclosure states is what is asked
        if part_of_total(f) and ratio < 1:
            quality *= 0.8  # '共有车辆3辆，其中：执法执勤用车2辆' — the total unless a part is named
        c = Candidate(W.narrative_entry(env.catalog, f) if entry is None else entry, f, 0)
        draft = Draft("answered", f"{W.subject(c)}为{W.shown(f)}。", [c], [Result(f.value, f.unit, c.label)])
        out.append(Reading("count", draft, items=[c.entry], spans=spans, hows=["partial"], years=years, quality=round(quality, 3)))
    return out


def stated_as_total(f: Figure) -> bool:
    """'共有车辆3辆', '实有在职人员10人': the words just before the number say it is the whole."""
    sentence = f.sentence or ""
    number = re.escape(W.plain(f.value))
    m = re.search(rf"(?<![\d.]){number}\s*{re.escape(f.unit)}", sentence)
    return bool(m) and bool(re.search(r"(?:共有|共计|合计|总计|总数|保有|现有|实有|共)[^，,。；;]{0,8}$", sentence[: m.start()]))


def shared_words(text: str, other: str) -> list[tuple[int, int]]:
    """Runs of 2+ characters of ``text`` that occur in ``other`` (positions in text)."""
    spans, i = [], 0
    while i < len(text) - 1:
        j = i + 2
        if text[i:j] in other:
            while j < len(text) and text[i : j + 1] in other:
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def acquiring(text: str) -> bool:
    """Does the text speak of acquiring a thing (vocabulary units.acquire)?"""
    return any(w in text for w in vocabulary().units["acquire"])


def part_of_total(f: Figure) -> bool:
    sentence = fold(f.sentence or "")
    at = sentence.find("其中")
    return at >= 0 and sentence.find(fold(f.item)) > at


def acquisition(f: Figure) -> bool:
    return acquiring(f.sentence or "") and acquiring((f.sentence or "")[:40])


def _asks_acquisition(q: Question) -> bool:
    return bool(re.search(r"购置|购买|买|新增|添置|采购", q.text))


def _holdings_first(q: Question, figs: list[Figure], years: list[int]) -> Figure | None:
    """Holdings ('共有车辆2辆') before purchases ('安排购置车辆0辆') unless buying is asked."""
    if not _asks_acquisition(q):
        held = [f for f in figs if not acquisition(f)]
        figs = held or figs
    return _prefer_year(figs, years)


# A stock stated at a date ('截至2023年12月底共有车辆2辆') holds across the turn of the year; a
# count of what is done or planned in a year ('开展科技培训150次') is that year's only.
_STOCK = re.compile(r"截至|截止|年底|年末|月底|月末|共有|现有|实有|编制")


def _count_unit_ok(q: Question, f: Figure) -> bool:
    asked = q.unit_asked
    if asked in (None, "个") or asked in MONEY or asked == "%":
        return True
    return asked in f.unit or f.unit in asked or f.unit.startswith(asked[0]) or counts_in(f.unit, asked, counted_noun(q))


def _of_years(f: Figure, years: list[int]) -> bool:
    """A count of one of these years, or a stock that holds across them."""
    return f.year in years or f.year is None or f.origin != "narrative" or bool(_STOCK.search(f.sentence or f.item or ""))


def _prefer_year(figs: list[Figure], years: list[int]) -> Figure | None:
    same = [f for f in figs if f.year in years or f.year is None]
    pool = same or [f for f in figs if _of_years(f, years)]
    return sorted(pool, key=lambda f: f.source.line)[0] if pool else None


# --- two years of one item -----------------------------------------------------------------------


def year_pair(q: Question, m: Mention) -> list[tuple[Candidate, Candidate]]:
    """(previous, current) of the same item and column, previous blank = 0 — one per value.
    In a 决算 asked against its budget ('决算比年初预算多多少'): (年初预算数, 决算数) of the row."""
    if q.doc.kind == "决算" and re.search(r"预算", q.text) and not q.base_year:
        return _budget_final(q, m)
    cur_year = q.doc.year if not q.years or q.years == [q.base_year] else max(q.years)
    prev_year = q.base_year if q.base_year and q.base_year != cur_year else cur_year - 1
    out = []
    seen = set()
    for g in groups(q, m, cur_year):
        for c in sorted(g, key=sort_key):
            if c.figure.unit == "%":
                continue
            prev = [
                f
                for f in c.entry.figures
                if f.year == prev_year and f.unit == c.figure.unit and _same_leaf(f, c.figure)
            ]
            p = prev[0] if prev else _blank_previous(q.doc, c, prev_year)
            if p is None:
                continue
            key = (c.figure.value, p.value)
            if key in seen:
                break
            seen.add(key)
            out.append((Candidate(c.entry, p, c.mention), c))
            break
    return out


def _budget_final(q: Question, m: Mention) -> list[tuple[Candidate, Candidate]]:
    out = []
    for e in m.entries:
        budget = [f for f in e.figures if "预算" in (f.source.column or "") and f.unit in MONEY]
        final = [f for f in e.figures if "决算" in (f.source.column or "") and f.unit in MONEY]
        if budget and final:
            out.append((Candidate(e, budget[0], m.start), Candidate(e, final[0], m.start)))
            break
    return out


def _same_leaf(a: Figure, b: Figure) -> bool:
    la = (a.source.column or "").split("/")
    lb = (b.source.column or "").split("/")
    return la[1:] == lb[1:] or len(la) == 1 or len(lb) == 1


def _blank_previous(doc: Document, c: Candidate, year: int) -> Figure | None:
    """A previous-year column that is blank for this row means no amount: 0 for a change."""
    table = next((t for t in doc.tables if t.no == c.entry.table_no and t.part == c.entry.part), None)
    if table is None:
        return None
    prev_cols = [col for col in table.columns if f"{year}年" in col and not col.endswith("%")]
    row = next((r for r in table.rows if r.line == c.figure.source.line), None)
    if not prev_cols or row is None:
        return None
    cell = row.cell(prev_cols[0])
    if cell is None or cell.kind != "blank":
        return None
    return replace(c.figure, value=Decimal(0), year=year, source=replace(c.figure.source, column=prev_cols[0]))


_TOTAL_ITEMS = ("收入", "支出", "总收入", "总支出", "收支", "收支总计", "预算总支出", "预算总收入")
# '收支预算总计', '收入总预算', '支出预算总额': the narrative's words for the grand total
_TOTAL_ITEM = re.compile(r"(?:收支|收入|支出|收、支)(?:预算|决算)?(?:总计|总额|合计|总预算|总决算)")


def stated(env: Env, e: Entry, relation: tuple[str, ...], unit: str | None = None) -> list[Figure]:
    """Changes and shares the narrative states for an item (matched by its name; a grand total
    by the narrative's own words for it: '收入较2023年减少…')."""
    name = fold(e.name)
    total = e.role is not None and is_generic(name)
    out = []
    for n in env.catalog.entries_of(env.doc.id):
        if n.kind != "narrative":
            continue
        item = fold(n.name)
        side = "收入" if "收入" in name else "支出"
        if (
            n is e
            or fold(W.short_item(n.name)) == name
            or (len(name) >= 3 and name in item and "(项)" not in item)
            or (total and (item in _TOTAL_ITEMS or _TOTAL_ITEM.fullmatch(item)) and side in item)
        ):
            out += [f for f in n.figures if f.measure.endswith(relation) and (unit is None or f.unit == unit)]
    return list(dict.fromkeys(out))


def stated_for(env: Env, m: Mention, relation: tuple[str, ...], unit: str | None = None) -> list[Figure]:
    return list(dict.fromkeys(f for e in m.entries for f in stated(env, e, relation, unit)))


# --- sum -----------------------------------------------------------------------------------------


def total_of(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    years = default_years(q)
    picked: list[Candidate] = []
    used: list[Mention] = []
    for m in ms:
        for y in years:
            gs = by_quality(m, groups(q, m, y))
            if not gs:
                continue
            if len(gs) > 1 and _compound(m, gs):
                picked += _compound(m, gs) or []
            else:
                picked.append(best_of(gs[0]))
            used.append(m)
    if len(used) == 1 and len(years) == 1 and len(q.cue_spans("table", "measure")) >= 2:
        # one item in several tables the question names ('基本支出和项目支出里的办公费'): their sum.
        # Only when it names them: the same row in 收入决算表 and 支出决算表 adds up to nothing.
        gs = groups(q, used[0], years[0])
        tables = {best_of(g).entry.role for g in gs}
        if len(gs) >= 2 and len(tables) == len(gs):
            picked = [best_of(g) for g in gs]
    # a total is no summand: not beside its own parts ('三类支出合计' is their sum, not plus 支出合计),
    # and two totals of different tables ('本年支出合计': 表五 合计 + 表一 总计) add up to nothing
    totals = [c for c in picked if _is_total(c)]
    if totals:
        if len(totals) == len(picked):
            return []
        picked = [c for c in picked if not _is_total(c)]
        used = [m for m in used if any(c.mention == m.start for c in picked)] or used
    if len(picked) < 2 or len({c.figure.unit for c in picked}) > 1:
        return []
    return [_sum_reading(q, picked, list(dict.fromkeys(used)), years)]


def _is_total(c: Candidate) -> bool:
    name = fold(c.entry.name)
    return name in GENERIC or is_generic(name) or name.endswith(("合计", "总计"))


def _sum_reading(q: Question, picked: list[Candidate], ms: list[Mention], years: list[int], op: str = "sum") -> Reading:
    unit = picked[0].figure.unit
    t = C.total([c.figure.value for c in picked], unit)
    parts = "、".join(f"{W.subject(c)}{W.year_of(c)}{W.shown(c.figure)}" for c in picked)
    text = f"{parts}，合计{t.shown}。"
    calcs = [t]
    results = [Result(t.value, t.unit, "合计")]
    text = with_wan(q, text, t.value, unit, calcs, results, "合计")
    draft = Draft("answered", text, picked, results[::-1] if len(results) > 1 else results, calcs)
    return reading_for(op, q, picked, ms, draft, years)


def no_hits(hits: list[Hit]) -> bool:
    return not hits
