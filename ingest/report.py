"""What ``python -m ingest`` prints: the summary of a full ingest, of an add or a remove, and the
document list. Text only; the commands themselves are in ``ingest.__main__``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from core.records import Document, cn_number
from core.settings import Settings
from ingest.pipeline import IngestResult, Parsed
from ingest.readers.text import ENCODING_NAMES
from ingest.update import DocumentSummary, UpdateResult, data_tables

_FORMAT_NAMES = {"text": "文本", "xlsx": "Excel 工作簿", "xls": "旧版 Excel 工作簿", "pdf": "PDF",
                 "html": "网页", "docx": "Word 文档"}  # fmt: skip


def format_name(fmt: str, encoding: str | None) -> str:
    """'文本，GBK/GB18030 编码', 'Excel 工作簿', 'PDF'."""
    name = _FORMAT_NAMES.get(fmt, fmt)
    if encoding:
        name += f"，{ENCODING_NAMES.get(encoding, encoding)} 编码"
    return name


def title(doc: Document) -> str:
    return f"《{doc.department} {doc.year}年{doc.kind}》"


def document_lines(p: Parsed) -> list[str]:
    """How one document was read: its tables, figures, audit and warnings."""
    d = p.document
    data = data_tables(d)
    empty = len({t.no for t in d.tables if t.status == "empty"} - {t.no for t in d.tables if t.status == "data"})
    missing = len({t.no for t in d.tables if t.status == "missing"})
    listed = len({t.no for t in d.tables if t.no is not None})
    lines = [
        f"{title(d)} {d.source_path}（{format_name(d.format, d.encoding)}）",
        f"  表格：目录 {listed} 张；有数据 {data}，无数据（本部门无…）{empty}，目录列出但正文缺失 {missing}",
    ]
    for t in d.tables:
        status = {"data": f"{len(t.rows)} 行", "empty": "无数据", "missing": "正文缺失"}[t.status]
        part = f"（之{t.part}）" if t.part > 1 else ""
        lines.append(f"    表{cn_number(t.no) if t.no else '？'}{part} {t.full_title}：{status}")
    lines.append(
        f"  数字：{len(p.figures)} 个（表格 {sum(f.origin == 'table' for f in p.figures)}，正文 "
        f"{sum(f.origin == 'narrative' for f in p.figures)}）"
    )
    skipped = sum(c.skipped for c in p.audit.checks)
    lines.append(f"  审核：通过 {p.audit.passed}，未通过 {p.audit.failed}，不适用 {skipped}")
    lines += [f"    ✗ {c.name}：{c.detail}" for c in p.audit.checks if not c.passed and not c.skipped]
    lines += [f"  提示：{w}" for w in d.warnings]
    return lines


def ingest_summary(result: IngestResult, settings: Settings) -> str:
    """The summary of a full ingest."""
    lines = [line for p in result.parsed for line in document_lines(p)]
    lines += [f"✗ 未收录 {f.path}（详见错误输出）" for f in result.failed]
    lines.append(f"数字库：{settings.store_path}（收录 {len(result.parsed)} 份，未收录 {len(result.failed)} 份）")
    if result.index_stats is not None:
        lines.append(f"检索索引：{result.index_stats}")
    return "\n".join(lines)


def update_summary(result: UpdateResult, settings: Settings) -> str:
    """The summary of ``add`` or ``remove``: what changed, what did not and why, what is held now."""
    lines: list[str] = []
    for verb, group in (("新增", result.added), ("替换", result.replaced)):
        for p in group:
            lines.append(f"{verb} {p.document.id}：")
            lines += ["  " + line for line in document_lines(p)]
    for u in result.unchanged:
        lines.append(f"未改变 {u.path}：内容与已收录的 {u.doc_id} 相同（sha256 一致），未重复收录")
    for d in result.removed:
        lines.append(f"已删除 {d.id}：{title(d)} {d.source_path}（其数字与审核结果）")
    lines += [f"✗ 未收录 {f.path}（详见错误输出）" for f in result.failed]
    counts = (
        f"新增 {len(result.added)} 份，替换 {len(result.replaced)} 份，未改变 {len(result.unchanged)} 份，"
        f"未收录 {len(result.failed)} 份"
        if not result.removed
        else f"删除 {len(result.removed)} 份"
    )
    held = "、".join(result.documents) or "无"
    lines.append(f"数字库：{settings.store_path}（{counts}；现有 {len(result.documents)} 份：{held}）")
    if not result.changed:
        lines.append("没有变化：数字库和检索索引保持原样。")
    elif result.index_stats is not None:
        lines.append(f"检索索引：{result.index_stats}")
    elif result.removed:
        lines.append("检索索引：状态目录中没有检索索引，无需更新")
    else:
        lines.append("检索索引：未更新（--no-index）")
    return "\n".join(lines)


def document_list(docs: Sequence[DocumentSummary]) -> str:
    """One line per document: id, department, year, kind, format, tables, figures, audit."""
    if not docs:
        return "数字库中没有文档。用 `python -m ingest add 文件` 收录。"
    return "\n".join(
        f"{d.id}\t{d.department}\t{d.year}年\t{d.kind}\t{format_name(d.format, d.encoding)}\t"
        f"表格 {d.tables} 张\t数字 {d.figures} 个\t{_audit_word(d)}"
        for d in docs
    )


def _audit_word(d: DocumentSummary) -> str:
    if d.audit_failed:
        return f"审核未通过 {d.audit_failed} 项（通过 {d.audit_passed} 项）"
    return f"审核通过（{d.audit_passed} 项）"


def document_list_json(docs: Sequence[DocumentSummary]) -> list[dict[str, object]]:
    """``list --json``: the summary's fields, plus ``audit``: "passed" | "failed"."""
    return [{**asdict(d), "audit": "failed" if d.audit_failed else "passed"} for d in docs]
