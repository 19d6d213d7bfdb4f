"""Decide like a careful clerk: a clear winner is answered; a close call between readings with
different values is asked back, each reading with its value; a weak best reading is "not
found", with the nearest readings offered as questions. A wrong figure is worse than an
ask-back; an ask-back is worse than a right answer."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.records import Result
from qa import compose as W
from qa.ops import part_of_total
from qa.question import Question
from qa.readings import Draft, Reading

ANSWER_AT = 0.6  # below this the best reading is not trusted
CLOSE = 0.03  # readings this close in score are a close call
# Among equally good readings, the more specific operation explains the question better.
SPECIFIC = ("completion", "per_unit", "change", "rank", "breakdown", "list", "share", "growth", "diff", "sum",
            "count", "reason", "define", "value", "text")  # fmt: skip


@dataclass
class Decision:
    reading: Reading | None
    draft: Draft


def decide(q: Question, readings: list[Reading], nothing: Draft) -> Decision:
    ranked = sorted(readings, key=lambda r: (-r.score, _rank(r.op)))
    answered = [r for r in ranked if r.draft.status in ("answered",)]
    refusals = [r for r in ranked if r.draft.status == "not_found"]
    best = answered[0] if answered else None
    if refusals and (best is None or refusals[0].score > best.score):
        return Decision(refusals[0], refusals[0].draft)
    if best is None or best.score < ANSWER_AT:
        draft = Draft(nothing.status, nothing.text, suggestions=suggestions(q, ranked))
        return Decision(best if best is not None and best.score >= 0.3 else None, draft)
    close = [
        r
        for r in answered[1:]
        if r.op == best.op and best.score - r.score <= CLOSE and r.value_key() != best.value_key() and r.draft.results
    ]
    if close and best.draft.results:
        return Decision(best, _clarify([best, *close]))
    siblings = [r for r in answered[1:] if _siblings(best, r)]
    if siblings:
        # in the sentence's order, each item named in the reading line
        told = sorted([best, *siblings], key=lambda r: _at(r.draft.candidates[0].figure))
        merged = replace(best, items=[e for r in told for e in r.items])
        return Decision(merged, _together(told))
    return Decision(best, best.draft)


SIBLINGS = 0.1  # a sentence's facts the question tells apart no better than this are answered together


def _siblings(best: Reading, r: Reading) -> bool:
    """'全年国内公务接待31批次、217人次……外事接待0批次、0人次' asked '接待了多少人次': two facts of
    one sentence, counted alike, each found by the same words of the question and neither by
    more — the question does not choose between them, and both are what the sentence says."""
    if r.op != best.op or r.op not in ("count", "value") or best.score - r.score > SIBLINGS:
        return False
    if r.value_key() == best.value_key() or sorted(r.spans) != sorted(best.spans) or r.covered != best.covered:
        return False
    a, b = best.draft.candidates[:1], r.draft.candidates[:1]
    if not a or not b or a[0].figure.origin != "narrative" or b[0].figure.origin != "narrative":
        return False
    fa, fb = a[0].figure, b[0].figure
    if fa.sentence != fb.sentence or fa.source.line != fb.source.line or fa.unit != fb.unit:
        return False
    # '共有车辆1辆，其中，机要通信用车1辆、其他用车0辆': a whole and its parts are no siblings
    return part_of_total(fa) == part_of_total(fb)


def _at(f) -> int:
    at = (f.sentence or "").find(f.item)
    return at if at >= 0 else len(f.sentence or "")


def _together(readings: list[Reading]) -> Draft:
    first = readings[0].draft
    return Draft(
        first.status,
        "\n".join(r.draft.text for r in readings),
        [c for r in readings for c in r.draft.candidates[:1]] + first.candidates[1:],
        [res for r in readings for res in r.draft.results[:1]] + first.results[1:],
        [c for r in readings for c in r.draft.calcs],
        first.passages,
    )


def _rank(op: str) -> int:
    return SPECIFIC.index(op) if op in SPECIFIC else len(SPECIFIC)


def _clarify(readings: list[Reading]) -> Draft:
    seen, picked = set(), []
    for r in readings:
        if r.value_key() not in seen:
            seen.add(r.value_key())
            picked.append(r)
    lines, results, cands, options, calcs = [], [], [], [], []
    for r in picked:
        main = r.draft.results[0]
        label = r.draft.candidates[0].label if r.draft.candidates else main.label
        if r.part and r.whole:
            label = f"{W.name_of(r.part[0])}占{W.name_of(r.whole[0])}（表{W.cn(r.whole[0].table_no)}）"
        lines.append(f"• {label}：{W.amount(main.value, main.unit)}")
        results.append(Result(main.value, main.unit, label))
        cands += r.draft.candidates[:2] if r.whole else r.draft.candidates[:1]
        calcs += r.draft.calcs  # a computed reading shows how its value came about
        options.append(label)
    asks = [_option_question(r) for r in picked]
    text = "这个问题在公开文件中对应不同口径的数额：\n" + "\n".join(lines) + "\n请问您想问的是哪一个？"
    return Draft("clarify", text, cands, results, calcs, options=options, suggestions=[a for a in asks if a])


def _option_question(r: Reading) -> str | None:
    """The question that picks one option of an ask-back (a clickable suggestion): the table,
    the item and the column, which the engine reads back to that one figure."""
    if not r.draft.candidates or (r.part and r.whole):
        return None
    c = r.draft.candidates[0]
    e, f = c.entry, c.figure
    year = f"{r.years[0]}年" if r.years and len(r.years) == 1 else ""
    column = f"（{f.source.column}）" if f.source.column else ""
    if e.table_no is not None:
        project = f"{e.project}的" if e.project else ""
        return f"{year}表{W.cn(e.table_no)}{project}{e.label}{column}是多少？"
    if f.unit in ("元", "万元", "%"):
        return f"{year}{e.name}是多少？"
    return f"{year}{e.name}有多少{f.unit}？"  # a stated count


def suggestions(q: Question, ranked: list[Reading], k: int = 3) -> list[str]:
    """Up to three questions the user may have meant, from the nearest readings."""
    out: list[str] = []
    for r in ranked:
        if not r.items or r.score < 0.15:
            continue
        name = W.name_of(r.items[0])
        year = f"{r.years[0]}年" if r.years else ""
        ask = {"count": "有多少", "diff": "比上年变化多少", "growth": "增长率是多少", "share": "占比多少",
               "breakdown": "由哪些部分构成", "change": "比上年有什么变化"}.get(r.op, "是多少")  # fmt: skip
        text = f"{year}{name}{ask}？"
        if text not in out:
            out.append(text)
        if len(out) == k:
            break
    return out
