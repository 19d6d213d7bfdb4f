"""Run the eval: ingest the corpus into a private state dir, ask every question through the
app's engine, score, measure retrieval and latency, run the naive baseline, gate, report."""

from __future__ import annotations

import contextlib
import importlib
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from core.records import Answer
from core.settings import REPO_ROOT, Settings
from eval import dataset, report
from eval.score import Verifier, confident_wrong, score

REPORTS = REPO_ROOT / "reports"
DEFAULT_STATE = REPORTS / "eval-state"


class Engine(Protocol):
    def answer(self, question: str, history: Sequence[str] = (), doc_id: str | None = None) -> Answer: ...


EngineFactory = Callable[[Settings, bool], Engine]


def app_engine(settings: Settings, with_retriever: bool) -> Engine:
    """The engine exactly as the app builds it (AnswerEngine with the real retriever)."""
    from qa.engine import AnswerEngine

    return AnswerEngine.from_settings(settings, with_retriever=with_retriever)


def load_factory(spec: str) -> EngineFactory:
    """'package.module:callable' → the callable (called with settings and with_retriever)."""
    module, _, attr = spec.partition(":")
    if not module or not attr:
        raise ValueError(f"--engine wants 'module:callable', got {spec!r}")
    return getattr(importlib.import_module(module), attr)


@dataclass
class Options:
    questions: Path | None = None  # one file instead of the dev and blind sets
    sets: tuple[str, ...] = dataset.SETS
    state_dir: Path = DEFAULT_STATE
    out_dir: Path | None = REPORTS  # None: write no report files
    thresholds: Path = report.THRESHOLDS
    subset: int | None = None
    doc: str | None = None
    index: bool = True  # False: figure store only, no retriever, no retrieval metrics, no baseline
    baseline: bool = True
    gate: bool | None = None  # None: enforce on full runs only
    progress: bool = True
    engine: str | None = None  # 'module:callable' instead of the app's engine
    corpus: list[Path] = field(default_factory=dataset.corpus_paths)

    @property
    def partial(self) -> bool:
        return bool(self.subset) or self.doc is not None

    @property
    def enforce(self) -> bool:
        return (not self.partial) if self.gate is None else self.gate


def _log(msg: str, progress: bool) -> None:
    if progress:
        print(msg, file=sys.stderr, flush=True)


