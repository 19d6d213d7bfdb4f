"""Every number in an answer must be a disclosure figure (in the unit it is shown in), a shown
calculation on figures, part of the question, or inside a verbatim quotation of the disclosure.
Nothing else passes: "约12万元" is checked as 120,000 元, "12%" as a percentage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from qa.calc import Calc, evaluate, q

_NUMBER = re.compile(r"(?<![\d.])-?\d+(?:,\d{3})*(?:\.\d+)?")
_QUOTE = re.compile(r"「([^」]*)」")
_CONSTANTS = {Decimal(100), Decimal(10000), Decimal(100000000), Decimal(1)}  # %, 万, 亿

Figures = set[tuple[Decimal, str]]  # (value, unit) of every figure a document holds


def numbers_in(text: str) -> list[Decimal]:
    out = []
    for m in _NUMBER.finditer(text):
        try:
            out.append(Decimal(m.group().replace(",", "")))
        except InvalidOperation:
            continue
    return out


def calc_ok(calc: Calc, figures: Figures) -> bool:
    """The formula recomputes to the value shown, and uses only disclosure figures."""
    try:
        value, used = evaluate(calc.expr)
    except (ValueError, SyntaxError, ZeroDivisionError, InvalidOperation):
        return False
    # a 万元 figure enters a calculation in 元 as well (the calculations work in 元)
    values = {v for v, _ in figures} | {v * 10000 for v, u in figures if u == "万元"}
    if any(u not in values and u not in _CONSTANTS for u in used):
        return False
    return q(value, calc.places) == calc.value


def _unit_after(text: str, end: int) -> str:
    tail = text[end : end + 3].lstrip()
    if tail.startswith("万元"):
        return "万元"
    if tail.startswith("万"):
        return ""  # '180万画幅', '1.2万亩': a count printed with its own unit
    if tail.startswith("元"):
        return "元"
    if tail.startswith(("%", "％")):
        return "%"
    return ""


def unverified_numbers(
    text: str,
    *,
    figures: Figures,
    calcs: Iterable[Calc],
    question: str,
    source_text: str,
    years: Iterable[int],
) -> list[str]:
    """Numbers in ``text`` that nothing traces back to. Empty list: the answer may be shown."""
    by_unit: dict[str, set[Decimal]] = {"元": set(), "万元": set(), "%": set(), "": set()}
    for value, unit in figures:
        by_unit[""].add(value)
        if unit == "元":
            by_unit["元"].add(value)
            by_unit["万元"].add(value / 10000)  # a 元 figure shown in 万元 (exact: Decimal division)
        elif unit == "万元":
            by_unit["万元"].add(value)
            by_unit["元"].add(value * 10000)
        elif unit == "%":
            by_unit["%"].add(value)
    derived: Figures = set()  # results of the steps checked so far: a later step may use them
    for calc in calcs:
        if calc_ok(calc, figures | derived):
            for key in {calc.unit if calc.unit in by_unit else "", ""}:
                by_unit[key].add(calc.value)
            by_unit[""].update(numbers_in(calc.expr))
            derived.add((calc.value, calc.unit))
    free = set(numbers_in(question)) | {Decimal(y) for y in years}
    bad: list[str] = []
    for quote in _QUOTE.findall(text):
        if quote not in source_text:
            bad.append(f"引文不是原文：{quote[:30]}")
    unquoted = _QUOTE.sub("", text)
    for m in _NUMBER.finditer(unquoted):
        try:
            value = Decimal(m.group().replace(",", ""))
        except InvalidOperation:
            bad.append(m.group())
            continue
        if re.fullmatch(r"(?:19|20)\d{2}", m.group()) and unquoted[m.end() : m.end() + 1] in ("年", "、"):
            continue  # a year ('2025年'), not an amount: years name what is asked, they are no figures
        allowed = by_unit[_unit_after(unquoted, m.end())] | free
        if value not in allowed and -value not in allowed:
            bad.append(m.group())
    return bad
