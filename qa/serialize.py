"""Answer → plain data (the ``python -m qa --json`` contract, also used by the app and eval)."""

from __future__ import annotations

from typing import Any

from core.records import Answer, CheckResult, Interpretation, Provenance, cn_number
from core.text import format_amount


def source_dict(p: Provenance) -> dict[str, Any]:
    return {
        "doc": p.doc_id,
        "table": p.table_no,
        "table_title": p.table_title,
        "row": p.row,
        "column": p.column,
        "section": p.section,
        "line": p.line,
    }


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "answer": answer.text,
        "status": answer.status,
        "doc": answer.doc_id,
        "results": [{"value": str(r.value), "unit": r.unit, "label": r.label} for r in answer.results],
        "figures": [
            {
                "value": str(u.figure.value),
                "unit": u.figure.unit,
                "label": u.label,
                "source": source_dict(u.figure.source),
            }
            for u in answer.figures
        ],
        "sources": [
            {"text": c.text, "citation": c.provenance.label(), **source_dict(c.provenance)}
            for c in answer.citations
        ],
        "formula": answer.formula,
        "options": list(answer.options),
        "suggestions": list(answer.suggestions),
        "resolved_question": answer.resolved_question,
        "interpretation": interpretation_dict(answer.interpretation),
    }


def interpretation_dict(i: Interpretation | None) -> dict[str, Any] | None:
    """The reading an answer is based on: what, when, which column, which operation, how sure."""
    if i is None:
        return None

    def refs(items):
        return [{"label": r.label, "how": r.how, "words": r.words} for r in items]

    return {
        "understood": i.describe(),
        "doc_ids": list(i.doc_ids),
        "items": refs(i.items),
        "years": list(i.years),
        "measure": i.measure,
        "operation": i.operation,
        "part": refs(i.part),
        "whole": refs(i.whole),
        "unit_asked": i.unit_asked,
        "covered": list(i.covered),
        "unexplained": list(i.unexplained),
        "score": i.score,
    }


def render_text(answer: Answer) -> str:
    """Plain-text rendering for the terminal: the answer, then numbered sources."""
    lines = [answer.text]
    if answer.formula:
        lines.append(f"计算：{answer.formula}")
    if answer.citations:
        lines.append("来源：")
        for i, c in enumerate(answer.citations, 1):
            lines.append(f"  [{i}] {c.provenance.label()}")
    return "\n".join(lines)


VERDICT_WORDS = {"supported": "有依据", "contradicted": "与公开数不符", "mixed": "部分不符",
                  "not_in_disclosure": "公开文件中没有", "unclear": "无法确定"}  # fmt: skip


def check_to_dict(result: CheckResult) -> dict[str, Any]:
    """The ``python -m qa check --json`` contract: the text's verdict and each claim's."""
    claims = []
    for c in result.claims:
        i = c.interpretation
        claims.append({
            "text": c.text,
            "item": "、".join(r.label for r in i.items) if i and i.items else None,
            "year": list(i.years) if i else [],
            "value": str(c.value),
            "unit": c.unit,
            "verdict": c.verdict,
            "expected": None if c.expected is None else {"value": str(c.expected.value), "unit": c.expected.unit, "label": c.expected.label},
            "formula": c.formula,
            "sources": [{"value": str(u.figure.value), "unit": u.figure.unit, "label": u.label, "citation": u.figure.source.label(),
                         **source_dict(u.figure.source)} for u in c.sources],
            "question": c.question,
            "note": c.note,
            "options": list(c.options),
            "interpretation": interpretation_dict(i),
        })  # fmt: skip
    return {"text": result.text, "verdict": result.verdict, "doc": result.doc_id, "claims": claims}


def render_check(result: CheckResult) -> str:
    """Plain-text rendering of a fact-check: the verdict, then one line per claim."""
    lines = [f"结论：{VERDICT_WORDS[result.verdict]}（{result.verdict}）"]
    if not result.claims:
        lines.append("  没有找到带数字的说法（金额、增减、比例或数量）。")
    for n, c in enumerate(result.claims, 1):
        lines.append(f"  [{n}] “{c.text}” → {VERDICT_WORDS[c.verdict]}：{c.note}")
        if c.interpretation is not None:
            lines.append(f"      理解为：{c.interpretation.describe()}")
        if c.formula:
            lines.append(f"      计算：{c.formula}")
        for u in c.sources[:3]:
            lines.append(f"      来源：{u.figure.source.label()}")
    return "\n".join(lines)


__all__ = ["answer_to_dict", "check_to_dict", "cn_number", "format_amount", "render_check", "render_text", "source_dict"]
