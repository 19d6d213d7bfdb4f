"""The whole eval, end to end, as CI runs it (`make test`): fresh state, the app's engine with the
real retriever and model, every question, the naive baseline — and the checked-in thresholds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.__main__ import main
from eval.dataset import load_sets


@pytest.mark.slow
def test_full_eval_meets_the_thresholds(tmp_path: Path, capsys) -> None:
    out_dir = tmp_path / "reports"
    rc = main(["--json", "--quiet", "--state-dir", str(tmp_path / "state"), "--out", str(out_dir)])
    summary = json.loads(capsys.readouterr().out)
    gate = summary["thresholds"]
    assert gate["enforced"]
    assert rc == 0, "below threshold: " + "; ".join(gate["failed"])
    assert gate["passed"] and not gate["skipped"], gate  # every gated metric was measured

    assert summary["total"] == len(load_sets())
    for name in ("dev", "blind"):  # each set reported on its own, confident wrong answers counted
        assert summary[name]["total"] > 300 and "confident_wrong" in summary[name]
    for key in (
        "accuracy",
        "by_type",
        "by_tag",
        "refusal_accuracy",
        "unverified_numbers",
        "baseline",
        "latency_ms",
    ):
        assert key in summary
    for leg in ("dense", "keyword", "hybrid"):
        assert set(summary["retrieval"][leg]) == {"hit@1", "hit@3", "mrr"}
    assert {"p50", "p95"} <= set(summary["latency_ms"])
    assert summary["unverified_numbers"] == 0
    base = summary["baseline"]
    assert base["questions"] > 100 and 0 <= base["naive_hit@3"] <= 1
    assert "skipped" in str(base["llm"]) or "accuracy" in base["llm"]
    assert (out_dir / "eval-latest.md").read_text(encoding="utf-8").startswith("# 评测报告")
    assert json.loads((out_dir / "eval-latest.json").read_text(encoding="utf-8"))["total"] == summary["total"]
