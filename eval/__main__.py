"""`python -m eval` — score the answer engine on eval/questions.jsonl (see eval/__init__.py).

Exit status: 0 when every metric meets eval/thresholds.toml (or the gate is not enforced),
1 when one is below (the failed metrics are printed), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from eval import dataset, report
from eval.run import DEFAULT_STATE, REPORTS, EngineFactory, Options, run


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m eval", description="评测问答引擎 · evaluate the answer engine"
    )
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object on stdout")
    p.add_argument("--subset", type=int, metavar="N", help="a quick run on N questions spread over the set")
    p.add_argument("--doc", metavar="DOC_ID", help="only the questions about this disclosure (file stem)")
    p.add_argument(
        "--questions", type=Path, default=None, help="one question file instead of the dev and blind sets"
    )
    p.add_argument(
        "--set",
        dest="sets",
        action="append",
        choices=("dev", "blind"),
        help="only this set (repeatable; default: dev and blind)",
    )
    p.add_argument(
        "--state-dir",
        type=Path,
        default=DEFAULT_STATE,
        help="private state dir for the eval's ingest (default: reports/eval-state)",
    )
    p.add_argument(
        "--out", type=Path, default=REPORTS, help="where the markdown and JSON reports go (default: reports/)"
    )
    p.add_argument("--no-report", action="store_true", help="write no report files")
    p.add_argument(
        "--thresholds", type=Path, default=report.THRESHOLDS, help="the gate (default: eval/thresholds.toml)"
    )
    gate = p.add_mutually_exclusive_group()
    gate.add_argument(
        "--gate",
        dest="gate",
        action="store_true",
        default=None,
        help="enforce the thresholds on a subset/doc run too",
    )
    gate.add_argument("--no-gate", dest="gate", action="store_false", help="report only, never fail")
    p.add_argument(
        "--no-index",
        action="store_true",
        help="figure store only: no retriever, retrieval metrics or baseline (fast)",
    )
    p.add_argument("--no-baseline", action="store_true", help="skip the naive llama-index baseline")
    p.add_argument(
        "--engine",
        metavar="MODULE:CALLABLE",
        help="build the engine with this factory(settings, with_retriever) instead of the app's",
    )
    p.add_argument(
        "--synthetic",
        type=int,
        default=0,
        metavar="N",
        help="add N generated disclosures (eval/synth.py) to the corpus: the questions must still pass among them",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def _synthetic(n: int, state_dir: Path) -> list[Path]:
    """N generated disclosures beside the corpus (written next to the eval's state)."""
    if n <= 0:
        return []
    from eval.synth import synthesize

    return [d.path for d in synthesize(n, state_dir.parent / f"{state_dir.name}-synthetic")]


def main(argv: list[str] | None = None, engine_factory: EngineFactory | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # `python -m eval bench …`: the many-disclosures benchmark
        from eval.bench import main as bench

        return bench(argv[1:])
    args = parser().parse_args(argv)
    for key, value in (
        ("HF_HUB_OFFLINE", "1"),
        ("TRANSFORMERS_OFFLINE", "1"),
        ("ANONYMIZED_TELEMETRY", "False"),
    ):
        os.environ.setdefault(key, value)
    options = Options(
        questions=args.questions,
        sets=tuple(args.sets) if args.sets else Options.sets,
        state_dir=args.state_dir,
        out_dir=None if args.no_report else args.out,
        thresholds=args.thresholds,
        subset=args.subset,
        doc=args.doc,
        index=not args.no_index,
        baseline=not args.no_baseline,
        gate=args.gate,
        progress=not args.quiet,
        engine=args.engine,
        corpus=dataset.corpus_paths() + _synthetic(args.synthetic, args.state_dir),
    )
    try:
        summary = run(options, engine_factory)
    except ValueError as exc:  # nothing to ask, or a bad --engine spec
        print(f"python -m eval: {exc}", file=sys.stderr)
        return 2
    if options.out_dir is not None:
        md, js = report.write_reports(summary, options.out_dir, datetime.now().strftime("%Y%m%d-%H%M%S"))
        summary["run"]["reports"] = [str(md), str(js)]
    gate = summary["thresholds"]
    if args.json:
        slim = {k: v for k, v in summary.items() if k != "records"}
        print(json.dumps(slim, ensure_ascii=False))
    else:
        print(_console(summary))
    if gate["enforced"] and not gate["passed"]:
        print("评测未达标 · below threshold: " + "; ".join(gate["failed"]), file=sys.stderr)
        return 1
    return 0


def _console(summary: dict) -> str:
    pct = report._pct
    lines = [
        f"问题 {summary['total']}，答对 {summary['correct']}：accuracy {pct(summary['accuracy'])}",
        *[
            f"  {name}: {pct(summary[name]['accuracy'])} ({summary[name]['correct']}/{summary[name]['total']}) · "
            f"confident wrong {summary[name]['confident_wrong']} · overview {pct(summary[name]['by_type'].get('overview'))}"
            for name in ("dev", "blind")
            if name in summary
        ],
        f"  numeric {pct(summary['numeric_accuracy'])} · refusal {pct(summary['refusal_accuracy'])} · "
        f"text {pct(summary['text_accuracy'])} · clarify {pct(summary['clarify_accuracy'])}",
        "  by type: " + ", ".join(f"{k} {pct(v)}" for k, v in summary["by_type"].items()),
        "  by tag: " + ", ".join(f"{k} {pct(v)}" for k, v in summary["by_tag"].items()),
        f"  unverified numbers: {summary['unverified_numbers']} · engine errors: {summary['errors']}",
        f"  latency ms (warm): p50 {summary['latency_ms']['p50']} · p95 {summary['latency_ms']['p95']}",
    ]
    claims = summary.get("claims")
    if isinstance(claims, dict):
        for name, c in claims.items():
            if name == "round_trip":
                lines.append(f"  answer round trip: {pct(c['supported'])} of {c['total']} one-figure answers check supported")
                continue
            lines.append(
                f"  fact-check {name}: {pct(c['accuracy'])} of texts ({c['correct']}/{c['total']}) · claims "
                f"{pct(c['claim_accuracy'])} · confident wrong {c['confident_wrong']}"
            )
    ret = summary["retrieval"]
    if isinstance(ret, dict):
        for leg in ("dense", "keyword", "hybrid"):
            m, strict = ret[leg], ret.get("strict", {}).get(leg)
            lines.append(
                f"  retrieval {leg:7s}: hit@1 {pct(m['hit@1'])} · hit@3 {pct(m['hit@3'])} · MRR {m['mrr']:.3f}"
                + (f"  (gold place only: hit@3 {pct(strict['hit@3'])})" if strict else "")
            )
    else:
        lines.append(f"  retrieval: {ret}")
    base = summary["baseline"]
    if isinstance(base, dict) and "naive_hit@3" in base:
        lines.append(
            f"  baseline ({base['questions']} single-cell questions): naive top-3 has the figure {pct(base['naive_hit@3'])} · "
            f"our hybrid top-3 {pct(base.get('ours_hit@3'))} · our exact answers {pct(base.get('ours_accuracy'))}"
        )
        lines.append(f"  naive LLM answers: {base['llm']}")
    else:
        lines.append(f"  baseline: {base}")
    gate = summary["thresholds"]
    state = ("PASSED" if gate["passed"] else "FAILED") if gate["enforced"] else "not enforced"
    lines.append(f"thresholds ({gate['checked']} checked): {state}")
    lines += [f"  below threshold: {f}" for f in gate["failed"]]
    if summary["run"].get("reports"):
        lines.append("reports: " + ", ".join(summary["run"]["reports"]))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