def run(options: Options, engine_factory: EngineFactory | None = None) -> dict[str, Any]:
    """Everything ``python -m eval`` measures, as one summary dict (see eval/report.py)."""
    started = time.perf_counter()
    pool = (
        [{**q, "set": "dev"} for q in dataset.load(options.questions)]
        if options.questions is not None
        else dataset.load_sets(options.sets)
    )
    questions = dataset.select(pool, options.subset, options.doc)
    if not questions:
        raise ValueError(f"no questions selected (doc={options.doc!r}, subset={options.subset})")
    settings = Settings(state_dir=options.state_dir)

    from ingest.pipeline import ingest
    from ingest.store import FigureStore

    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 1)
        clock = now

    _log(f"评测：导入 {len(options.corpus)} 份公开文件到 {options.state_dir}", options.progress)
    ingest(options.corpus, settings, build_index=options.index, progress=options.progress)
    lap("ingest")
    factory = engine_factory or (load_factory(options.engine) if options.engine else app_engine)
    engine = factory(settings, options.index)
    lap("engine_load")

    store = FigureStore(settings.store_path)
    raw = {p.stem: dataset.raw_text(p) for p in options.corpus}
    verifiers = {d.id: Verifier(d, store.figures_of(d.id), raw.get(d.id, "")) for d in store.documents}
    records = ask_all(engine, questions, verifiers, options.progress)
    summary: dict[str, Any] = report.summarize(records)
    for name in dict.fromkeys(r["set"] for r in records):
        summary[name] = report.summarize([r for r in records if r["set"] == name])
        across = [r for r in records if r["set"] == name and r["doc"] is None]
        if across:  # questions over several disclosures (issue #13), reported and gated on their own
            summary[name]["across"] = report.summarize(across)
    lap("answers")
    # Retrieval and the baseline are measured on the first dev set, whose table/section sources
    # they were calibrated on; later sets cite lines of the file (or of a reading copy).
    dev = [q for q in questions if q["set"] == "dev" and q.get("file", dataset.QUESTIONS.name) == dataset.QUESTIONS.name]

    retriever = getattr(engine, "retriever", None) if options.index else None
    per_question: dict[str, dict[str, Any]] = {}
    summary["retrieval"] = (
        retrieval(retriever, dev, options.progress, per_question, store)
        if retriever is not None
        else "skipped: no retriever (--no-index)"
    )
    for r in records:
        r["ranks"] = per_question.get(r["id"], {}).get("ranks")
    top3 = {k: v["top3"] for k, v in per_question.items()}
    lap("retrieval")
    if options.index and options.baseline:
        summary["baseline"] = baseline(dev, records, store, retriever, options, settings, top3)
    else:
        summary["baseline"] = "skipped (--no-baseline or --no-index)"
    lap("baseline")

    # the fact-check section: claims about the documents this run has (eval/claims.py)
    if hasattr(engine, "document_named") and options.questions is None:
        from eval import claims as claim_eval

        docs = {d.id for d in store.documents} if options.doc is None else {options.doc}
        checked = claim_eval.run(engine, docs=docs)
        summary["claims"] = {k: v for k, v in checked.items() if k != "failures"}
        summary["claim_failures"] = checked["failures"]
        # every one-figure answer on the dev questions, stated back as a claim, checks supported
        one = [q for q in questions if q["set"] == "dev" and q["type"] in ("figure", "count")]
        trip = claim_eval.round_trip(engine, one)
        summary["claims"]["round_trip"] = {k: v for k, v in trip.items() if k != "failures"}
        summary["claim_failures"] += [{**f, "correct": False, "round_trip": True} for f in trip["failures"]]
    else:
        summary["claims"] = "skipped: the engine has no fact-check (qa.check) or a single questions file was given"
    lap("claims")

    summary["failures"] = [_failure(r) for r in records if not r["correct"]]
    summary["records"] = records
    gate = report.check_thresholds(summary, report.load_thresholds(options.thresholds))
    summary["thresholds"] = {**gate, "enforced": options.enforce, "file": str(options.thresholds)}
    summary["run"] = {
        "questions_file": str(options.questions) if options.questions else "+".join(options.sets),
        "state_dir": str(options.state_dir),
        "subset": options.subset,
        "doc": options.doc,
        "engine": options.engine or ("custom" if engine_factory else "qa.engine.AnswerEngine (as in app.py)"),
        "retriever": retriever is not None,
        "seconds": round(time.perf_counter() - started, 1),
        "seconds_by_phase": timings,
        "finished": datetime.now().isoformat(timespec="seconds"),
    }
    return summary


def ask_all(
    engine: Engine, questions: Sequence[Mapping[str, Any]], verifiers: Mapping[str, Verifier], progress: bool
) -> list[dict[str, Any]]:
    """Answer and score every question; latency is timed warm (after two warm-up answers)."""
    for q in _warmups(questions):
        with contextlib.suppress(Exception):  # the timed run below records any failure
            engine.answer(q["question"], doc_id=q["doc"])
    records = []
    for q in tqdm(questions, desc="问答", unit="题", file=sys.stderr, disable=not progress):
        start = time.perf_counter()
        try:
            answer = engine.answer(q["question"], history=q.get("history", []), doc_id=q["doc"])
        except Exception as exc:
            records.append(
                _record(q, None, (time.perf_counter() - start) * 1000, error=f"{type(exc).__name__}: {exc}")
            )
            continue
        ms = (time.perf_counter() - start) * 1000
        verifier = verifiers.get(q["doc"])
        if q["doc"] is None:
            # across documents: every number must come from the documents the answer says it
            # read (its reading's doc_ids; else the ones the question is about)
            used = list(answer.interpretation.doc_ids) if answer.interpretation else []
            used = [d for d in used if d in verifiers] or [d for d in q.get("docs", []) if d in verifiers]
            verifier = Verifier.merged(verifiers[d] for d in used) if used else None
        unverified = verifier.unverified(answer) if verifier is not None else []
        records.append(_record(q, answer, ms, unverified=unverified))
    return records


