"""CLI: ``python -m qa "问题"``, ``python -m qa --json "问题"``, ``python -m qa --json < questions.txt``;
``python -m qa check "文本"`` (fact-check every figure claim), ``python -m qa check --json < texts.txt``."""

from __future__ import annotations

import argparse
import json
import sys

from core.errors import BudgetQAError
from core.settings import Settings
from qa.engine import AnswerEngine
from qa.guard import decodable
from qa.serialize import answer_to_dict, render_text


def check_main(argv: list[str]) -> int:
    from qa.check import check
    from qa.serialize import check_to_dict, render_check

    parser = argparse.ArgumentParser(prog="python -m qa check", description="核对一段文字中的数字说法是否与公开文件一致")
    parser.add_argument("text", nargs="?", help="要核对的文字；省略时从标准输入逐行读取（每行一段）")
    parser.add_argument("--json", action="store_true", help="输出 JSON（每段一行）")
    parser.add_argument("--doc", help="文档编号（默认：文字中提到的部门，或第一份）")
    args = parser.parse_args(argv)
    return _each(
        args.text, lambda engine, text: check(text, engine, doc_id=args.doc), check_to_dict, render_check, args.json,
        with_retriever=False,
    )  # fmt: skip


def _each(one: str | None, run, as_dict, as_text, as_json: bool, with_retriever: bool) -> int:
    """Run ``run`` on the one argument, or on each non-empty line of stdin; print JSON lines or text."""
    _utf8_stdio()
    try:
        engine = AnswerEngine.from_settings(Settings(), with_retriever=with_retriever)
        inputs = [one] if one is not None else (line.strip() for line in sys.stdin)
        for raw in inputs:
            item = decodable(raw)  # an argument that was not UTF-8 arrives with lone surrogates
            if one is None and not item.strip():
                continue
            result = run(engine, item)
            print(json.dumps(as_dict(result), ensure_ascii=False) if as_json else as_text(result), flush=True)
    except BudgetQAError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0


def _utf8_stdio() -> None:
    """Output is UTF-8 whatever the locale (a JSON line must decode); input bytes that are not
    UTF-8 become U+FFFD, and the question that holds them gets a polite answer."""
    for stream in (sys.stdin, sys.stdout):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "check":
        return check_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m qa", description="就部门预算公开文件提问（中文）")
    parser.add_argument("question", nargs="?", help="问题；省略且带 --json 时从标准输入逐行读取")
    parser.add_argument("--json", action="store_true", help="输出 JSON（批量时每行一个对象）")
    parser.add_argument("--doc", help="文档编号（默认：问题中提到的部门，或第一份）")
    parser.add_argument("--no-retriever", action="store_true", help="不加载检索模型（只用数字库和原文）")
    args = parser.parse_args(argv)
    if args.question is None and not args.json:
        parser.error('请给出问题，例如：python -m qa "2024年三公经费是多少？"')
    return _each(
        args.question, lambda engine, question: engine.answer(question, doc_id=args.doc), answer_to_dict, render_text,
        args.json, with_retriever=not args.no_retriever,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
