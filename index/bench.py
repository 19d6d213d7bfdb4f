"""Speed of the index: ``python -m index.bench [--questions FILE] [--file DISCLOSURE] [--json]``.

Measures, in this order and in one process: embedding-model load; a full ingest of one
disclosure (parse → chunk → embed → Chroma + BM25) into a temporary state directory; opening
the retriever; hybrid retrieval latency over the eval questions, warm (every query is run once
before timing). Targets on a 2-core machine: retrieval p50 ≤ 40 ms, ingest ≤ 15 s, one model load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from core.settings import REPO_ROOT, Settings
from index import embed
from index.build import build_index, open_retriever
from index.metrics import load_questions
from index.retrieve import MODES, HybridRetriever

T = TypeVar("T")
DEFAULT_FILE = REPO_ROOT / "data" / "cq-yubei-kexie-2024-budget.txt"
DEFAULT_QUESTIONS = REPO_ROOT / "eval" / "questions.jsonl"
FALLBACK_QUERIES = ("科普活动2024年预算是多少", "三公经费", "机关运行经费", "2012901", "住房公积金")


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _latencies(retriever: HybridRetriever, queries: Sequence[str], mode: str) -> dict[str, float]:
    for query in queries:  # warm-up pass: caches, lazy imports, first-call allocations
        retriever.retrieve_chunks(query, mode=mode)  # type: ignore[arg-type]
    times = [_timed(lambda q=q: retriever.retrieve_chunks(q, mode=mode))[1] * 1000 for q in queries]  # type: ignore[misc]
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
    }


def run(file: Path, questions: Path | None, settings: Settings) -> dict[str, Any]:
    from ingest.parse import parse_file  # another package's entry point: only when benchmarking

    _, load_s = _timed(lambda: embed.get_embedder(settings.embedding_model).embed_query("预热"))
    with tempfile.TemporaryDirectory(prefix="index-bench-") as tmp:
        temp_settings = settings.model_copy(update={"state_dir": Path(tmp), "chroma_mode": "embedded"})
        doc, parse_s = _timed(lambda: parse_file(file))
        stats, build_s = _timed(lambda: build_index([doc], temp_settings, progress=False))
        retriever, open_s = _timed(lambda: open_retriever(temp_settings))
        queries = (
            [str(q["question"]) for q in load_questions(questions)] if questions else list(FALLBACK_QUERIES)
        )
        latency = {mode: _latencies(retriever, queries, mode) for mode in MODES}
    return {
        "model": settings.embedding_model,
        "model_load_s": round(load_s, 2),
        "model_loads": embed._load.cache_info().misses,
        "ingest": {
            "file": str(file),
            "parse_s": round(parse_s, 2),
            "chunk_embed_store_s": round(build_s, 2),
            "total_s": round(parse_s + build_s, 2),
            "chunks": stats.chunks,
        },
        "open_retriever_s": round(open_s, 2),
        "queries": len(queries),
        "retrieval_warm": latency,
    }


def _print(result: dict[str, Any]) -> None:
    ingest = result["ingest"]
    print(
        f"模型 {result['model']}：加载 {result['model_load_s']} 秒（本进程加载次数 {result['model_loads']}）"
    )
    print(
        f"全量入库 {Path(ingest['file']).name}：{ingest['total_s']} 秒（解析 {ingest['parse_s']} 秒，"
        f"分块+嵌入+写入 {ingest['chunk_embed_store_s']} 秒，{ingest['chunks']} 块）"
    )
    print(f"打开检索器：{result['open_retriever_s']} 秒")
    for mode, lat in result["retrieval_warm"].items():
        print(
            f"检索（{mode}，热，{result['queries']} 个问题）：p50 {lat['p50_ms']} ms，p95 {lat['p95_ms']} ms，最大 {lat['max_ms']} ms"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="disclosure to ingest")
    parser.add_argument(
        "--questions", type=Path, default=DEFAULT_QUESTIONS, help="JSONL with a 'question' field"
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    questions = args.questions if args.questions and args.questions.exists() else None
    result = run(args.file, questions, Settings())
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
