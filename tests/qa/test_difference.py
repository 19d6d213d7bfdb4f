"""Differences and growth rates (qa/difference.py): two years of one item with its rate and the
sentence that states the same change. Values read from the disclosures' lines."""

from __future__ import annotations

from decimal import Decimal

from tests.qa.conftest import SEED_ID


def values(a):
    return {(r.value, r.unit) for r in a.results}


def test_a_change_on_last_year_also_gives_the_rate_with_its_formula(engine):
    # 表十 公务用车运行费: 2023年 90,000.00 → 2024年 80,000.00: −10,000.00, (80000 − 90000) / 90000 = −11.1 %
    a = engine.answer("公务用车运行费比去年少了多少", doc_id=SEED_ID)
    assert {(Decimal("10000.00"), "元"), (Decimal("-11.1"), "%")} <= values(a), a.text
    assert "90000" in a.formula.replace(",", "")


def test_the_rate_the_narrative_states_is_shown_not_a_recomputed_one(engine):
    # line 57: 其他行政事业单位养老支出 较2023年增加28,870元，增长11.5% (28,870 / 252,140 = 11.45 %):
    # the answer must not print 11.4 beside the disclosure's 11.5
    a = engine.answer("其他行政事业单位养老支出今年比去年涨了多少", doc_id=SEED_ID)
    assert (Decimal("11.5"), "%") in values(a) and (Decimal("11.4"), "%") not in values(a), a.text
    assert (Decimal("28870.00"), "元") in values(a)


def test_the_tables_two_years_and_the_stated_change_with_its_reason(engine):
    # 表五 合计 2023年 6,182,766.44 → 2024年 6,059,264.63; line 25: 支出较2023年减少123,501.81元，
    # 主要是基本支出预算增加236,498.19元，项目支出预算减少360,000元
    a = engine.answer("科协今年预算比去年少了多少", doc_id=SEED_ID)
    assert {(Decimal("123501.81"), "元"), (Decimal("236498.19"), "元"), (Decimal("360000"), "元")} <= values(a), a.text
    assert "6,182,766.44" in a.text and "6,059,264.63" in a.text


def test_why_it_changed_is_answered_by_the_two_years_and_the_sentence_that_says_why(engine):
    # pipe-fund 表十 三公经费 2024年 134,000.00 → 2025年 394,000.00; the narrative: 较2024年增加260,000元，
    # 增长194.0%，主要原因是按规定更新报废执法执勤用车
    a = engine.answer("三公经费为什么比上年增加了", doc_id="pipe-fund-budget-2025")
    assert {(Decimal("260000.00"), "元"), (Decimal("194.0"), "%")} <= values(a), a.text
    assert "134,000.00" in a.text and "执法执勤用车" in a.text


def test_against_a_base_year_two_totals_are_not_subtracted_from_each_other(engine):
    # seed 表一 收入合计 = 表五 支出合计 = 6,059,264.63: '收支…比2023年减少' is never their 0.00 difference
    a = engine.answer("科协2024年收支预算均比2023年减少多少", doc_id=SEED_ID)
    assert Decimal("0.00") not in {r.value for r in a.results}, a.text


def test_the_final_account_against_its_budget_whatever_the_verb(engine):
    # kexie-final-2023 line 26: 行政运行 年初预算1,752,522.33元，支出决算1,801,346.58元，比年初预算增加48,824.25元;
    # line 27: 科普活动 年初预算3,660,000.00元，支出决算3,412,860.00元，减少247,140.00元
    a = engine.answer("行政运行支出决算比年初预算多支出了多少元", doc_id="kexie-final-2023")
    assert (Decimal("48824.25"), "元") in values(a), a.text
    a = engine.answer("科普活动决算比年初预算省了多少", doc_id="kexie-final-2023")
    assert (Decimal("247140.00"), "元") in values(a), a.text


def test_two_columns_compared_are_two_items_not_a_column_of_the_other(engine):
    # seed 表五 合计: 项目支出 3,300,000.00 − 基本支出 2,759,264.63 = 540,735.37
    a = engine.answer("项目支出比基本支出多出来多少钱", doc_id=SEED_ID)
    assert a.status == "answered" and a.results[0].value == Decimal("540735.37"), a.text


def test_a_change_of_an_item_quotes_no_sentence_that_only_lists_its_amount(engine):
    # seed 表五 206 科学技术支出: 3,660,000.00 → 3,050,000.00; the 支出预算 paragraph lists its
    # amount among the totals and explains the department's total, not this item
    a = engine.answer("科学技术方面的支出跟上年相比变化怎么样", doc_id=SEED_ID)
    assert a.status == "answered" and (Decimal("610000.00"), "元") in values(a), a.text
    assert "一般公共服务支出2,139,707元" not in a.text


def test_a_narrative_phrase_headed_by_the_total_word_is_the_total(engine):
    # seed 表五 合计: 6,182,766.44 → 6,059,264.63, the change 123,501.81 that 说明 states
    a = engine.answer("本部门预算总支出较去年有什么变化", doc_id=SEED_ID)
    assert a.status == "answered" and (Decimal("123501.81"), "元") in values(a), a.text
