"""What moved a total: asked why a total (or a 科目 with rows under it) changed, or where the
change went ('主要涨在哪'), the rows of the same table whose two years moved the same way the
most. Every amount is a cell of the two year columns the change itself was read from, every
difference a calculation shown; a row the previous year leaves blank counts from 0 ('上年未列数')."""

from __future__ import annotations

import re
from decimal import Decimal

from core.records import Result
from qa import calc as C
from qa import compose as W
from qa.lookup import Candidate
from qa.members import entry_at, table_of
from qa.ops import MONEY, Env
from qa.question import Question

# where a change went, asked without a why-word ('主要涨在哪', '增加在哪些方面', '哪些科目变了')
_WHERE = re.compile(r"(?:涨|增|增加|减|减少|降|多|少|变)(?:了)?(?:主要)?(?:在|到)(?:了)?(?:哪|什么)|主要(?:是)?(?:哪|什么)")


def asks_drivers(q: Question) -> bool:
    return q.has_op("reason") or _WHERE.search(q.text) is not None


def drivers(env: Env, prev: Candidate, cur: Candidate, top: int = 3) -> tuple[str, list[Candidate], list[Result], list[C.Calc]]:
    """The rows under ``cur`` (its table's finest 科目) that changed most in the direction of
    ``cur``'s own change, as a sentence, their cells, results and calculations."""
    table = table_of(env, cur.entry)
    now, was = cur.figure.source.column, prev.figure.source.column
    total = cur.figure.value - prev.figure.value
    if table is None or not now or not was or now == was or prev.entry.table_no != cur.entry.table_no or not total:
        return "", [], [], []
    code = cur.entry.code or ""
    rows = [r for r in table.rows if r.code and r.code.startswith(code) and r.code != code]
    leaves = [r for r in rows if not any(o.code != r.code and o.code.startswith(r.code) for o in rows)]
    moved: list[tuple[Decimal, Candidate, Candidate | None]] = []
    for r in leaves:
        e = entry_at(env, table, r.line)
        if e is None:
            continue
        a = next((f for f in e.figures if f.source.column == now and f.unit in MONEY), None)
        b = next((f for f in e.figures if f.source.column == was and f.unit in MONEY), None)
        blank = (cell := r.cell(was)) is not None and cell.kind == "blank"
        if a is None or (b is None and not blank):
            continue
        delta = a.value - (b.value if b is not None else Decimal(0))
        if delta and (delta > 0) == (total > 0):
            moved.append((delta, Candidate(e, a, 0), Candidate(e, b, 0) if b is not None else None))
    moved.sort(key=lambda m: -abs(m[0]))
    if len(moved) < 1:
        return "", [], [], []
    lines, cands, results, calcs = [], [], [], []
    word = "增加" if total > 0 else "减少"
    for _, a, b in moved[:top]:
        before = W.shown(b.figure) if b is not None else "上年未列数"
        d = C.difference(a.figure.value, b.figure.value if b is not None else Decimal(0), a.figure.unit, signed=False)
        lines.append(f"{a.entry.label} {before} → {W.shown(a.figure)}（{word}{d.shown}）")
        cands += [a] + ([b] if b is not None else [])
        results.append(Result(abs(d.value), d.unit, f"{a.entry.name}{word}"))
        calcs.append(d)
    text = f"表{W.cn(table.no)}中{word}最多的科目：" + "；".join(lines) + "。" if table.no else "；".join(lines) + "。"
    return text, cands, results, calcs
