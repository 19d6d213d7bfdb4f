"""Property-based (hypothesis): arbitrary text thrown at the engine and at ``qa check``.

No exception escapes, every status and verdict is one of the documented ones, and every
number of every answer — and of every claim's note — verifies against the disclosure,
re-checked here by the eval's own verifier (``eval.score.Verifier``), not the engine's.
Texts are drawn three ways: any Unicode text, budget words glued together with numbers,
years and junk (so the answers carry figures and calculations), and fact-check sentences with
amounts, changes and shares. The CI profile runs a fixed, bounded set (tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eval.dataset import raw_text
from eval.score import Verifier, calcs_of
from qa import verify
from qa.check import check
from tests.conftest import fuzz
from tests.qa.conftest import SEED_ID

STATUSES = {"answered", "clarify", "not_found", "invalid"}
VERDICTS = {"supported", "contradicted", "mixed", "not_in_disclosure", "unclear"}

ITEMS = [
    "三公经费", "公务接待费", "公务用车运行维护费", "因公出国（境）费", "科普活动", "办公费", "行政运行",
    "基本支出", "项目支出", "人员经费", "公用经费", "一般公共预算", "财政拨款收入", "机关服务", "培训费",
    "支出合计", "收入总计", "政府采购", "科协", "渝北区科协", "统计局", "民政局", "绩效目标", "满意度",
]  # fmt: skip
CUES = [
    "是多少", "多少钱", "多少万元", "比去年", "比上年", "增长了", "减少了", "百分之几", "占", "的比例",
    "合计", "一共", "和", "、", "各是多少", "分别是多少", "为什么", "什么意思", "那去年呢", "有哪些",
    "排第几", "最多的是", "预算", "决算", "几辆", "多少人", "？", "，", "的", "里",
]  # fmt: skip
YEARS = ["2021年", "2022年", "2023年", "2024年", "2025年", "今年", "去年", "明年", "前年"]
JUNK = ["😀", "<script>", "</b>", "'; --", "\x00", "\udcff", "\u202e", "\ufffd", "　", "\n", "%", "——"]


def _amount(draw_value: int, cents: int, style: int) -> str:
    value = f"{draw_value:,}" if style % 2 else str(draw_value)
    return value + (f".{cents:02d}" if style % 3 == 0 else "")


numbers = st.builds(
    lambda v, c, s, unit: _amount(v, c, s) + unit,
    st.integers(0, 10**9),
    st.integers(0, 99),
    st.integers(0, 5),
    st.sampled_from(["", "元", "万元", "亿元", "%", "个百分点", "辆", "人", "万"]),
)
pieces = st.one_of(
    st.sampled_from(ITEMS), st.sampled_from(CUES), st.sampled_from(YEARS), st.sampled_from(JUNK), numbers,
    st.text(max_size=4),
)  # fmt: skip
budget_like = st.lists(pieces, min_size=1, max_size=8).map("".join)
questions = st.one_of(st.text(max_size=60), budget_like, budget_like)
claims = st.lists(
    st.builds(
        lambda year, item, verb, amount, change, amount2: f"{year}{item}{verb}{amount}，比上年{change}{amount2}",
        st.sampled_from(YEARS),
        st.sampled_from(ITEMS),
        st.sampled_from(["预算", "为", "是", "约", "共", "安排", "占比"]),
        numbers,
        st.sampled_from(["增加", "减少", "持平", "下降", "增长", "多了"]),
        numbers,
    ),
    min_size=1,
    max_size=3,
).map("。".join)
texts = st.one_of(st.text(max_size=80), claims, claims, budget_like)

_FUZZ = fuzz(150)


@pytest.fixture(scope="module")
def verifiers(engine) -> dict[str, Verifier]:
    return {
        d.id: Verifier(d, engine.store.figures_of(d.id), raw_text(Path(d.source_path)))
        for d in engine.store.documents
    }


def _traceable(value, unit: str, formula: str | None, verifier: Verifier) -> bool:
    """An answered value is a figure of the disclosure (in its unit, or 元 ↔ 万元; either sign,
    as the verifier takes it: a change stated as '下降11.1%' answers -11.1) or the result of a
    shown calculation that recomputes."""
    value = abs(value)
    if any(verify.calc_ok(c, verifier.values) and abs(c.value) == value for c in calcs_of(formula)):
        return True
    figures = {(abs(v), u) for v, u in verifier.values}
    if unit == "元":
        return (value, "元") in figures or (value / 10000, "万元") in figures
    if unit == "万元":
        return (value, "万元") in figures or (value * 10000, "元") in figures
    return any(v == value for v, _ in figures)


def _verified(text: str, question: str, formula: str | None, verifier: Verifier) -> list[str]:
    return verify.unverified_numbers(
        text,
        figures=verifier.values,
        calcs=calcs_of(formula),
        question=question,
        source_text=verifier.text,
        years=(verifier.doc.year, verifier.doc.year - 1),
    )


@_FUZZ
@given(
    question=questions,
    history=st.lists(budget_like, max_size=2),
    doc=st.sampled_from([None, SEED_ID, "gbk-budget-2024", "workbook-budget-2024"]),
)
def test_any_question_gets_an_answer_whose_every_number_verifies(engine, verifiers, question, history, doc):
    answer = engine.answer(question, history=history, doc_id=doc)
    assert answer.status in STATUSES
    answer.text.encode("utf-8")  # strict: nothing undecodable comes back
    answer.question.encode("utf-8")
    assert answer.text.strip()
    if answer.status == "invalid":
        assert not answer.results and not answer.figures  # a refusal template, no figure
        return
    verifier = verifiers[answer.doc_id or SEED_ID]
    assert verifier.unverified(answer) == [], (question, history, answer.text, answer.formula)
    for r in answer.results:
        assert _traceable(r.value, r.unit, answer.formula, verifier), (question, r, answer.formula)


@_FUZZ
@given(text=texts, doc=st.sampled_from([None, SEED_ID]))
def test_any_text_is_checked_and_every_number_of_every_verdict_verifies(engine, verifiers, text, doc):
    result = check(text, engine, doc_id=doc)
    assert result.verdict in VERDICTS
    result.text.encode("utf-8")
    verifier = verifiers[result.doc_id or SEED_ID]
    for claim in result.claims:
        assert claim.verdict in VERDICTS - {"mixed"}
        # what the verdict says: the claim's own numbers, and disclosed or computed figures
        assert _verified(claim.note, result.text, claim.formula, verifier) == [], (text, claim.note)
        if claim.expected is not None:
            e = claim.expected
            assert _traceable(e.value, e.unit, claim.formula, verifier), (text, e, claim.formula)
