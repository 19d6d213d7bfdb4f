"""CLI: ``python -m ingest [PATH ...]`` and ``python -m ingest audit PATH --json``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.errors import BudgetQAError
from core.records import cn_number
from core.settings import Settings
from ingest.pipeline import IngestResult, ingest, parse_one
from ingest.readers.text import ENCODING_NAMES


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "audit":
            return _audit(argv[1:])
        return _ingest(argv)
    except BudgetQAError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2


def _ingest(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="解析、审核、入库并建立检索索引")
    parser.add_argument(
        "paths", nargs="*", type=Path, help="公开文件或文件夹（.txt .xlsx .xls .pdf .html .docx，默认 data/）"
    )
    parser.add_argument("--no-index", action="store_true", help="只建数字库，不建检索索引")
    parser.add_argument("--quiet", action="store_true", help="不显示进度条")
    args = parser.parse_args(argv)
    settings = Settings()
    paths = args.paths or list(settings.data_paths)
    result = ingest(paths, settings, build_index=not args.no_index, progress=not args.quiet)
    print(_summary(result, settings))
    for f in result.failed:
        print(f"未收录：{f.message}", file=sys.stderr)
    if result.failed:
        return 2
    return 1 if any(p.audit.failed for p in result.parsed) else 0


def _summary(result: IngestResult, settings: Settings) -> str:
    lines = []
    for p in result.parsed:
        d = p.document
        # Count 目录 entries, not instances: 表十七 may come once per project.
        data = len({t.no for t in d.tables if t.status == "data"})
        empty = len(
            {t.no for t in d.tables if t.status == "empty"} - {t.no for t in d.tables if t.status == "data"}
        )
        missing = len({t.no for t in d.tables if t.status == "missing"})
        listed = len({t.no for t in d.tables if t.no is not None})
        lines.append(f"《{d.department} {d.year}年{d.kind}》 {d.source_path}（{_format_name(d)}）")
        lines.append(
            f"  表格：目录 {listed} 张；有数据 {data}，无数据（本部门无…）{empty}，目录列出但正文缺失 {missing}"
        )
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
        for c in p.audit.checks:
            if not c.passed and not c.skipped:
                lines.append(f"    ✗ {c.name}：{c.detail}")
        for w in d.warnings:
            lines.append(f"  提示：{w}")
    for f in result.failed:
        lines.append(f"✗ 未收录 {f.path}（详见错误输出）")
    lines.append(f"数字库：{settings.store_path}（收录 {len(result.parsed)} 份，未收录 {len(result.failed)} 份）")
    if result.index_stats is not None:
        lines.append(f"检索索引：{result.index_stats}")
    return "\n".join(lines)


_FORMAT_NAMES = {"text": "文本", "xlsx": "Excel 工作簿", "xls": "旧版 Excel 工作簿", "pdf": "PDF",
                 "html": "网页", "docx": "Word 文档"}  # fmt: skip


def _format_name(doc) -> str:
    """'文本，GBK/GB18030 编码', 'Excel 工作簿', 'PDF'."""
    name = _FORMAT_NAMES.get(doc.format, doc.format)
    if doc.encoding:
        name += f"，{ENCODING_NAMES.get(doc.encoding, doc.encoding)} 编码"
    return name


def _audit(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest audit", description="审核一份公开文件")
    parser.add_argument("path", type=Path)
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")
    args = parser.parse_args(argv)
    parsed = parse_one(args.path)
    report = parsed.audit
    if args.json:
        out = {
            "document": report.document,
            "checks": [
                {
                    "name": c.name,
                    "passed": c.passed,
                    "skipped": c.skipped,
                    "detail": c.detail,
                    "cells": list(c.cells),
                }
                for c in report.checks
            ],
            "passed": report.passed,
            "failed": report.failed,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for c in report.checks:
            mark = "－" if c.skipped else ("✓" if c.passed else "✗")
            print(f"{mark} {c.name}：{c.detail}")
        print(f"通过 {report.passed}，未通过 {report.failed}")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
