"""The benchmark's synthetic disclosures (eval/synth.py): each lands, passes its audit, names its
own department everywhere and prints the seed's figures × its factor."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from core.settings import Settings
from eval.synth import MAX_DOCS, SEED_DISTRICT, district_name, scale_amount, synthesize, transform

N = 3


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    from ingest.pipeline import ingest

    docs = synthesize(N, tmp_path_factory.mktemp("synth"))
    settings = Settings(state_dir=tmp_path_factory.mktemp("synth-state") / "state")
    result = ingest([d.path for d in docs], settings, build_index=False, progress=False)
    return docs, result, settings


def _key(f):
    return (f.item, f.item_code, f.measure, f.year, f.unit, f.source.table_no, f.source.row, f.source.column, f.source.line)


def test_each_generated_document_lands_and_passes_its_audit(generated) -> None:
    from ingest.report import ingest_summary

    docs, result, settings = generated
    assert not result.failed and [p.document.id for p in result.parsed] == [d.doc_id for d in docs]
    for p in result.parsed:
        assert p.audit.failed == 0 and p.audit.passed > 100
        assert not [c for c in p.audit.checks if c.misread and not c.passed]
    summary = ingest_summary(result, settings)
    assert summary.count("未通过 0") == N and "✗" not in summary


def test_departments_are_distinct_and_named_consistently(generated) -> None:
    docs, result, _ = generated
    departments = [p.document.department for p in result.parsed]
    assert departments == [d.department for d in docs] and len(set(departments)) == N
    for d in docs:
        assert d.department == f"重庆市{d.district}区科学技术协会"
        text = d.path.read_text(encoding="utf-8")
        assert SEED_DISTRICT not in text  # the seed's district nowhere: titles, 文号, narrative
        assert f"2024年{d.district}区部门收支预算总表" in text and f"{d.district}委办发" in text
    assert len({district_name(i) for i in range(MAX_DOCS)}) == MAX_DOCS


def test_amounts_are_the_seeds_times_the_factor_and_nothing_else_changes(seed_parsed, generated) -> None:
    docs, result, _ = generated
    seed = {_key(f): f for f in seed_parsed.figures}
    for d, p in zip(docs, result.parsed, strict=True):
        got = {_key(f): f for f in p.figures}
        assert set(got) == set(seed)  # the same items in the same places
        for key, f in got.items():
            base = seed[key]
            # amounts scale; counts, percentages, weights and the 100万元 equipment size do not
            money = f.unit in ("元", "万元") and f.item != "单位价值"
            assert f.value == (base.value * d.factor if money else base.value), key
    factors = [d.factor for d in docs]
    assert len(set(factors)) == N  # no two departments print the same amounts


def test_totals_stay_sums_and_stated_changes_stay_true(generated) -> None:
    docs, result, _ = generated
    d, p = docs[2], result.parsed[2]
    table = [f for f in p.figures if f.origin == "table" and f.source.table_no == 10]  # 三公 table
    total = next(f.value for f in table if f.source.column == "2024年预算数/合计")
    parts = [f.value for f in table if f.source.column in ("2024年预算数/公务用车购置及运行费/小计", "2024年预算数/公务接待费")]
    assert total == Decimal(101000) * d.factor == sum(parts)
    text = d.path.read_text(encoding="utf-8")
    assert f"“三公”经费预算 {101000 * d.factor:,} 元，较 2023 年减少 {10000 * d.factor:,} 元" in text
    assert "增长7.8%" in text and "占 45.5%" in text  # ratios of scaled amounts are the seed's ratios


def test_the_engine_answers_each_department_by_its_short_name(generated) -> None:
    from qa.engine import AnswerEngine

    docs, _, settings = generated
    engine = AnswerEngine.from_settings(settings, with_retriever=False)
    for d in docs:
        first = f"{d.short_name}三公经费是多少？"
        answer = engine.answer(first)
        assert answer.doc_id == d.doc_id and f"{101000 * d.factor:,}.00" in answer.text
        follow = engine.answer("那去年呢？", history=[first])
        assert follow.doc_id == d.doc_id and f"{111000 * d.factor:,}.00" in follow.text
        bare = engine.answer(f"{d.district}科协的公务接待费是多少？")
        assert bare.doc_id == d.doc_id and f"{21000 * d.factor:,}.00" in bare.text


def test_scaling_keeps_the_printed_form() -> None:
    assert scale_amount("6,059,264.63", 3) == "18,177,793.89"
    assert scale_amount("17,531.2", 3) == "52,593.6"
    assert scale_amount("230", 2) == "460" and scale_amount("6059264.63", 2) == "12118529.26"
    line = "单位价值 100 万元（含）以上设备 0 台（套）；年度科普经费投入230万元"
    assert transform(line, "澄川", 2) == "单位价值 100 万元（含）以上设备 0 台（套）；年度科普经费投入460万元"
    row = "\t科普资金\t20\t万元\t=\t230\t是"
    assert transform(row, "澄川", 2) == "\t科普资金\t20\t万元\t=\t460\t是"  # the value, not the weight
    assert transform("合计\t\t<b>6,059,264.63</b>\t-2%", "澄川", 2) == "合计\t\t<b>12,118,529.26</b>\t-2%"


@pytest.mark.parametrize("bad", [0, MAX_DOCS + 1])
def test_corpus_size_out_of_range_is_refused(tmp_path: Path, bad: int) -> None:
    with pytest.raises(ValueError, match=f"n must be in 1..{MAX_DOCS}. Currently, n is {bad}"):
        synthesize(bad, tmp_path)


@pytest.mark.slow
def test_bench_smoke(tmp_path: Path) -> None:
    """Two documents against a Chroma server the bench starts: every field there, every answer
    right. Timings are recorded by the bench, never asserted."""
    import subprocess
    import sys

    from tests.conftest import REPO

    done = subprocess.run(
        [sys.executable, "-m", "eval", "bench", "--docs", "2", "--server", "--json", "--work", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert {"cpu", "cores", "memory_gb", "load_average_before"} <= set(result["machine"])
    (run,) = result["runs"]
    assert (run["docs"], run["mode"], run["landed"], run["audit_checks_failed"]) == (2, "server", 2, 0)
    for field in ("ingest_s", "index_mb", "answer_p50_ms", "answer_p95_ms", "rss_mb"):
        assert run[field] > 0
    assert run["answered_right"] == run["questions"] == 40
    assert run["vectors_mb"] > 0 and not (tmp_path / "server-2" / "state" / "chroma").exists()
