"""Answers from the disclosure's own words (qa/narrative.py). Values read from the fixtures."""

from __future__ import annotations

from decimal import Decimal


def values(a):
    return {(r.value, r.unit) for r in a.results}


def test_a_section_named_by_its_heading_in_short_words(engine):
    # pdftext-final-2023 line 35: 一、收入支出决算总体情况说明; line 36: 收、支总计均为24,249,185.25元,
    # 本年收入合计22,964,585.25元 … 年末结转和结余352,180.40元 ('收支' shortens 收入支出)
    a = engine.answer("梧桐区卫健委2023年决算收支总体是个什么情况", doc_id="pdftext-final-2023")
    assert a.status == "answered" and "收入支出决算总体情况说明" in a.text, a.text
    assert {(Decimal("24249185.25"), "元"), (Decimal("22964585.25"), "元"), (Decimal("352180.40"), "元")} <= values(a)


def test_an_overview_answered_by_a_paragraph_states_its_figures(engine):
    # webpage-budget-2024 二、收支预算总体情况: 收入预算6,652,805.60元 … 其他收入85,000元
    a = engine.answer("清浦区图书馆今年的钱从哪来，又是怎么花的", doc_id="webpage-budget-2024")
    assert {(Decimal("6652805.60"), "元"), (Decimal("85000"), "元")} <= values(a), a.text


def test_a_paragraph_found_for_a_named_item_adds_no_figures_of_others(engine):
    # '工资这块怎么构成的' names 工资: a paragraph found by its words is quoted, its other figures
    # (基本支出, 公用经费) are not given as the answer
    from tests.qa.conftest import SEED_ID

    a = engine.answer("科协工资这块怎么构成的", doc_id=SEED_ID)
    assert (Decimal("557089.56"), "元") not in values(a), a.text


def test_why_a_named_item_changed_states_the_figures_of_its_own_sentence(engine):
    # printed-budget-2024 四、“三公”经费预算情况: 2024年“三公”经费预算208,000.00元，比2023年预算
    # 478,000.00元减少270,000.00元，下降56.5%，主要原因是…未安排车辆购置
    a = engine.answer("市场监管局今年三公经费为啥降了一大半", doc_id="printed-budget-2024")
    magnitudes = {(abs(v), u) for v, u in values(a)}  # 下降56.5%: a rate of -56.5 % or a fall of 56.5 %
    assert {(Decimal("208000.00"), "元"), (Decimal("270000.00"), "元"), (Decimal("56.5"), "%")} <= magnitudes, a.text
    assert "下降56.5%" in a.text and "未安排车辆购置" in a.text


def test_asked_where_a_passage_that_names_no_place_does_not_answer(engine):
    from tests.qa.conftest import SEED_ID

    # the seed says how many 科普基地 (1 in the overall target, 5 in 科普经费's indicators), not where
    a = engine.answer("科普基地准备放在哪些地方", doc_id=SEED_ID)
    assert a.status != "answered"
    # a question that asks no place is unaffected
    b = engine.answer("科协的联系电话是多少", doc_id=SEED_ID)
    assert b.status == "answered" and "023-67822496" in b.text


def test_a_loose_word_after_a_sentences_subject_says_which_of_its_figures(engine):
    # kexie-final line 47: 院士专家工作站运行经费项目…自评得分92分 ('绩效自评' only loosely names
    # the sentence on 项目开展了绩效自评; after the exact subject it says which figure is asked)
    a = engine.answer("院士专家工作站运行经费项目的绩效自评打了多少分", doc_id="kexie-final-2023")
    assert a.status == "answered" and (Decimal("92"), "分") in values(a), a.text


def test_a_projects_stated_rate_not_the_departments_completion(engine):
    # kexie-final line 47: 科普经费项目…预算执行率92.9%; the department's total completes 97.0 %
    a = engine.answer("科普经费项目预算执行率多少", doc_id="kexie-final-2023")
    assert a.status == "answered" and [(r.value, r.unit) for r in a.results] == [(Decimal("92.9"), "%")], a.text
