"""Decide like a careful clerk: a clear winner is answered; a close call between readings with
different values is asked back, each reading with its value; a weak best reading is "not
found", with the nearest readings offered as questions. A wrong figure is worse than an
ask-back; an ask-back is worse than a right answer."""

from __future__ import annotations

from dataclasses import dataclass

from core.records import Result
from qa import compose as W
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
    return Decision(best, best.draft)


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
