"""Fact-check a text against the disclosure: every figure claim, read as a question by the same
engine that answers questions, then judged against the figure the disclosure has.

    check("2024年三公经费预算10.1万元，比上年减少1万元。", engine)
      → CheckResult(verdict="supported", claims=(Claim(10.1万元, supported, expected 101,000.00元), …))

A claim is compared at the precision it is written in ('约230万元' against 2,296,541.00元 is
supported; '240万元' is not), in the unit it is written in (10.1万元 = 101,000元), with its
direction (增加 versus 减少) and its whole (a share is computed for the whole the claim names).
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from core.records import Answer, CheckResult, Claim, Result, Verdict
from core.text import format_amount, normalize_question
from qa import calc as C
from qa.claims import _MONEY, CHANGE_DOWN, CHANGE_UP, ClaimSpan, Mention, claims_of
from qa.guard import decodable

_CHANGE_OPS = ("diff", "growth", "change")


def check(text: str, engine, doc_id: str | None = None) -> CheckResult:
    """Every figure claim of ``text`` with its verdict, and the verdict of the whole text."""
    text = normalize_question(decodable(text))  # any input: undecodable bytes and controls made safe
    if doc_id is None:
        named = engine.document_named(text)
        doc_id = named.id if named is not None else None
    claims = tuple(_judge(span, _read(span, engine, doc_id)) for span in claims_of(text))
    if not claims:
        return CheckResult(text, "unclear", (), doc_id)
    return CheckResult(text, overall([c.verdict for c in claims]), claims, doc_id)


def overall(verdicts: list[str]) -> Verdict:
    """supported / contradicted when all agree; mixed when some of each; else the weakest."""
    kinds = set(verdicts)
    if kinds == {"supported"}:
        return "supported"
    if "contradicted" in kinds:
        return "mixed" if "supported" in kinds else "contradicted"
    if "unclear" in kinds:
        return "unclear"
    return "not_in_disclosure"


# --- one claim ------------------------------------------------------------------------------------


def _read(span: ClaimSpan, engine, doc_id: str | None) -> tuple[str, Answer]:
    """The claim's question answered; when the claim's own words are not enough, the same
    question with more of its sentence (the item it goes on about), in turn."""
    first = None
    for question in (span.question, *span.fallbacks):
        answer = engine.answer(question, doc_id=doc_id)
        if answer.status == "answered" and _values(answer, span.mention):
            return question, answer
        first = first or (question, answer)
    return first


def _judge(span: ClaimSpan, read: tuple[str, Answer]) -> Claim:
    question, answer = read
    m = span.mention
    base = dict(text=span.text, value=m.value, unit=m.unit, question=question, interpretation=answer.interpretation)
    if answer.status in ("not_found", "invalid"):
        return Claim(**base, verdict="not_in_disclosure", note=answer.text)
    candidates = _values(answer, m)
    op = answer.interpretation.operation if answer.interpretation else ""
    if (m.direction and op not in _CHANGE_OPS and m.kind != "percent") or (m.kind == "percent" and m.direction and op not in (*_CHANGE_OPS, "share")):
        # a change the disclosure does not give (no earlier year of this item): not the level
        found = "、".join(f"{format_amount(r.value, r.unit)}（{r.label}）" for r in answer.results[:2])
        return Claim(**base, verdict="not_in_disclosure", sources=answer.figures, formula=answer.formula, note=f"公开文件没有可比的上年数，只有{found}")
    if answer.status == "clarify" and len({v for v, _ in candidates}) == 1:
        answer = replace(answer, status="answered")  # the readings differ, their figure does not
    if not candidates:
        what = "、".join(f"{format_amount(r.value, r.unit)}（{r.label}）" for r in answer.results[:3])
        note = f"找到的数不是同一种量（{what}）" if what else "公开文件中没有可以比较的数"
        # the values named come with the calculation that gave them (every number of a note traces back)
        return Claim(**base, verdict="unclear", note=note, options=answer.options, sources=answer.figures, formula=answer.formula)
    if answer.status == "clarify":
        # several figures fit and the claim does not say which: the checker asks back, as the
        # chatbot does, and says which reading the figure would agree with
        agree = [r.label for v, r in candidates if _agrees(m, v)]
        opts = answer.options or tuple(r.label for _, r in candidates)
        note = "有几个数都可能是所说的：" + "；".join(opts)
        if agree:
            note += f"。与所说一致的是：{'；'.join(agree)}"
        return Claim(**base, verdict="unclear", options=opts, sources=answer.figures, formula=answer.formula, note=note)
    value, result = candidates[0]
    signed = _signed_change(answer, value)
    verdict: Verdict = "supported"
    note = ""
    if m.direction == "0":
        verdict = "supported" if value == 0 else "contradicted"
        note = "" if value == 0 else f"并非持平：{_change_words(signed, result)}"
    else:
        if m.direction and signed is not None and signed != 0 and (signed > 0) != (m.direction == "+"):
            verdict, note = "contradicted", f"方向不对：实际{_change_words(signed, result)}"
        elif not _agrees(m, abs(value) if m.direction else value):
            verdict, note = "contradicted", f"公开数为{_shown(result, m)}"
        elif m.unit == "百分点" and answer.interpretation is not None and answer.interpretation.operation == "growth":
            verdict, note = "contradicted", "这是增长百分比（%），不是百分点"
    note = note or f"公开数为{_shown(result, m)}"
    return Claim(
        **base, verdict=verdict, expected=result, formula=_with_conversion(answer.formula, result, m), sources=answer.figures, note=note
    )


def _values(answer: Answer, m: Mention) -> list[tuple[Decimal, Result]]:
    """The answer's values comparable with the claim, each in the claim's unit."""
    out: list[tuple[Decimal, Result]] = []
    exact = _exact(answer)
    for r in answer.results:
        if m.kind == "money" and r.unit in _MONEY:
            if any(o[1].unit in _MONEY and o[0] == r.value * _MONEY[r.unit] / _MONEY[m.unit] for o in out):
                continue  # the same figure again, converted ('折合万元')
            out.append((r.value * _MONEY[r.unit] / _MONEY[m.unit], r))
        elif m.kind == "percent" and r.unit == "%":
            out.append((exact if exact is not None and C.q(exact, 1) == C.q(r.value, 1) else r.value, r))
        elif m.kind == "count" and r.unit not in _MONEY and r.unit != "%":
            value, unit = r.value, r.unit
            if len(unit) > 1 and unit[0] in "万亿":  # '180万画幅' stored as 180 of 万画幅
                value, unit = value * (10000 if unit[0] == "万" else 100000000), unit[1:]
            if unit.split("(")[0] == m.unit.split("(")[0] or not unit:  # '台(套)' counts in 台
                out.append((value, r))
    if m.direction and answer.status != "clarify":
        # a change claim is decided by the change, not by either year's level
        change = [o for o in out if re.search(r"差额|变化|增|减", o[1].label)]
        out = change + [o for o in out if o not in change]
    if m.kind == "money" and out and answer.status != "clarify":
        # the figure itself, not its conversion: '折合万元' repeats it
        out = out[:1]
    return out


def _exact(answer: Answer) -> Decimal | None:
    """A computed percentage re-evaluated without rounding (a claim may state more digits)."""
    if not answer.formula:
        return None
    expr = answer.formula.split("=")[0].replace(",", "").replace("×", "*").replace("÷", "/").replace("%", "")
    expr = re.sub(r"[^\d.+\-*/() ]", "", expr).strip()
    try:
        value, _ = C.evaluate(expr)
    except (ValueError, SyntaxError, ArithmeticError, TypeError):
        return None  # a formula in words: the rounded value is what there is
    return value


_DOWN_WORDS = re.compile(CHANGE_DOWN)
_UP_WORDS = re.compile(CHANGE_UP)


def _signed_change(answer: Answer, value: Decimal) -> Decimal | None:
    """The change the answer found, with its sign: from its formula (this year minus last), else
    from the words the disclosure uses for it ('项目支出减少360,000元')."""
    op = answer.interpretation.operation if answer.interpretation else ""
    if op not in _CHANGE_OPS:
        return None
    # 'abs(101000.00 - 111000.00) = …', '(101000.00 - 111000.00) ÷ 111000.00 × 100 = -9.0%'
    sub = re.search(r"(-?\d[\d,]*(?:\.\d+)?)\s+-\s+(\d[\d,]*(?:\.\d+)?)", answer.formula or "")
    if sub:
        return Decimal(sub.group(1).replace(",", "")) - Decimal(sub.group(2).replace(",", ""))
    for r in answer.results:
        if _DOWN_WORDS.search(r.label):
            return -abs(value)
        if _UP_WORDS.search(r.label):
            return abs(value)
    down, up = _DOWN_WORDS.search(answer.text), _UP_WORDS.search(answer.text)
    if down and (not up or down.start() < up.start()):
        return -abs(value)
    return abs(value) if up else value


def _change_words(signed: Decimal | None, result: Result) -> str:
    if signed is None:
        return format_amount(result.value, result.unit)
    word = "增加" if signed > 0 else "减少" if signed < 0 else "持平"
    return f"{word}{format_amount(abs(result.value), result.unit)}"


def _converted(result: Result, m: Mention) -> Decimal | None:
    """The disclosed amount in the claim's unit, rounded as shown ('约0.03亿元'), if they differ."""
    if m.kind != "money" or result.unit == m.unit or result.unit not in _MONEY:
        return None
    return C.q(result.value * _MONEY[result.unit] / _MONEY[m.unit], max(m.decimals, 2))


