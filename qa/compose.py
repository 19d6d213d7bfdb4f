"""How answers name figures and items, and the last step: a reading's outcome → ``Answer``
text that says what it understood, with its citations. Every number it writes comes from a
figure or a shown calculation (the engine verifies before anything leaves)."""

from __future__ import annotations

import re
from decimal import Decimal

from core.records import Answer, Citation, Figure, Provenance, UsedFigure, cn_number
from core.text import format_amount
from core.vocab import vocabulary
from qa import calc as C
from qa.catalog import Catalog, Entry
from qa.lookup import Candidate
from qa.question import Question
from qa.readings import Draft, Reading


def says_why(text: str) -> bool:
    """Does a sentence of the disclosure give a reason (vocabulary units.reasons: '主要原因是…',
    '主要是…', '由于…')? Shared by every answer that quotes a reason."""
    from core.vocab import vocabulary

    return any(w in text for w in vocabulary().units["reasons"])


def plain(v: Decimal) -> str:
    return format(v, "f")


def shown(f: Figure) -> str:
    """'80,000.00元', '16.1%', '5个'."""
    if f.unit in ("元", "万元", "%"):
        return format_amount(f.value, f.unit)
    return f"{plain(f.value)}{f.unit}"


def amount(value: Decimal, unit: str) -> str:
    return format_amount(value, unit) if unit in ("元", "万元", "%") else f"{plain(value)}{unit}"


def cn(n: int | None) -> str:
    return cn_number(n)


def subject(c: Candidate) -> str:
    """'表六“30231 公务用车运行维护费”（2024年基本支出/总计）' — where the figure is, in words."""
    e = c.entry
    if e.kind == "narrative":
        # a column of the sentence's subject is said with it ('科普经费项目执行数')
        measure = c.figure.measure
        return short_item(e.name) + (measure if measure in vocabulary().sentence_columns else "")
    where = f"表{cn(e.table_no)}" if e.table_no else ""
    col = c.figure.source.column or ""
    col = "" if col in ("值", "预算数") else f"（{col}）"
    project = f"{e.project}项目" if e.project else ""
    return f"{where}{project}“{e.label}”{col}"


def name_of(e: Entry) -> str:
    """The item's plain name for running text: '公务用车运行维护费', '科普经费项目当年预算'."""
    if e.kind == "narrative":
        return short_item(e.name)
    if e.project and e.kind in ("form", "indicator"):
        return f"{e.project}{e.name}"
    return e.name


def short_item(item: str) -> str:
    named = re.findall(r"([^()（）]+)[(（]项[)）]", item)
    return named[-1] if named else item


def year_of(c: Candidate) -> str:
    col = c.figure.source.column or ""
    return "" if re.search(r"\d{4}年", col) or c.figure.year is None else f"（{c.figure.year}年）"


def formula(calc: C.Calc) -> str:
    expr = calc.expr.replace("*", "×").replace("/", "÷")
    return f"{expr} = {plain(calc.value)}{calc.unit}"


def narrative_entry(catalog: Catalog, f: Figure) -> Entry:
    for e in catalog.entries_of(f.doc_id):
        if f in e.figures:
            return e
    return Entry(f.doc_id, f.item, "narrative", (f,))


def table_provenance(doc_id: str, t) -> Provenance:
    return Provenance(doc_id, t.line, t.no, t.full_title)


def answer(
    question: str, resolved: str, q: Question, reading: Reading | None, draft: Draft, doc_id: str
) -> Answer:
    """The Answer record: the outcome's text with the reading stated first."""
    interpretation = reading.interpretation(q) if reading is not None else None
    text = draft.text
    if interpretation is not None and draft.status in ("answered", "clarify") and reading.items:
        text = f"（理解为：{interpretation.describe()}）\n{text}"
    figures = tuple(UsedFigure(c.label, c.figure) for c in draft.candidates)
    citations = tuple(
        [Citation(c.label, c.figure.source) for c in draft.candidates]
        + [Citation(p.text, p.provenance) for p in draft.passages]
    )
    return Answer(
        question=question,
        text=text,
        status=draft.status,  # type: ignore[arg-type]
        figures=figures,
        results=tuple(draft.results),
        citations=citations,
        formula="；".join(formula(c) for c in draft.calcs) or None,
        options=tuple(draft.options),
        doc_id=doc_id,
        resolved_question=resolved if resolved != question else None,
        interpretation=interpretation,
        suggestions=tuple(draft.suggestions),
    )
