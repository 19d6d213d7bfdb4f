"""One run of the many-disclosures benchmark, in a process of its own (``eval.bench`` starts it).

Two steps, each a fresh process so that its peak memory is its own:

* ``ingest``: N synthetic disclosures (``eval.synth``) → the full ingest with the real index
  (parse, audit, figure store, m3e embeddings in Chroma, BM25) into a fresh state directory;
* ``answer``: the answer engine on that state, real retriever loaded, a fixed question mix about
  the generated departments asked once to warm up and once timed.

Each prints one JSON object on stdout. Not a test: numbers are recorded, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.settings import Settings
from eval.synth import SynthDoc, synthesize

DOCS_ASKED = 5  # documents the questions are about, spread over the corpus (the same count at every N)


@dataclass(frozen=True)
class Case:
    kind: str  # figure | computed | narrative | follow-up
    question: str
    history: tuple[str, ...]
    doc_id: str
    expected: Decimal | None  # an amount in 元 the answer must print, when there is one


def cases(doc: SynthDoc) -> list[Case]:
    """The question mix about one generated department, named as people name it."""
    s, full, f = doc.short_name, doc.department, doc.factor

    def case(kind: str, question: str, expected: str | None = None, history: Sequence[str] = ()) -> Case:
        return Case(kind, question, tuple(history), doc.doc_id, Decimal(expected) * f if expected else None)

    return [
        case("figure", f"{s}三公经费是多少？", "101000"),
        case("figure", f"{s}2024年科普活动预算是多少？", "2300000"),
        case("figure", f"{full}的机关运行经费是多少？", "557089.56"),
        case("computed", f"{s}三公经费比上年减少了多少？", "10000"),
        case("computed", f"{s}基本支出占总支出的比例是多少？"),
        case("narrative", f"{s}的主要职能职责有哪些？"),
        case("narrative", f"{s}项目支出减少的主要原因是什么？"),
        case("follow-up", "那去年呢？", "111000", history=[f"{s}三公经费是多少？"]),
    ]


def question_mix(docs: Sequence[SynthDoc]) -> list[Case]:
    """The cases of DOCS_ASKED documents spread evenly over ``docs`` (repeats when fewer)."""
    picked = [docs[i * len(docs) // DOCS_ASKED] for i in range(DOCS_ASKED)]
    return [c for d in picked for c in cases(d)]


def settings_for(work: Path, mode: str, port: int | None) -> Settings:
    update: dict[str, Any] = {"state_dir": work / "state", "chroma_mode": mode}
    if port is not None:
        update["chroma_port"] = port
    return Settings().model_copy(update=update)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def ingest_step(n: int, work: Path, settings: Settings) -> dict[str, Any]:
    from index.embed import get_embedder
    from ingest.pipeline import ingest

    docs = synthesize(n, work / "docs")
    start = time.perf_counter()
    get_embedder(settings.embedding_model).embed_query("预热")
    model_s = time.perf_counter() - start
    start = time.perf_counter()
    result = ingest([d.path for d in docs], settings, progress=False)
    ingest_s = time.perf_counter() - start
    failed_audits = sum(p.audit.failed for p in result.parsed)
    return {
        "docs": n,
        "landed": len(result.parsed),
        "failed_files": len(result.failed),
        "audit_checks_failed": failed_audits,
        "chunks": getattr(result.index_stats, "chunks", 0),
        "model_load_s": round(model_s, 2),
        "ingest_s": round(ingest_s, 1),
        "ingest_rss_mb": peak_rss_mb(),
    }


def answer_step(n: int, work: Path, settings: Settings) -> dict[str, Any]:
    from qa.engine import AnswerEngine

    docs = synthesize(n, work / "docs")  # the same files again: only their names are needed
    mix = question_mix(docs)
    start = time.perf_counter()
    engine = AnswerEngine.from_settings(settings)
    engine.retriever.get()  # warm means the model and the index are loaded
    open_s = time.perf_counter() - start
    for c in mix:  # warm-up: lazy imports, per-document indexes, first-call allocations
        engine.answer(c.question, history=list(c.history))
    times: dict[str, list[float]] = {}
    right = 0
    for c in mix:
        start = time.perf_counter()
        answer = engine.answer(c.question, history=list(c.history))
        times.setdefault(c.kind, []).append((time.perf_counter() - start) * 1000)
        right += _right(answer, c)
    every = sorted(t for ts in times.values() for t in ts)
    return {
        "open_s": round(open_s, 2),
        "questions": len(every),
        "answered_right": right,
        "answer_p50_ms": round(statistics.median(every), 1),
        "answer_p95_ms": round(_percentile(every, 0.95), 1),
        "p50_ms_by_kind": {k: round(statistics.median(v), 1) for k, v in times.items()},
        "answer_rss_mb": peak_rss_mb(),
    }


def _right(answer: object, case: Case) -> bool:
    """Answered, from the document asked about, printing the expected amount when there is one."""
    if getattr(answer, "status", None) != "answered" or getattr(answer, "doc_id", None) != case.doc_id:
        return False
    return case.expected is None or f"{case.expected:,.2f}" in str(getattr(answer, "text", ""))


def _percentile(ordered: Sequence[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.bench_run", description=__doc__.splitlines()[0])
    p.add_argument("step", choices=("ingest", "answer"))
    p.add_argument("--docs", type=int, required=True)
    p.add_argument("--work", type=Path, required=True, help="the run's folder (documents, state)")
    p.add_argument("--mode", choices=("embedded", "server"), default="embedded")
    p.add_argument("--port", type=int, help="the Chroma server's port (server mode)")
    args = p.parse_args(argv)
    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("ANONYMIZED_TELEMETRY", "False")):
        os.environ.setdefault(key, value)
    settings = settings_for(args.work, args.mode, args.port)
    step = ingest_step if args.step == "ingest" else answer_step
    print(json.dumps(step(args.docs, args.work, settings), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