def _shown(result: Result, m: Mention) -> str:
    text = format_amount(result.value, result.unit)
    converted = _converted(result, m)
    if converted is not None:
        text += f"（约{format_amount(converted, m.unit)}）"
    return text


def _with_conversion(formula: str | None, result: Result, m: Mention) -> str | None:
    """The answer's formula, and the conversion the note shows when the answer's own formula
    does not have it (a claim in 亿元 of a figure the answer gives in 元): every number of the
    note is then a figure or a shown calculation that recomputes (qa.verify)."""
    converted = _converted(result, m)
    if converted is None or (formula and f"= {converted}{m.unit}" in formula):
        return formula
    factor = _MONEY[m.unit] / _MONEY[result.unit]
    op = f"÷ {C._n(factor)}" if factor > 1 else f"× {C._n(1 / factor)}"
    step = f"{C._n(result.value)} {op} = {converted}{m.unit}"
    return f"{formula}；{step}" if formula else step


def _magnitude(value: Decimal) -> int:
    """Places of a round number as written: 600 → -2 (hundreds), 230 → -1, 12 → 0."""
    digits = str(int(value))
    zeros = len(digits) - len(digits.rstrip("0")) if int(value) else 0
    return -min(zeros, len(digits) - 1)


def _agrees(m: Mention, true: Decimal) -> bool:
    """Whether the disclosed value ``true`` (in the claim's unit) bears out the claim as written."""
    claim = m.value
    places = m.decimals
    if m.bound == "+":  # '六百多万': at least 600万, below the next step
        step = Decimal(10) ** (-_magnitude(claim)) if not places else Decimal(1).scaleb(-places)
        return claim <= true < claim + step
    if m.bound == ">":
        return true > claim
    if m.bound == "<":
        return true < claim
    if m.bound == ">=":
        return true >= claim
    if m.bound == "<=":
        return true <= claim
    if m.bound == "~" and not places:
        places = _magnitude(claim)  # '约600万元': to the hundred
        return C.q(true, places) == claim or C.q(true, 0) == claim
    return C.q(true, places) == claim
