"""The verifier blocks any number that the disclosure does not back."""

from __future__ import annotations

from decimal import Decimal

from qa.calc import Calc, difference, growth
from qa.verify import unverified_numbers

FIGURES = {
    (Decimal("2300000.00"), "元"),
    (Decimal("3660000.00"), "元"),
    (Decimal("101000.00"), "元"),
    (Decimal("12"), "月"),
}
SOURCE = (
    "（5）科学技术支出(类)科学技术普及(款)科普活动(项)2024年预算数为2,300,000元,较2023年减少1,360,000元。"
)


def check(text, calcs=(), question=""):
    return unverified_numbers(
        text, figures=FIGURES, calcs=calcs, question=question, source_text=SOURCE, years=(2024, 2023)
    )


def test_figures_years_and_question_numbers_pass():
    assert check("2024年科普活动为2,300,000.00元，2023年为3,660,000.00元。") == []
    assert check("表中2060702科目为2,300,000.00元。", question="2060702科目是多少") == []


def test_a_planted_wrong_number_is_caught():
    assert check("2024年科普活动为2,300,001.00元。") == ["2,300,001.00"]
    assert check("三公经费为102,000元。") == ["102,000"]
    # a figure's number in another unit is not that figure: 12 (月) is no "12万元"
    assert check("三公经费约为12万元。") == ["12"]
    assert check("完成时间为12个月。") == []


def test_a_shown_calculation_passes_only_if_it_recomputes():
    d = difference(Decimal("2300000.00"), Decimal("3660000.00"), "元", signed=False)
    assert check("减少1,360,000.00元。", [d]) == []
    fake = Calc("2300000.00 - 3660000.00", Decimal("-1360001.00"), "元", 2)
    assert check("减少1,360,001.00元。", [fake]) == ["1,360,001.00"]
    invented = Calc("2300000.00 - 3000000.00", Decimal("-700000.00"), "元", 2)  # 3,000,000 is no figure
    assert check("减少700,000.00元。", [invented]) == ["700,000.00"]
    g = growth(Decimal("2300000.00"), Decimal("3660000.00"))
    assert g.value == Decimal("-37.2") and check("下降37.2%。", [g]) == []


def test_a_step_may_use_the_result_of_a_step_before_it():
    """'a - b = d元；d ÷ 10000 = w万元' (found by fuzzing qa check): the second step's input is the
    first one's result, which recomputes from figures; a step on an unchecked number does not pass."""
    d = difference(Decimal("3660000.00"), Decimal("2300000.00"), "元", signed=False)
    wan = Calc("1360000.00 / 10000", Decimal("136.00"), "万元", 2)
    assert check("约136.00万元。", [d, wan]) == []
    assert check("约136.00万元。", [wan]) == ["136.00"]  # alone, 1,360,000 is no figure
    bogus = Calc("1360001.00 / 10000", Decimal("136.00"), "万元", 2)
    assert check("约136.00万元。", [d, bogus]) == ["136.00"]


def test_quotes_must_be_verbatim():
    quote = "科普活动(项)2024年预算数为2,300,000元,较2023年减少1,360,000元。"
    assert check(f"说明：「{quote}」") == []
    assert check("说明：「科普活动预算为9,999元。」") == ["引文不是原文：科普活动预算为9,999元。"]


def test_engine_blocks_an_answer_with_an_unverified_number(engine):
    from qa.readings import Draft

    doc = engine.store.document("cq-yubei-kexie-2024-budget")
    q, _ = engine._analyse("三公经费是多少", doc)
    planted = Draft("answered", "2024年三公经费为102,000.00元。")
    answer = engine._finish("三公经费是多少", "三公经费是多少", q, None, planted, doc)
    assert answer.status == "not_found" and "102,000" not in answer.text