def _warmups(questions: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One numeric and one text question: loads lazy state (jieba, the model's first encode)."""
    picks = [
        next((q for q in questions if q["type"] in kinds), None) for kinds in (dataset.NUMERIC, ("text",))
    ]
    return [q for q in picks if q is not None]


def _record(
    q: Mapping[str, Any],
    answer: Answer | None,
    ms: float,
    unverified: list[str] | None = None,
    error: str = "",
) -> dict[str, Any]:
    return {
        "id": q["id"],
        "set": q.get("set", "dev"),
        "doc": q["doc"],
        "type": q["type"],
        "tags": list(q.get("tags", [])),
        "question": q["question"],
        "gold": q["gold"],
        "correct": bool(answer is not None and score(q, answer)),
        "confident_wrong": bool(answer is not None and confident_wrong(q, answer)),
        "status": answer.status if answer is not None else "error",
        "answer": answer.text if answer is not None else error,
        "results": [[str(r.value), r.unit, r.label] for r in answer.results] if answer is not None else [],
        "ms": round(ms, 1),
        "unverified": unverified or [],
    }


def _failure(r: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("id", "set", "doc", "type", "tags", "question", "gold", "status", "results", "confident_wrong")
    return {**{k: r[k] for k in keep}, "answer": r["answer"][:300]}


# --- retrieval -----------------------------------------------------------------------------------


def retrieval(
    retriever: Any,
    questions: Sequence[Mapping[str, Any]],
    progress: bool,
    per_question: dict[str, dict[str, Any]] | None = None,
    store: Any = None,
) -> dict[str, Any]:
    """hit@1 / hit@3 / MRR per leg (index/metrics.py), each question searched within its own
    document as the engine searches it; with the figure ``store``, a chunk printing an
    equivalent figure counts too and ``strict`` reports the metrics without that rule.
    ``per_question`` collects each question's rank per leg (for diffing two runs) and its hybrid
    top-3 texts (the same ranking ``retrieve_chunks`` returns, so the baseline need not search
    again)."""
    from index.metrics import retrieval_metrics

    figures = {d.id: store.figures_of(d.id) for d in store.documents} if store is not None else None
    shown = tqdm(questions, desc="检索", unit="题", file=sys.stderr, disable=not progress)
    collected: dict[str, dict[str, Any]] = {}
    out = retrieval_metrics(retriever, shown, figures, per_question=collected)
    if per_question is not None:
        for qid, got in collected.items():
            per_question[qid] = {"ranks": got["ranks"], "top3": [c.text for c in got["top3"]]}
    out["hybrid_misses@3"] = [m["id"] for m in out.pop("misses")]
    return out


# --- the naive baseline --------------------------------------------------------------------------


def baseline(
    questions: Sequence[Mapping[str, Any]],
    records: Sequence[Mapping[str, Any]],
    store: Any,
    retriever: Any,
    options: Options,
    settings: Settings,
    top3: Mapping[str, list[str]] | None = None,
) -> dict[str, Any]:
    from eval.baseline import run_baseline
    from eval.gold import Store, cell_text, single_cell

    figures = Store.of(store)
    cases = []
    for q in questions:
        cell = single_cell(q)
        text = cell_text(figures, q["doc"], cell) if cell is not None else None
        if text:
            cases.append(
                {
                    "id": q["id"],
                    "question": q["question"],
                    "doc": q["doc"],
                    "figure_text": text,
                    "gold": q["gold"],
                }
            )
    if not cases:
        return {"questions": 0, "note": "no single-cell figure questions selected"}

    def ours(case: Mapping[str, Any]) -> list[str]:
        if top3 and case["id"] in top3:
            return top3[case["id"]]  # the hybrid ranking retrieval() already computed
        chunks = retriever.retrieve_chunks(case["question"], filters={"doc_id": case["doc"]}, top_k=3)
        return [c.text for c, _ in chunks]

    out = run_baseline(
        cases,
        options.corpus,
        settings,
        ours=ours if retriever is not None else None,
        progress=options.progress,
    )
    by_id = {r["id"]: r for r in records}
    out["ours_accuracy"] = round(sum(1 for c in cases if by_id[c["id"]]["correct"]) / len(cases), 4)
    return out
