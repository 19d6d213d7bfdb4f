"""Figure operations — value, count, difference, growth, share, sum — each turning the
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
    narrow,
    sort_key,
    total_entries,
)
from qa.match import Hit, Mention
from qa.question import Question, wants_money
from qa.readings import Draft, Reading, counted_noun, counts_in

_MONEY = ("元", "万元")
_PERF_WORDS = ("指标", "绩效", "目标", "满意", "权重", "完成时间", "社会效益")
_COUNT_UNITS_MONEY_OK = ("指标值",)
_CONTAINER = re.compile(r"^(?:的)?(?:里面|里头|当中|之中|中|里|内|中间)")


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
    if asked in _MONEY or (asked is None and wants_money(q) and e.kind not in ("indicator",)):
        if f.unit not in _MONEY and not (asked is None and f.unit == "%"):
            return e.kind == "indicator" and asked is None
        return True
    if asked == "%":
        return f.unit == "%"
    if asked:  # a counting word
        return f.unit not in _MONEY and f.unit != "%" and (asked in f.unit or f.unit in asked or asked == "个")
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
    this_year = [[f for f in c.entry.figures if f.year == year and f.unit in _MONEY] for c in firsts]
    return bool(firsts) and all(fs and all(yuan(f) != yuan(total) for f in fs) for fs in this_year)


def _derived_previous(q: Question, m: Mention, env: Env) -> list[Reading]:
    """Last year's amount the tables do not list: this year's ∓ the change the narrative
    states ('比2023年预算增加3,713.74元'), with the calculation shown."""
    out = []
    for f in stated_for(env, m, ("增加", "减少")):
        if f.unit not in _MONEY or (re.search(r"\d{4}年", f.measure) and str(q.doc.year - 1) not in f.measure):
            continue
        current = _current_of(env, f, m, q)
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


def _growth_from_stated_change(q: Question, m: Mention, env: Env) -> list[Reading]:
    """A growth rate the tables cannot give (no last-year column for the item) from this year's
    figure and the change the narrative states ('基本支出预算增加236,498.19元'): last year is
    this year ∓ the change, and the rate is the change over last year, both calculations shown."""
    for f in stated_for(env, m, ("增加", "减少")):
        if f.unit not in _MONEY or (re.search(r"\d{4}年", f.measure) and str(q.doc.year - 1) not in f.measure):
            continue
        current = _current_of(env, f, m, q)
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


def _current_of(env: Env, change: Figure, m: Mention, q: Question) -> Candidate | None:
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
    row = [g for g in c.entry.figures if g.source.line == f.source.line and g.unit in _MONEY]
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
                figs = [f for f in e.figures if f.measure == "数量"]
            else:
                figs = figures_for(e, q, years[0], q.doc.kind)
            figs = [f for f in figs if f.unit not in _MONEY and f.unit != "%" and _count_unit_ok(q, f)]
            if not figs:
                continue
            f = _holdings_first(q, figs, years)
            c = Candidate(e, f, m.start)
            draft = Draft("answered", f"{W.subject(c)}为{W.shown(f)}。", [c], [Result(f.value, f.unit, c.label)])
            out.append(reading_for("count", q, [c], [m], draft, years))
    if q.unit_asked and q.unit_asked not in _MONEY and q.unit_asked != "%":
        out += _stated_counts(q, env, years)
    return out


def _stated_counts(q: Question, env: Env, years: list[int]) -> list[Reading]:
    figs = [
        f
        for f in env.figures
        if f.origin == "narrative" and f.measure == "数量" and f.unit not in _MONEY and _count_unit_ok(q, f)
    ]
    out = []
    for f in figs:
        item = fold(f.item)
        spans = _shared_words(q.text, item)
        ratio = min(1.0, sum(e - s for s, e in spans) / max(1, len(item)))
        # the sentence's other words explain the question too, without making the figure surer
        spans += [s for s in _shared_words(q.text, fold(f.sentence or "")) if s not in spans]
        # The counting word itself says what is counted (辆: vehicles); a stated total first.
        quality = 0.6 + 0.3 * ratio + (0.1 if re.search(r"共有|共计|合计|总计|总数|^共", item) or stated_as_total(f) else 0)
        if acquisition(f) != _asks_acquisition(q):
            quality *= 0.8  # holdings for '有几辆', purchases for '买几辆'
        elif _asks_acquisition(q):
            quality += 0.1  # '买几辆': the purchase the disclosure states is what is asked
        if part_of_total(f) and ratio < 1:
            quality *= 0.8  # '共有车辆3辆，其中：执法执勤用车2辆' — the total unless a part is named
        c = Candidate(W.narrative_entry(env.catalog, f), f, 0)
        draft = Draft("answered", f"{W.subject(c)}为{W.shown(f)}。", [c], [Result(f.value, f.unit, c.label)])
        out.append(Reading("count", draft, items=[c.entry], spans=spans, hows=["partial"], years=years, quality=round(quality, 3)))
    return out


def stated_as_total(f: Figure) -> bool:
    """'共有车辆3辆', '实有在职人员10人': the words just before the number say it is the whole."""
    sentence = f.sentence or ""
    number = re.escape(W.plain(f.value))
    m = re.search(rf"(?<![\d.]){number}\s*{re.escape(f.unit)}", sentence)
    return bool(m) and bool(re.search(r"(?:共有|共计|合计|总计|总数|保有|现有|实有|共)[^，,。；;]{0,8}$", sentence[: m.start()]))


def _shared_words(text: str, other: str) -> list[tuple[int, int]]:
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


def _holdings_first(q: Question, figs: list[Figure], years: list[int]) -> Figure:
    """Holdings ('共有车辆2辆') before purchases ('安排购置车辆0辆') unless buying is asked."""
    if not _asks_acquisition(q):
        held = [f for f in figs if not acquisition(f)]
        figs = held or figs
    return _prefer_year(figs, years)


def _count_unit_ok(q: Question, f: Figure) -> bool:
    asked = q.unit_asked
    if asked in (None, "个") or asked in _MONEY or asked == "%":
        return True
    return asked in f.unit or f.unit in asked or f.unit.startswith(asked[0]) or counts_in(f.unit, asked, counted_noun(q))


def _prefer_year(figs: list[Figure], years: list[int]) -> Figure:
    same = [f for f in figs if f.year in years]
    return sorted(same or figs, key=lambda f: f.source.line)[0]


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
        budget = [f for f in e.figures if "预算" in (f.source.column or "") and f.unit in _MONEY]
        final = [f for f in e.figures if "决算" in (f.source.column or "") and f.unit in _MONEY]
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
            or (total and item in _TOTAL_ITEMS and side in item)
        ):
            out += [f for f in n.figures if f.measure.endswith(relation) and (unit is None or f.unit == unit)]
    return list(dict.fromkeys(out))


def stated_for(env: Env, m: Mention, relation: tuple[str, ...], unit: str | None = None) -> list[Figure]:
    return list(dict.fromkeys(f for e in m.entries for f in stated(env, e, relation, unit)))


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
            out.append(_difference_of(q, a, b, table_ms[:2], years))
    for m in ms:
        pairs = year_pair(q, m)
        rates = [Candidate(W.narrative_entry(env.catalog, f), f, m.start) for f in stated_for(env, m, ("增长", "下降", "增幅"), "%")]
        for prev, cur in pairs:
            out.append(_change(q, m, prev, cur, rates=rates))
        for f in stated_for(env, m, ("增加", "减少")):
            if f.unit not in _MONEY or (q.base_year and re.match(r"[较比]\d{4}年", f.measure) and str(q.base_year) not in f.measure):
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
        if env is not None and re.search(r"主要|原因", sentence):  # the sentence says why: quote it
            text += f"说明中写道：「{sentence}」"
            # the quoted reason answers '为什么 / 原因 / 怎么' as well
            extra = [(c.start, c.end) for c in q.cues if c.kind == "op" and c.value in ("reason", "text")]
            for f in env.figures:  # and the amounts it gives as the reason ('主要是项目支出预算减少360,000元')
                if f.origin == "narrative" and f.sentence == sentence and f.unit in _MONEY and f != stated.figure:
                    cands.append(Candidate(W.narrative_entry(env.catalog, f), f, 0))
                    results.append(Result(f.value, f.unit, f"{f.item}{f.measure}"))
        else:
            text += f"说明中也写明：{W.short_item(stated.figure.item)}{stated.figure.measure}{W.shown(stated.figure)}。"
        cands.append(stated)
    text += _adversarial_change(q, cur.figure.value - prev.figure.value)
    # the difference first (with its 万元 value when asked), then the rate
    results = [*results[:2][::-1], *results[2:]] if q.unit_asked == "万元" and len(results) > 1 and results[1].unit == "万元" else results
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


# --- share ---------------------------------------------------------------------------------------


def share(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'X占Y的比例', 'Y中X占', 'X在Y里占': Y is the whole. No whole named: the share the narrative
    states, else the item's parent in the classification (the reading says which whole)."""
    at = _share_at(q)
    parts, wholes = _parts_and_wholes(q, ms, at)
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
                wgs = groups(q, whole, year)
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
                    out.append(_share_of(q, a, b, [part, whole], year, quality=hit_quality(part, a.entry, q)))
                    found = True
                if found:
                    continue
            if any(r.op == "share" for r in out):
                continue
        named = [fold(q.text[w.start : w.end]) for w in wholes if not all(h.how == "total" for h in w.hits)]
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
    the 合计 row of the 基本支出 column): the share of a thing in itself, not a reading."""
    column = b.figure.source.column or ""
    return a.entry.kind == "column" and bool(column) and column.split("/")[-1] == fold(a.entry.name)


def _share_at(q: Question) -> int:
    spans = q.op_spans("share")
    return min((s for s, _ in spans), default=-1)


def _parts_and_wholes(q: Question, ms: list[Mention], at: int) -> tuple[list[Mention], list[Mention]]:
    if at < 0:
        return ms, []
    before = [m for m in ms if m.end <= at]
    after = [m for m in ms if m.start >= at]
    # the department's grand total named as such ('占科协全部预算') is a whole too; a bare
    # generic word ('合计') is not
    wholes = [
        m for m in after
        if not all(is_generic(fold(e.name)) for e in m.entries) or all(h.how == "total" for h in m.hits)
    ]  # fmt: skip
    parts = list(before)
    # 'Y中X占', 'X在Y里占': a mention followed by 里/中 and then another mention is the whole.
    if len(before) >= 2:
        for m in before[:-1]:
            if _CONTAINER.match(q.text[m.end :]) or q.text[max(0, m.start - 1) : m.start] == "在":
                wholes.append(m)
                parts.remove(m)
                break
        else:
            if q.text[before[-1].end :].startswith(("在",)) is False and re.search(
                r"在$", q.text[before[0].end : before[1].start]
            ):
                wholes.append(before[1])
                parts.remove(before[1])
    return parts, wholes


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
        if f.unit in _MONEY
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
