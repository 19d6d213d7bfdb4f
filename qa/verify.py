"""Every number in an answer must be a disclosure figure, a shown calculation on figures,
part of the question, or inside a verbatim quotation of the disclosure. Nothing else passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from qa.calc import Calc, evaluate, q

_NUMBER = re.compile(r"(?<![\d.])-?\d+(?:,\d{3})*(?:\.\d+)?")
_QUOTE = re.compile(r"「([^」]*)」")
_CONSTANTS = {Decimal(100), Decimal(10000), Decimal(1)}


def numbers_in(text: str) -> list[Decimal]:
    out = []
    for m in _NUMBER.finditer(text):
        try:
            out.append(Decimal(m.group().replace(",", "")))
        except InvalidOperation:
            continue
    return out


def calc_ok(calc: Calc, figures: set[Decimal]) -> bool:
    """The formula recomputes to the value shown, and uses only disclosure figures."""
    try:
        value, used = evaluate(calc.expr)
    except (ValueError, SyntaxError, ZeroDivisionError, InvalidOperation):
        return False
    if any(u not in figures and u not in _CONSTANTS for u in used):
        return False
    return q(value, calc.places) == calc.value


def unverified_numbers(
    text: str,
    *,
    figures: set[Decimal],
    calcs: Iterable[Calc],
    question: str,
    source_text: str,
    years: Iterable[int],
) -> list[str]:
    """Numbers in ``text`` that nothing traces back to. Empty list: the answer may be shown."""
    allowed = set(figures) | {Decimal(y) for y in years} | set(numbers_in(question))
    for calc in calcs:
        if calc_ok(calc, figures):
            allowed.add(calc.value)
            allowed.update(numbers_in(calc.expr))
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
        if value not in allowed and -value not in allowed:
            bad.append(m.group())
    return bad
