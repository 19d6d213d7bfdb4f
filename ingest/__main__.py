"""CLI: ``python -m ingest [PATH ...]`` (the whole corpus), ``add PATH ...``, ``remove DOC_ID``,
``list [--json]`` and ``audit PATH [--json]``. Project errors become one Chinese line and exit 2."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.errors import BudgetQAError
from core.settings import Settings
from ingest.pipeline import Failed, ingest, parse_one
from ingest.report import document_list, document_list_json, ingest_summary, update_summary
from ingest.update import add, list_documents, remove

_PATHS_HELP = "公开文件或文件夹（.txt .xlsx .xls .pdf .html .docx）"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"audit": _audit, "add": _add, "remove": _remove, "list": _list}
    try:
        if argv and argv[0] in commands:
            return commands[argv[0]](argv[1:])
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
    print(ingest_summary(result, settings))
    return _exit_code(result.failed, result.parsed)


def _add(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest add",
        description="把文件加入现有数据（同名文档替换，内容未变则不动）；没有数据时新建",
    )
    parser.add_argument("paths", nargs="+", type=Path, help=_PATHS_HELP)
    parser.add_argument("--no-index", action="store_true", help="只改数字库，不改检索索引")
    parser.add_argument("--quiet", action="store_true", help="不显示进度条")
    args = parser.parse_args(argv)
    settings = Settings()
    result = add(args.paths, settings, build_index=not args.no_index, progress=not args.quiet)
    print(update_summary(result, settings))
    if result.failed and not result.changed:
        print("原有数据保持不变。", file=sys.stderr)
    return _exit_code(result.failed, result.added + result.replaced)


def _remove(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest remove", description="从数字库和检索索引中删除一份文档"
    )
    parser.add_argument("doc_id", help="文档编号（文件名去掉扩展名；见 python -m ingest list）")
    parser.add_argument("--quiet", action="store_true", help="不显示进度条")
    args = parser.parse_args(argv)
    settings = Settings()
    print(update_summary(remove(args.doc_id, settings, progress=not args.quiet), settings))
    return 0


def _list(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest list", description="列出已收录的文档")
    parser.add_argument("--json", action="store_true", help="以 JSON 列表输出")
    args = parser.parse_args(argv)
    docs = list_documents(Settings())
    if args.json:
        print(json.dumps(document_list_json(docs), ensure_ascii=False, indent=2))
    else:
        print(document_list(docs))
    return 0


def _exit_code(failed: tuple[Failed, ...], landed: tuple) -> int:
    """2: a file did not land (named on stderr); 1: a landed document failed an audit check."""
    for f in failed:
        print(f"未收录：{f.message}", file=sys.stderr)
    if failed:
        return 2
    return 1 if any(p.audit.failed for p in landed) else 0


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
