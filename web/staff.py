"""The staff view (``/staff``, behind Gradio authentication): fact-check a text (核对), each
disclosure's audit with the cells involved (审核), and the public's feedback (反馈) with a CSV
export. Only mounted when staff credentials are set (Settings.staff_user / staff_password).

The checking is ``qa.check``; this module only renders what it returns.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from core.records import AuditReport, CheckResult
from core.settings import Settings
from qa.serialize import VERDICT_WORDS
from web import feedback as feedback_log
from web.render import escape_text

FEEDBACK_COLUMNS = ["timestamp", "liked", "question", "reading", "answer", "status", "doc_id"]
_VERDICT_CLASS = {"supported": "bq-ok", "contradicted": "bq-bad", "mixed": "bq-bad"}


def check_html(result: CheckResult) -> str:
    """A fact-check as HTML: the verdict, then each claim with its reading, figure and sources."""
    css = _VERDICT_CLASS.get(result.verdict, "")
    parts = [
        "<div class='bq-check' id='bq-check-result'>",
        f"<div>结论：<b class='{css}' data-verdict='{result.verdict}'>{VERDICT_WORDS[result.verdict]}</b></div>",
    ]
    if not result.claims:
        parts.append("<div>没有找到带数字的说法（金额、增减、比例或数量），请粘贴含有数字的文字。</div>")
    parts.append("<ol>")
    for c in result.claims:
        css = _VERDICT_CLASS.get(c.verdict, "")
        parts.append(
            f"<li data-verdict='{c.verdict}'><b>“{escape_text(c.text)}”</b> → "
            f"<b class='{css}'>{VERDICT_WORDS[c.verdict]}</b>：{escape_text(c.note)}"
        )
        if c.interpretation is not None:
            parts.append(f"<div>理解为：{escape_text(c.interpretation.describe())}</div>")
        if c.formula:
            parts.append(f"<div>计算：{escape_text(c.formula)}</div>")
        for u in c.sources[:4]:
            parts.append(f"<div>来源：{escape_text(u.figure.source.label())}</div>")
        parts.append("</li>")
    parts.append("</ol></div>")
    return "".join(parts)


def audit_report_html(report: AuditReport | None) -> str:
    """Every audit check of one disclosure: failures first, each with the cells it involves."""
    if report is None:
        return "<div class='bq-audit'>这份文件没有审核记录。</div>"
    failed = [c for c in report.checks if not c.passed and not c.skipped]
    passed = [c for c in report.checks if c.passed and not c.skipped]
    skipped = [c for c in report.checks if c.skipped]
    parts = [
        "<div class='bq-audit' id='bq-staff-audit'>",
        f"<div>通过 {len(passed)} · <b class='{'bq-bad' if failed else 'bq-ok'}'>未通过 {len(failed)}</b> · 不适用 {len(skipped)}</div>",
    ]
    for title, checks in (("未通过（公开文件内部不一致）", failed), ("通过", passed), ("不适用", skipped)):
        if not checks:
            continue
        parts.append(f"<h4>{title}</h4><ul>")
        for c in checks:
            cells = "；".join(c.cells[:6]) + ("…" if len(c.cells) > 6 else "")
            parts.append(
                f"<li><b>{escape_text(c.name)}</b>：{escape_text(c.detail)}"
                + (f"<br><small>涉及：{escape_text(cells)}</small>" if cells else "")
                + "</li>"
            )
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def feedback_rows(path: Path) -> list[list[Any]]:
    """The feedback log (newest first) as table rows; lines that are not JSON are skipped."""
    rows = []
    for record in feedback_log.records(path):  # torn lines from a crash are skipped
        liked = record.get("liked")
        record["liked"] = "👍" if liked is True else "👎" if liked is False else str(liked)
        rows.append([record.get(k, "") or "" for k in FEEDBACK_COLUMNS])
    return rows[::-1]


def feedback_csv(path: Path, out_dir: Path) -> Path:
    """The feedback log as a CSV file (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(FEEDBACK_COLUMNS)
    writer.writerows(feedback_rows(path))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "feedback.csv"
    target.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")
    return target


def build_staff(engine, settings: Settings):
    """The staff Blocks: 核对 · 审核 · 反馈."""
    import gradio as gr

    from qa.check import check

    docs = list(getattr(engine, "documents", []) or [])
    audits = getattr(getattr(engine, "store", None), "audits", {}) or {}
    choices = [(f"{d.department} {d.year}年{d.kind}", d.id) for d in docs]

    def run_check(text: str, doc_id: str | None) -> str:
        if not (text or "").strip():
            raise gr.Error("请粘贴要核对的文字（含金额、增减、比例或数量的句子）。")
        if len(text) > 5000:
            raise gr.Error(f"文字太长了（{len(text)}字），请分段核对，每段不超过5000字。")
        return check_html(check(text, engine, doc_id=doc_id or None))

    with gr.Blocks(title="部门预算公开 · 工作人员") as staff:
        gr.Markdown("## 工作人员：核对 · 审核 · 反馈")
        with gr.Tabs():
            with gr.Tab("核对", id="check"):
                text = gr.Textbox(
                    label="要核对的文字",
                    placeholder="粘贴新闻稿、报告或聊天回答，例如：2024年三公经费预算10.1万元，比上年减少1万元。",
                    lines=5,
                    elem_id="bq-check-text",
                )
                doc = gr.Dropdown([("（按文字中的部门）", ""), *choices], value="", label="公开文件", visible=len(docs) > 1)
                go = gr.Button("核对", variant="primary", elem_id="bq-check-go")
                result = gr.HTML(elem_id="bq-check-out")
                go.click(run_check, [text, doc], result, api_visibility="private")
            with gr.Tab("审核", id="audit"):
                pick = gr.Dropdown(choices, value=docs[0].id if docs else None, label="公开文件")
                audit = gr.HTML(audit_report_html(audits.get(docs[0].id)) if docs else "还没有收录公开文件。")
                pick.change(lambda d: audit_report_html(audits.get(d)), pick, audit, api_visibility="private")
            with gr.Tab("反馈", id="feedback"):
                table = gr.Dataframe(
                    feedback_rows(settings.feedback_path), headers=FEEDBACK_COLUMNS, interactive=False, wrap=True,
                    elem_id="bq-feedback",
                )  # fmt: skip
                with gr.Row():
                    refresh = gr.Button("刷新", size="sm")
                    export = gr.Button("导出 CSV", size="sm", elem_id="bq-feedback-export")
                file = gr.File(label="CSV", interactive=False)
                refresh.click(lambda: feedback_rows(settings.feedback_path), None, table, api_visibility="private")
                export.click(
                    lambda: str(feedback_csv(settings.feedback_path, settings.state_dir / "exports")), None, file,
                    api_visibility="private",
                )  # fmt: skip
    return staff
