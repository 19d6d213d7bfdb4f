"""Load (issue #14), bounded for CI: the real app (tests/web/live.py) under 20 concurrent clients ×
10 questions through gradio_client — no error, every answer the single-user answer — and its
memory over a few hundred more questions. ``python -m web.loadtest`` runs the full benchmark
(1,000 questions) whose figures the README gives."""

from __future__ import annotations

import pytest

from web.loadtest import QUESTIONS, percentile, run_load, soak


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 95) == 95.0 and percentile([], 50) == 0.0
    assert percentile([3.0, 1.0, 2.0], 100) == 3.0


def test_the_mix_has_figures_refusals_and_bad_input():
    assert len(set(QUESTIONS)) == len(QUESTIONS) >= 15
    assert "" in QUESTIONS and any("指令" in q for q in QUESTIONS) and any("原因" in q for q in QUESTIONS)


@pytest.mark.slow
def test_twenty_clients_ten_questions_each(live_app):
    result = run_load(live_app.url, clients=20, per_client=10, timeout_s=300)
    assert result.errors == [] and result.mismatches == []
    assert result.asked == 200 and result.seconds < 300
    assert 0 < result.p50_ms <= result.p95_ms <= result.max_ms


@pytest.mark.slow
def test_memory_stays_flat_over_hundreds_of_questions(live_app):
    result = soak(live_app.url, live_app.proc.pid, total=300, clients=4, every=100, timeout_s=300)
    assert result.errors == 0 and result.asked == 300
    assert len(result.rss_mb) == 4 and result.growth_mb < 50, result.rss_mb
