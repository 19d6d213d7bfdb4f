"""Rankings and filtered lists of rows (qa/ranking.py); values read from the disclosures' lines."""

from __future__ import annotations

from decimal import Decimal

from tests.qa.conftest import SEED_ID

FINAL = "final-accounts-2023"


def values(a):
    return {(r.value, r.unit) for r in a.results}


def test_ranking_within_a_column(engine):
    a = engine.answer("人员经费里哪两项花得最多", doc_id=SEED_ID)
    # 表六 人员经费: 30103 奖金 609,063; 30101 基本工资 449,556
    got = [r for r in a.results if r.unit == "元"]
    assert [r.value for r in got[:2]] == [Decimal("609063.00"), Decimal("449556.00")]


def test_which_rows_fell_with_words_between_which_and_the_row_kind(engine):
    # wanyuan 表五 (万元): 2070108 文化活动 356.00 → 320.00, 2070112 文化和旅游市场管理 92.60 → 86.30,
    # 2070113 旅游宣传 265.00 → 238.00 are the 项 that fell
    a = engine.answer("跟2023年预算数相比，文旅委2024年哪些功能科目（项级）的预算是减少的？", doc_id="wanyuan-budget-2024")
    for name in ("文化活动", "文化和旅游市场管理", "旅游宣传"):
        assert name in a.text, a.text
    assert Decimal("320.00") in {r.value for r in a.results}, a.text


def test_rows_ranked_by_their_completion_rate(engine):
    # final-accounts 表五 line 211: 2130119 防灾救灾 600,000.00 → 1,035,000.00, the table prints 172.5%
    a = engine.answer("哪个科目完成率最高", doc_id=FINAL)
    assert a.status == "answered", a.text
    assert a.results[0].value == Decimal("172.5") and "防灾救灾" in a.text, a.text
    low = engine.answer("完成年初预算比例最低的是哪个科目", doc_id=FINAL)
    # line 215: 2130504 农村基础设施建设 5,000,000.00 → 4,620,000.00 (92.4%), the lowest printed rate
    assert "农村基础设施建设" in low.text.split("；")[0], low.text


def test_overrun_ranks_a_blank_budget_as_zero(engine):
    # line 216: 2130599 其他巩固脱贫攻坚成果衔接乡村振兴支出 has a blank 年初预算数 and 决算 736,800.00;
    # line 211: 防灾救灾 exceeds its 600,000.00 by 435,000.00
    a = engine.answer("哪些科目决算比年初预算超支最多", doc_id=FINAL)
    got = [r.value for r in a.results if r.label.endswith("变化")]
    assert got[:2] == [Decimal("736800.00"), Decimal("435000.00")], a.text
    assert a.formula


def test_largest_fall_in_percent_is_computed_from_the_two_years(engine):
    # seed 表五: 2060702 科普活动 3,660,000.00 (2023) → 2,300,000.00 (2024): −37.2 %
    a = engine.answer("哪项支出降幅最大", doc_id=SEED_ID)
    assert (Decimal("-37.2"), "%") in values(a) and "科普活动" in a.text, a.text


def test_rows_that_rose_and_rows_that_fell_in_one_answer(engine):
    # seed 表五 类: 201 一般公共服务支出 1,752,522.33 → 2,139,707.00; 206 科学技术支出 3,660,000.00 → 3,050,000.00
    a = engine.answer("和去年比哪些大类支出涨了、哪些降了", doc_id=SEED_ID)
    assert {(Decimal("387184.67"), "元"), (Decimal("-610000.00"), "元")} <= values(a), a.text
    assert "增加的科目" in a.text and "减少的科目" in a.text


def test_a_classification_scheme_named_is_accounted_for_by_its_codes(engine):
    # '按功能分类' is what 表五's 2xx codes are: the list of 类 that fell answers, not an ask-back
    a = engine.answer("按功能分类，哪几类支出比去年减少了", doc_id=SEED_ID)
    assert a.status == "answered" and (Decimal("-610000.00"), "元") in values(a), a.text


def test_the_largest_projects_are_ranked_from_the_project_table(engine):
    # workbook-budget-2024 表九 项目支出预算表 (12 projects): 农村最低生活保障金 8,460,000.00,
    # 城乡社区治理及社区工作者补贴 5,200,000.00, 农村特困人员救助供养金 4,530,000.00 are the largest
    a = engine.answer("民政局今年项目支出里哪几个项目钱最多？", doc_id="workbook-budget-2024")
    assert [r.value for r in a.results][:3] == [Decimal("8460000.00"), Decimal("5200000.00"), Decimal("4530000.00")], a.text
    assert a.status == "answered" and "共12个" in a.text


def test_which_one_is_the_largest_names_one_row_of_the_column(engine):
    # seed 表六 日常公用经费 column: 30239 其他交通费用 87,120.00 is the largest row ('哪项' is no 项 level)
    a = engine.answer("公用经费当中哪项花钱最多", doc_id=SEED_ID)
    assert a.status == "answered" and a.results[0].value == Decimal("87120.00"), a.text
    assert "最多的是" in a.text


def test_an_item_in_brackets_stands_for_the_everyday_phrase_before_it(engine):
    # seed 表六 日常公用经费: 87,120.00 其他交通费用, 80,000.00 公务用车运行维护费, 73,921.76 工会经费
    a = engine.answer("单位平时开门办事的各种零碎开支（公用经费）哪三样最费钱", doc_id=SEED_ID)
    assert a.status == "answered", a.text
    assert [r.value for r in a.results[:3]] == [Decimal("87120.00"), Decimal("80000.00"), Decimal("73921.76")], a.text
