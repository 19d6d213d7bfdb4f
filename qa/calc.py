"""Decimal arithmetic on looked-up figures, with a formula a person (and the verifier) can redo.

A ``Calc`` keeps the expression text, its inputs and the rounded value. Percentages round
half-up to one decimal unless the question asks otherwise, as the disclosures do.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.text import format_amount


@dataclass(frozen=True)
class Calc:
    expr: str  # plain Decimal arithmetic, e.g. "(2300000.00 - 3660000.00) / 3660000.00 * 100"
    value: Decimal  # rounded as shown
    unit: str
    places: int

    @property
    def shown(self) -> str:
        return format_amount(self.value, self.unit)


def q(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _n(v: Decimal) -> str:
    return format(v, "f")


def difference(a: Decimal, b: Decimal, unit: str, signed: bool = True) -> Calc:
    expr = f"{_n(a)} - {_n(b)}"
    value = a - b
    if not signed:
        expr, value = f"abs({expr})", abs(value)
    return Calc(expr, value, unit, _places_of(a, b))


def growth(cur: Decimal, prev: Decimal, places: int = 1) -> Calc:
    expr = f"({_n(cur)} - {_n(prev)}) / {_n(prev)} * 100"
    return Calc(expr, q((cur - prev) / prev * 100, places), "%", places)


def share(part: Decimal, whole: Decimal, places: int = 1) -> Calc:
    return Calc(f"{_n(part)} / {_n(whole)} * 100", q(part / whole * 100, places), "%", places)


def tally(n: int, unit: str = "个") -> Calc:
    """'共30个': things counted one by one, shown as the sum of ones."""
    return Calc(" + ".join(["1"] * n), Decimal(n), unit, 0)


def total(values: list[Decimal], unit: str) -> Calc:
    return Calc(" + ".join(_n(v) for v in values), sum(values, Decimal(0)), unit, _places_of(*values))


def to_wan(value: Decimal, places: int = 2) -> Calc:
    return Calc(f"{_n(value)} / 10000", q(value / 10000, places), "万元", places)


def _places_of(*values: Decimal) -> int:
    exps = [-v.as_tuple().exponent for v in values if isinstance(v.as_tuple().exponent, int)]
    return max([0, *exps])


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def evaluate(expr: str) -> tuple[Decimal, list[Decimal]]:
    """Re-evaluate a formula exactly; return its value and the numbers it used."""
    used: list[Decimal] = []

    def ev(node: ast.AST) -> Decimal:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            value = Decimal(ast.get_source_segment(expr, node) or str(node.value))
            used.append(value)
            return value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "abs" and len(node.args) == 1:
            return abs(ev(node.args[0]))
        raise ValueError(f"unsupported formula element: {ast.dump(node)}")

    return ev(ast.parse(expr, mode="eval")), used
