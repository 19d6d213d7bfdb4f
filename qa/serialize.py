"""Answer → plain data (the ``python -m qa --json`` contract, also used by the app and eval)."""

from __future__ import annotations

from typing import Any

from core.records import Answer, Interpretation, Provenance, cn_number
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


__all__ = ["answer_to_dict", "cn_number", "format_amount", "render_text", "source_dict"]
