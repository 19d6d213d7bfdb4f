"""Follow-ups completed from the question before (qa/context.py); values read from the fixtures."""

from __future__ import annotations

from decimal import Decimal


def test_a_demonstrative_with_words_of_its_own_names_the_previous_project(engine):
    # printed-budget: the previous question is about 食品抽检; '那个抽检项目' is 食品安全监督抽检
    # (表十二 预算金额 880,000.00), not the 科目 2013816 食品安全监管 (1,646,000.00)
    a = engine.answer("那个抽检项目花多少钱", history=["食品抽检一年抽多少批次"], doc_id="printed-budget-2024")
    assert a.results and a.results[0].value == Decimal("880000.00"), (a.resolved_question, a.text)


def test_a_follow_up_about_things_counted_before_does_not_count_them_again(engine):
    # '那几辆车' points at the cars (共有车辆3辆); a plate number is not in the disclosure:
    # the follow-up must not answer '车辆为3辆' again
    a = engine.answer("车牌多少", history=["农委那几辆车是什么牌子"], doc_id="final-accounts-2023")
    assert a.status != "answered" or all(r.unit != "辆" for r in a.results), a.text


def test_a_part_inside_the_item_asked_before(engine):
    # 表十: 公务接待费 21,000 of 三公经费 101,000 → 20.8 %; '这当中' points at the 三公经费 asked before
    a = engine.answer("这当中接待费占几成", history=["科协三公经费预算多少"], doc_id="cq-yubei-kexie-2024-budget")
    assert a.status == "answered" and a.interpretation.operation == "share"
    assert (Decimal("20.8"), "%") in {(r.value, r.unit) for r in a.results}
