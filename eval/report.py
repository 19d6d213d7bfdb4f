"""Summaries, the threshold gate and the markdown/JSON reports."""

from __future__ import annotations

import json
import statistics
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.dataset import NUMERIC, TAGS, TYPES

THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"


def ratio(correct: int, n: int) -> float | None:
    return round(correct / n, 4) if n else None


def accuracy_table(
    records: Sequence[Mapping[str, Any]], key: str, names: Sequence[str] | None = None
) -> tuple[dict, dict]:
    """({name: accuracy}, {name: [correct, n]}) grouped by a record field (a list field fans out)."""
    counts: dict[str, list[int]] = {}
    for r in records:
        values = r[key] if isinstance(r[key], list) else [r[key]]
        for v in values:
            c = counts.setdefault(v, [0, 0])
            c[0] += int(r["correct"])
            c[1] += 1
    order = [n for n in (names or sorted(counts)) if n in counts]
    return {n: ratio(*counts[n]) for n in order}, {n: counts[n] for n in order}


def percentile(values: Sequence[float], p: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1], 1)


def summarize(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Accuracy overall, per answer type, per tag and per document, from per-question records."""
    by_type, type_counts = accuracy_table(records, "type", TYPES)
    by_tag, tag_counts = accuracy_table(records, "tags", TAGS)
    # a question over the corpus (doc null) is counted under '(跨文件)'
    by_doc, doc_counts = accuracy_table([{**r, "doc": r["doc"] or "(跨文件)"} for r in records], "doc")
    numeric = [r for r in records if r["type"] in NUMERIC]
    latencies = [r["ms"] for r in records if r.get("ms") is not None]
    return {
        "total": len(records),
        "correct": sum(int(r["correct"]) for r in records),
        "accuracy": ratio(sum(int(r["correct"]) for r in records), len(records)),
        "numeric_accuracy": ratio(sum(int(r["correct"]) for r in numeric), len(numeric)),
        "refusal_accuracy": by_type.get("refusal"),
        "text_accuracy": by_type.get("text"),
        "clarify_accuracy": by_type.get("clarify"),
        "by_type": by_type,
        "by_tag": by_tag,
        "by_doc": by_doc,
        "counts": {"by_type": type_counts, "by_tag": tag_counts, "by_doc": doc_counts},
        "unverified_numbers": sum(len(r.get("unverified", [])) for r in records),
        "confident_wrong": sum(1 for r in records if r.get("confident_wrong")),
        "confident_wrong_ids": [r["id"] for r in records if r.get("confident_wrong")],
        "errors": sum(1 for r in records if r.get("status") == "error"),
        "latency_ms": {
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "max": round(max(latencies), 1) if latencies else None,
            "answers": len(latencies),
        },
    }


# --- the gate ------------------------------------------------------------------------------------


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, dict[str, float]]:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    return {"min": dict(data.get("min", {})), "max": dict(data.get("max", {}))}


def lookup(summary: Mapping[str, Any], dotted: str) -> Any:
    node: Any = summary
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def check_thresholds(
    summary: Mapping[str, Any], thresholds: Mapping[str, Mapping[str, float]]
) -> dict[str, Any]:
    """{"passed", "failed": ["by_type.figure 0.8123 < 0.9", …], "skipped": [metrics not measured]}."""
    failed, skipped, checked = [], [], 0
    eps = 1e-9
    for kind, bounds in (("min", thresholds.get("min", {})), ("max", thresholds.get("max", {}))):
        for name, bound in bounds.items():
            value = lookup(summary, name)
            if not isinstance(value, int | float) or isinstance(value, bool):
                skipped.append(name)
                continue
            checked += 1
            if kind == "min" and value < bound - eps:
                failed.append(f"{name} {value} < {bound} (minimum)")
            if kind == "max" and value > bound + eps:
                failed.append(f"{name} {value} > {bound} (maximum)")
    return {"passed": not failed, "checked": checked, "failed": failed, "skipped": skipped}


# --- writing -------------------------------------------------------------------------------------


def _strict(ret: Mapping[str, Any], leg: str) -> list[str]:
    m = ret.get("strict", {}).get(leg)
    return [_pct(m["hit@1"]), _pct(m["hit@3"]), f"{m['mrr']:.3f}"] if m else ["–", "–", "–"]


def _pct(v: Any) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def markdown(summary: Mapping[str, Any]) -> str:
    run = summary.get("run", {})
    c = summary["counts"]
    lines = [
        "# 评测报告 · eval report",
        "",
        f"- questions: {summary['total']} ({run.get('questions_file', '')}); subset: {run.get('subset') or 'all'}; "
        f"doc: {run.get('doc') or 'all'}",
        f"- engine: {run.get('engine', '')}; state dir: `{run.get('state_dir', '')}`",
        f"- run took {run.get('seconds', '?')} s ({', '.join(f'{k} {v} s' for k, v in run.get('seconds_by_phase', {}).items())})",
        "",
        "## Answers",
        "",
        "| metric | value |",
        "|---|---|",
        f"| accuracy (all types) | {_pct(summary['accuracy'])} ({summary['correct']}/{summary['total']}) |",
        f"| exact numeric accuracy (figure/computed/count) | {_pct(summary['numeric_accuracy'])} |",
        f"| refusal accuracy | {_pct(summary['refusal_accuracy'])} |",
        f"| text accuracy | {_pct(summary['text_accuracy'])} |",
        f"| clarify accuracy | {_pct(summary['clarify_accuracy'])} |",
        f"| unverified numbers in answers | {summary['unverified_numbers']} |",
        f"| engine errors | {summary['errors']} |",
        f"| latency p50 / p95 / max (ms, warm) | {summary['latency_ms']['p50']} / {summary['latency_ms']['p95']} / {summary['latency_ms']['max']} |",
        "",
        "| by type | accuracy | n |",
        "|---|---|---|",
        *[f"| {k} | {_pct(v)} | {c['by_type'][k][1]} |" for k, v in summary["by_type"].items()],
        "",
        "| by tag | accuracy | n |",
        "|---|---|---|",
        *[f"| {k} | {_pct(v)} | {c['by_tag'][k][1]} |" for k, v in summary["by_tag"].items()],
        "",
        "| by document | accuracy | n |",
        "|---|---|---|",
        *[f"| {k} | {_pct(v)} | {c['by_doc'][k][1]} |" for k, v in summary["by_doc"].items()],
        "",
        "## Retrieval (gold passage in the ranking)",
        "",
    ]
    ret = summary.get("retrieval")
    if isinstance(ret, Mapping) and "hybrid" in ret:
        lines += [
            f"{ret['questions']} questions with a gold passage ({ret['skipped']} without one skipped).",
            "",
            "A hit is the gold place, or a chunk printing the same figure for the same item "
            "elsewhere (index/metrics.py); the strict columns count the gold place only.",
            "",
            "| leg | hit@1 | hit@3 | MRR | strict hit@1 | strict hit@3 | strict MRR |",
            "|---|---|---|---|---|---|---|",
            *[
                f"| {leg} | {_pct(ret[leg]['hit@1'])} | {_pct(ret[leg]['hit@3'])} | {ret[leg]['mrr']:.3f} | "
                + " | ".join(_strict(ret, leg))
                + " |"
                for leg in ("dense", "keyword", "hybrid")
            ],
        ]
    else:
        lines.append(f"Not measured: {ret}.")
    lines += ["", "## Naive llama-index baseline vs. this engine", ""]
    base = summary.get("baseline")
    if isinstance(base, Mapping) and "naive_hit@3" in base:
        lines += [
            f"{base['questions']} figure/computed/count questions whose gold is one table cell. "
            f"Naive pipeline: {base['pipeline']}; {base['chunks']} chunks, built in {base['build_seconds']} s.",
            "",
            "| on the same questions | score |",
            "|---|---|",
            f"| naive: gold figure text in top-3 chunks | {_pct(base['naive_hit@3'])} |",
            f"| ours: gold figure text in hybrid top-3 chunks | {_pct(base.get('ours_hit@3'))} |",
            f"| ours: engine answer exactly right | {_pct(base.get('ours_accuracy'))} |",
            "",
            f"LLM answers of the naive pipeline: {base['llm']}",
        ]
    else:
        lines.append(f"Not run: {base}.")
    lines += ["", "## Fact-check (qa check on eval/claims)", ""]
    claims = summary.get("claims")
    if isinstance(claims, Mapping):
        lines += ["| part | texts right | claims right | confident wrong | by gold verdict |", "|---|---|---|---|---|"]
        for name, c in claims.items():
            if name == "round_trip":
                continue
            by = ", ".join(f"{k} {_pct(v)}" for k, v in c["by_verdict"].items())
            lines.append(
                f"| {name} | {_pct(c['accuracy'])} ({c['correct']}/{c['total']}) | {_pct(c['claim_accuracy'])} "
                f"({c['claims']}) | {c['confident_wrong']} {c['confident_wrong_ids']} | {by} |"
            )
        trip = claims.get("round_trip")
        if trip:
            lines += ["", f"Answer round trip: {trip['total']} one-figure answers stated back as claims, "
                      f"{_pct(trip['supported'])} check supported."]  # fmt: skip
        wrong = [f for f in summary.get("claim_failures", []) if not f["correct"] and not f.get("round_trip")]
        if wrong:
            lines += ["", "| id | text | gold | ours | claims |", "|---|---|---|---|---|"]
            for f in wrong:
                got = "; ".join(f"{c['verdict']} {c['value']}{c['unit']} ({c['note'][:40]})" for c in f["claims"])
                lines.append(f"| {f['id']} | {f['text']} | {f['gold']} | {f['verdict']} | {got.replace('|', '/')} |")
    else:
        lines.append(f"Not run: {claims}.")
    gate = summary.get("thresholds", {})
    lines += ["", "## Thresholds", ""]
    if gate.get("enforced"):
        lines.append("PASSED" if gate.get("passed") else "FAILED")
    else:
        lines.append("Not enforced on this run (subset/doc run; pass --gate to enforce).")
    lines += [f"- failed: {f}" for f in gate.get("failed", [])]
    if gate.get("skipped"):
        lines.append(f"- not measured in this run: {', '.join(gate['skipped'])}")
    fails = summary.get("failures", [])
    lines += ["", f"## Wrong answers ({len(fails)})", ""]
    if fails:
        lines += ["| id | type | question | gold | status | answered |", "|---|---|---|---|---|---|"]
        for f in fails:
            answered = f["answer"].replace("|", "\\|").replace("\n", " ")[:120]
            results = ", ".join(f"{v}{u}" for v, u, _ in f["results"])
            lines.append(
                f"| {f['id']} | {f['type']} | {f['question']} | {_gold_text(f['gold'])} | {f['status']} | "
                f"{results + ' · ' if results else ''}{answered} |"
            )
    unverified = [r for r in summary.get("records", []) if r.get("unverified")]
    if unverified:
        lines += ["", "## Unverified numbers", ""]
        lines += [f"- {r['id']}: {r['unverified']} in «{r['answer'][:120]}»" for r in unverified]
    return "\n".join(lines) + "\n"


def _gold_text(gold: Mapping[str, Any]) -> str:
    if "value" in gold:
        return f"{gold['value']}{gold['unit']}"
    if "values" in gold:
        return " / ".join(f"{v['value']}{v['unit']}" for v in gold["values"])
    if "contains" in gold:
        return "含 " + "、".join(gold["contains"])
    return "拒答 (not_found)"


def write_reports(summary: Mapping[str, Any], out_dir: Path, stamp: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js = out_dir / f"eval-{stamp}.md", out_dir / f"eval-{stamp}.json"
    md.write_text(markdown(summary), encoding="utf-8")
    js.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    for src, name in ((md, "eval-latest.md"), (js, "eval-latest.json")):
        (out_dir / name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    return md, js
