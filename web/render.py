"""Answers → chat messages. The engine returns data; this module decides how it looks.

Everything that comes from a person or a document is escaped here: a chat message is rendered
by Gradio as markdown with HTML, so ``<script>``, ``<b>``, ``**粗体**`` or ``$x$`` in a question
(or echoed back in an answer) must reach the browser as text. ``escape_text`` turns HTML
specials *and* markdown punctuation into numeric character references, which markdown never
reads as markup, and each message is one HTML block with no blank line, so markdown leaves its
inside alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from core.records import Answer, Citation, Document, Provenance, cn_number
from core.text import format_amount

# HTML specials and every ASCII character markdown (or Gradio's LaTeX/autolinking) gives a meaning.
_SPECIAL = set("&<>\"'\\`*_{}[]()#+-.!|~$:=^%@/")
_ESCAPES = {c: f"&#{ord(c)};" for c in _SPECIAL}
_BLANK_LINES = re.compile(r"\n\s*\n")

STATUS_LABELS = {
    "answered": "已回答",
    "clarify": "需要确认口径",
    "not_found": "未找到",
    "invalid": "提示",
}

PLACEHOLDER = (
    "<div class='bq-welcome'><b>您好！</b>我可以回答关于这份部门预算公开文件的问题，"
    "每个数字都注明出处（表格、行、列和原文行号）。<br>"
    "可以点下方的示例问题，或直接输入，按回车发送。</div>"
)


def escape_text(text: str) -> str:
    """Text → HTML that shows exactly this text: no tag, markdown or formula is ever rendered."""
    out = "".join(_ESCAPES.get(c, c) for c in text.replace("\r\n", "\n").replace("\r", "\n"))
    return out.replace("\n", "<br>")


def user_message(question: str, limit: int = 600) -> str:
    """What the chat shows for a question the user typed (escaped; a huge paste is shortened)."""
    shown = question if len(question) <= limit else question[:limit] + f"…（共{len(question)}字）"
    return f"<div class='bq-question'>{escape_text(shown)}</div>"


def _one_block(html: str) -> str:
    # A blank line would end the HTML block and let markdown read what follows.
    return _BLANK_LINES.sub("\n", html)


def answer_message(answer: Answer, text: str | None = None, *, final: bool = True) -> str:
    """The assistant's message: answer text, formula and a collapsible sources panel.

    ``text`` is the part of the answer streamed so far; the formula and sources come with the
    last piece (``final``)."""
    body = answer.text if text is None else text
    status = answer.status if answer.status in STATUS_LABELS else "answered"
    parts = [f"<div class='bq-answer bq-{status}'>"]
    if status == "invalid":
        parts.append("<span class='bq-badge'>提示</span> ")
    parts.append(
        f"<div class='bq-text'>{escape_text(body)}{'' if final else '<span class=bq-cursor>▍</span>'}</div>"
    )
    if final:
        if answer.resolved_question and status in ("answered", "clarify"):
            parts.append(f"<div class='bq-resolved'>问题补全为：{escape_text(answer.resolved_question)}</div>")
        if answer.formula:
            parts.append(f"<div class='bq-formula'>计算：<code>{escape_text(answer.formula)}</code></div>")
        if answer.citations:
            parts.append(sources_panel(answer))
    parts.append("</div>")
    return _one_block("".join(parts))


def sources_panel(answer: Answer) -> str:
    values = {u.figure.source: u.figure for u in answer.figures}
    items = "".join(f"<li>{citation_html(c, values.get(c.provenance))}</li>" for c in answer.citations)
    n = len(answer.citations)
    return f"<details class='bq-sources'><summary>来源与依据（{n}条）</summary><ol>{items}</ol></details>"


def citation_html(c: Citation, figure=None) -> str:
    """One source: table + row + column + line (with the figure's value), or section + sentence."""
    p = c.provenance
    if p.table_no is not None or p.table_title:
        row = p.row or (figure.item if figure is not None and figure.item else None)
        fields = [
            f"<span class='bq-where'>表{escape_text(cn_number(p.table_no))}</span> {escape_text(p.table_title or '')}"
        ]
        if row:
            fields.append(f"行：{escape_text(row)}")
        if p.column:
            fields.append(f"列：{escape_text(p.column)}")
        fields.append(f"原文{escape_text(p.place())}")
        html = " · ".join(fields)
        if figure is not None:
            html += f" — <b>{escape_text(format_amount(figure.value, figure.unit))}</b>"
        elif c.text and c.text != p.label():
            html += f"<blockquote>{escape_text(c.text)}</blockquote>"
        return html
    where = f"<span class='bq-where'>正文</span> {escape_text(p.section or '')} · 原文{escape_text(p.place())}"
    if figure is not None:
        where += f" — <b>{escape_text(format_amount(figure.value, figure.unit))}</b>"
    quote = c.text if c.text and c.text != p.label() else (figure.sentence if figure is not None else None)
    if quote:
        where += f"<blockquote>{escape_text(quote)}</blockquote>"
    return where


def error_answer(question: str, message: str) -> Answer:
    """An Answer for a failure the engine raised (so the chat shows it like any other answer)."""
    return Answer(question=question, text=message, status="not_found")


def plain_text(answer: Answer) -> str:
    """The API's answer: the same text ``python -m qa`` prints (answer, 计算, numbered sources)."""
    from qa.serialize import render_text

    return render_text(answer)


def header_html(docs: Sequence[Document]) -> str:
    if not docs:
        return "<div class='bq-header'><h1>部门预算公开问答</h1></div>"
    names = "、".join(f"{d.department} {d.year}年部门{d.kind}" for d in docs)
    return (
        "<div class='bq-header'><h1>部门预算公开问答</h1>"
        f"<p>依据：{escape_text(names)}公开文件。回答中的每个数字都来自公开文件，并注明出处。</p></div>"
    )


def provenance_label(p: Provenance) -> str:
    return escape_text(p.label())


def amount(value: Decimal, unit: str) -> str:
    return escape_text(format_amount(value, unit))
