"""Questions beyond one cell, from the figure store (values read from the seed)."""

from __future__ import annotations

from decimal import Decimal

from tests.qa.conftest import SEED_ID


def values(a):
    return {(r.value, r.unit) for r in a.results}


def test_composition_of_the_whole_budget(engine):
    a = engine.answer("科协的预算都花到哪儿去了", doc_id=SEED_ID)
    assert a.status == "answered"
    # 表五: 206 科学技术支出 3,050,000 (50.3 %), 201 一般公共服务支出 2,139,707
    assert {(Decimal("3050000.00"), "元"), (Decimal("2139707.00"), "元"), (Decimal("50.3"), "%")} <= values(a)
    assert a.text.index("科学技术支出") < a.text.index("一般公共服务支出")  # largest first


def test_breakdown_of_an_item(engine):
    a = engine.answer("对个人和家庭的补助下面分哪几块", doc_id=SEED_ID)
    assert {(Decimal("266000.00"), "元"), (Decimal("20000.00"), "元")} <= values(a)


def test_change_against_last_year_with_the_reason(engine):
    a = engine.answer("三公经费跟上年相比有变化没", doc_id=SEED_ID)
    assert {(Decimal("101000.00"), "元"), (Decimal("111000.00"), "元")} <= values(a)
    assert "减少" in a.text


def test_projects_with_their_budgets(engine):
    a = engine.answer("科协今年做哪些项目", doc_id=SEED_ID)
    assert {(Decimal("2300000.00"), "元"), (Decimal("300000.00"), "元"), (Decimal("450000.00"), "元")} <= values(a)


def test_per_unit_divides_by_the_stated_count(engine):
    a = engine.answer("公务用车运行维护费平均每辆车多少", doc_id=SEED_ID)
    assert (Decimal("40000.00"), "元") in values(a) and a.formula


def test_the_departments_functions(engine):
    a = engine.answer("科协主要负责什么工作", doc_id=SEED_ID)
    assert a.status == "answered" and "科学技术普及" in a.text


def test_projects_of_a_named_fund_are_those_its_column_pays_for(engine):
    # pipe-fund 表十三 项目支出明细表: four rows have a 政府性基金预算财政拨款 amount
    # (征地拆迁 45,000,000; 道路建设 62,386,500; 人居环境 8,514,200; 配套管网 14,263,800)
    a = engine.answer("政府性基金的钱都用在哪些项目上了", doc_id="pipe-fund-budget-2025")
    got = {r.value for r in a.results if r.unit == "元"}
    assert got == {Decimal("45000000.00"), Decimal("62386500.00"), Decimal("8514200.00"), Decimal("14263800.00")}, a.text


def test_a_named_fund_table_is_broken_down_by_its_own_rows(engine):
    # pipe-fund 表十一 (政府性基金): 合计 130,164,500 — not 表五's 36,696,054.80
    a = engine.answer("住建委今年政府性基金那部分钱都花在哪了", doc_id="pipe-fund-budget-2025")
    assert a.results[0].value == Decimal("130164500.00"), a.text


def test_an_occasion_per_unit_divides_by_the_count_of_the_occasions(engine):
    # final-accounts: 30217 公务接待费 决算 14,283.00 元; the narrative: 全年国内公务接待42批次 →
    # 14,283.00 / 42 = 340.07 元 per 批 (the guests of a 批 are who takes part, not what is counted)
    a = engine.answer("接待一批客人大概要花多少钱", doc_id="final-accounts-2023")
    assert (Decimal("340.07"), "元") in values(a) and a.formula, a.text


def test_several_project_forms_in_one_table_each_keep_their_own_name(engine):
    # gbk-budget-2024 lines 215–261: five 项目名称 rows, each followed by its 年度资金总额
    a = engine.answer("统计局2024年有哪几个项目", doc_id="gbk-budget-2024")
    for name, amount in (("统计执法检查及统计法治宣传", "60,000.00"), ("统计数据采集及联网直报平台运维", "120,000.00"),
                         ("第五次全国经济普查", "1,250,000.00"), ("住户调查辅助调查员劳务补助", "168,000.00")):  # fmt: skip
        assert f"{name} {amount}元" in a.text, a.text


def test_a_table_with_one_project_per_row_lists_its_projects(engine):
    # webpage-budget-2024 表10: 项目名称 | 项目金额 | 绩效指标 …; 纸质文献采购 620,000.00, 古籍保护与修复 150,000.00
    a = engine.answer("图书馆今年有哪几个项目，各给了多少钱", doc_id="webpage-budget-2024")
    assert "纸质文献采购 620,000.00元" in a.text and "古籍保护与修复 150,000.00元" in a.text, a.text
    assert "没有找到" not in a.text  # '各给了多少钱' is answered by the listing itself


def test_how_the_money_is_divided_with_no_item_named_is_the_whole_budget(engine):
    # notoc-budget-2024 表五: 合计 368.03万元, 201 一般公共服务支出 261.33万元 (71.0 %)
    a = engine.answer("区妇联今年预算的钱是怎么分的", doc_id="notoc-budget-2024")
    assert {(Decimal("261.33"), "万元"), (Decimal("71.0"), "%")} <= values(a), a.text


def test_a_projects_targets_are_its_indicators(engine):
    # notoc-budget-2024 表11 lines 262-266: the 妇女创业就业技能培训经费 project's indicators
    # (培训妇女人数 600人, 培训班期数 12期, 培训合格率 95%, 培训后实现就业创业人数 150人), named by
    # the project's row of 表10 — not its amount (12.00万元)
    a = engine.answer("妇联搞的妇女创业就业培训，今年要达到什么目标", doc_id="notoc-budget-2024")
    assert {(Decimal("600"), "人"), (Decimal("12"), "期"), (Decimal("95"), "%"), (Decimal("150"), "人")} <= values(a)


def test_a_count_of_people_asked_in_ge_is_a_stated_target(engine):
    # notoc-budget-2024 line 270: 春蕾计划 '资助困境女童人数 = 50 人' (and line 35: '资助学生人数由40人
    # 增至50人'); '多少个女孩' counts people in 个
    a = engine.answer("２０２４年春蕾计划资助多少个女孩", doc_id="notoc-budget-2024")
    assert a.status == "answered" and a.results[0].value == Decimal("50")


def test_the_contact_and_what_the_department_does(engine):
    # archive-budget-2025 line 89 '部门预算公开联系人：罗文静      联系电话：023-47265318';
    # line 11 the 职能职责 ('负责接收、征集、整理、保管…')
    a = engine.answer("想咨询档案馆预算的事 找谁 电话多少", doc_id="archive-budget-2025")
    assert "罗文静" in a.text and "47265318" in a.text
    b = engine.answer("档案馆平时是做什么工作的", doc_id="archive-budget-2025")
    assert b.status == "answered" and "接收、征集" in b.text


def test_money_for_retirees_is_not_the_pension_class(engine):
    # archive-budget-2025: 2080502 事业单位离退休 151,260.00 and 30302 退休费 132,060.00 are the
    # retirees' money (asked back: two classifications); 20805 行政事业单位养老支出 553,999.20 is
    # mostly the pension contributions for serving staff
    a = engine.answer("档案馆今年给退休人员安排了多少钱", doc_id="archive-budget-2025")
    got = {(r.value, r.unit) for r in a.results}
    assert {(Decimal("151260.00"), "元"), (Decimal("132060.00"), "元")} <= got
    assert (Decimal("553999.20"), "元") not in got


def test_each_subject_of_a_sentence_with_the_columns_asked(engine):
    # kexie-final-2023 line 47: three projects, each with 年初预算 and 执行数 (2,760,000.00 /
    # 2,563,460.00; 600,000.00 / 558,400.00; 300,000.00 / 291,000.00)
    a = engine.answer("科协哪几个项目做了绩效自评，年初预算和执行数各是多少", doc_id="kexie-final-2023")
    assert {(Decimal(v), "元") for v in ("2563460.00", "558400.00", "291000.00", "2760000.00")} <= values(a)
    b = engine.answer("科普经费项目执行数是多少", doc_id="kexie-final-2023")
    assert b.status == "answered" and b.results[0].value == Decimal("2563460.00") and "执行数" in b.text


def test_a_change_from_the_previous_year_the_sentence_states(engine):
    # 渭北区应急管理局: 表八 lists only 2023 (82,500.00); the 说明 says 比2022年度87,570.00元减少
    a = engine.answer("应急局的三公经费跟前一年比是多了还是少了", doc_id="document-final-2023")
    assert a.status == "answered" and a.interpretation.operation == "change"
    values = [(r.value, r.unit) for r in a.results]
    assert (Decimal("82500.00"), "元") in values and (Decimal("87570.00"), "元") in values
    assert "减少5,070.00元" in a.text


def test_a_department_named_by_its_usual_short_name(engine):
    # 市场监督管理局 is 市监局 to everyone: the 市 is the name's, not a city level
    a = engine.answer("市监局一共有多少台执法车")
    assert a.status == "answered" and a.doc_id == "printed-budget-2024"
    assert [(r.value, r.unit) for r in a.results] == [(Decimal("8"), "辆")]


def test_an_everyday_word_for_a_missing_item_is_not_the_grand_total(engine):
    # 西坪区退役军人事务局 has no 会议费: '开会' must not fall back to the 合计
    a = engine.answer("退役军人局去年开会花了多少钱", doc_id="legacy-final-2023")
    assert a.status != "answered"


def test_a_total_change_is_explained_by_the_sentence_stating_that_change(engine):
    # 云岭文旅委: 3,239.70 against 2,991.79 万元; the 说明 also says why 住房公积金 rose, but only
    # '收、支预算总额各增加247.91万元，…主要原因是…文物保护修缮…' explains the total
    a = engine.answer("文旅委的预算和上年比是升是降？原因呢", doc_id="wanyuan-budget-2024")
    assert a.status == "answered" and a.interpretation.operation == "change"
    assert (Decimal("247.91"), "万元") in values(a)
    assert "文物保护修缮" in a.text and "住房公积金" not in a.text


def test_the_departments_own_money_asked_with_why(engine):
    # 樊东区统计局 (GBK file): 收支总预算 6,381,905.36 元, 各增加691,885.04元, 主要原因是第五次全国经济普查…
    a = engine.answer("统计局今年的钱比上年多了多少？为啥", doc_id="gbk-budget-2024")
    assert a.status == "answered"
    assert (Decimal("691885.04"), "元") in values(a)
    assert "经济普查" in a.text and "没有找到" not in a.text


def test_asked_why_a_change_without_its_reason_does_not_win(engine):
    # 表十 lists 80,000 against 90,000; the 说明 says 厉行节约，压减车辆经费
    a = engine.answer("公务车的运行费为何少了", doc_id=SEED_ID)
    assert a.status == "answered" and "厉行节约" in a.text


def test_the_reason_quoted_is_the_items_own_not_one_it_is_the_reason_of(engine):
    # '（1）基本支出…较 2023 年增加 236,498.19 元，主要原因是人员调入经费增加', not
    # '支出较2023年减少…主要是基本支出预算增加236,498.19元'
    a = engine.answer("基本支出咋增加了", doc_id=SEED_ID)
    assert a.status == "answered" and "人员调入" in a.text


def test_the_whole_budget_by_function_covers_every_fund(engine):
    # 南岭区住建委 2025: 表三 部门支出总表 166,860,554.80 元 (with 政府性基金), of which 212 城乡社区支出
    # 152,487,324.79; 表五 (一般公共预算 only) would say 36,696,054.80
    a = engine.answer("住建委今年的钱都用到哪了", doc_id="pipe-fund-budget-2025")
    assert a.status == "answered"
    assert {(Decimal("166860554.80"), "元"), (Decimal("152487324.79"), "元")} <= values(a)


def test_income_sources_printed_before_their_total(engine):
    # 清浦区图书馆 表1: '一、一般公共预算拨款收入 6,567,805.60 … 六、其他收入 85,000.00' then '本年收入合计
    # 6,652,805.60' — the sources come before the total
    a = engine.answer("图书馆的经费来源有哪几块", doc_id="webpage-budget-2024")
    assert a.status == "answered"
    assert {(Decimal("6567805.60"), "元"), (Decimal("85000.00"), "元")} <= values(a)
    # … and the 说明's sentence on the same amounts says what the 其他收入 is
    assert "文创服务" in a.text


def test_the_final_is_what_share_of_the_budget_is_the_completion_rate(engine):
    # kexie-final 表五 2012901 行政运行: 决算 1,801,346.58 / 年初预算 1,752,522.33 → 102.8 %
    # ('为…的百分之几' and '完成了年初预算的' are the completion, not a share of its parent 科目)
    a = engine.answer("行政运行决算数为年初预算数的百分之几", doc_id="kexie-final-2023")
    assert a.status == "answered" and (Decimal("102.8"), "%") in values(a), a.text
    b = engine.answer("行政运行完成了年初预算的百分之多少", doc_id="kexie-final-2023")
    assert b.status == "answered" and (Decimal("102.8"), "%") in values(b), b.text


def test_where_a_total_rose_names_the_rows_that_moved_it(engine):
    # gbk-budget 表五: 合计 5,690,020.32 → 6,381,905.36; 2010507 专项普查活动 680,000.00 → 1,250,000.00
    # (+570,000.00) rose most, 2010501 行政运行 3,286,540.00 → 3,417,010.00 (+130,470.00) next
    a = engine.answer("统计局今年总预算为啥比上年多出不少", doc_id="gbk-budget-2024")
    assert a.status == "answered", a.text
    assert (Decimal("570000.00"), "元") in values(a) and (Decimal("130470.00"), "元") in values(a), a.text
    assert a.text.index("专项普查活动") < a.text.index("2010501")


def test_a_per_unit_question_without_a_count_of_that_thing_gives_no_figure(engine):
    # the seed states 150次 of 科技培训, no number of meetings: 会议费 5,000.00 is not divided by
    # it, and the total is no answer to '平均每次'
    a = engine.answer("科协开一次会平均要花多少钱", doc_id=SEED_ID)
    assert a.status != "answered" and Decimal("5000.00") not in {r.value for r in a.results}, a.text


def test_per_unit_counts_what_the_counting_word_names_before_an_item(engine):
    # pdftext-final: 30231 公务用车运行维护费 58,734.18 / 公务用车保有量为2辆 → 29,367.09 ('每辆运行维护费'
    # names no noun after 每辆: 辆 itself counts cars)
    a = engine.answer("梧桐卫健委的车每辆一年运行维护费平均多少", doc_id="pdftext-final-2023")
    assert a.status == "answered" and a.results[0].value == Decimal("29367.09"), a.text


def test_per_person_divides_by_the_people_it_is_paid_to(engine):
    # notoc-budget 表六 30302 退休费 6.96 万元 / 退休人员3名 → 2.32 万元 (名 counts people, as 人 does);
    # never by the 50人 春蕾计划 helps
    a = engine.answer("妇联给3个退休人员的退休费平均每人多少", doc_id="notoc-budget-2024")
    assert a.status == "answered" and a.results[0].value == Decimal("2.32"), a.text


def test_per_unit_of_a_projects_own_target_when_no_noun_is_named(engine):
    # printed-budget 表十二: 12315投诉举报处置 168,000.00元 / its target 受理投诉举报6000件 → 28.00元;
    # '平均受理一件' names no noun, the project's own 绩效 target is the count
    a = engine.answer("12315投诉举报处置平均受理一件要多少钱", doc_id="printed-budget-2024")
    assert a.status == "answered" and a.results[0].value == Decimal("28.00"), a.text


def test_per_person_with_no_noun_counts_the_people_of_the_item_not_the_staff(engine):
    # notoc-budget 表十: 妇女创业就业技能培训经费 12.00万元 / 培训妇女人数600人 → 200.00元 (in 元:
    # 0.02万元 would hide it); never / 实有在职人员10名
    a = engine.answer("妇女创业就业技能培训每个人摊多少钱", doc_id="notoc-budget-2024")
    assert a.status == "answered" and (a.results[0].value, a.results[0].unit) == (Decimal("200.00"), "元"), a.text


def test_per_person_of_a_reception_counts_its_visitors(engine):
    # document-final 表六: 30217 公务接待费 9,860.00元 / 全年接待国内公务来访146人次 → 67.53元
    a = engine.answer("渭北应急局公务接待一个人平均花多少", doc_id="document-final-2023")
    assert a.status == "answered" and a.results[0].value == Decimal("67.53"), a.text


def test_a_projects_indicators_asked_as_what_is_assessed(engine):
    # seed 表十七: 老科技工作者服务团经费's indicators (专业理事会 6个, 科普宣传服务对象满意 91%), asked
    # with '考核啥' — not its 当年预算 again
    a = engine.answer("老科技工作者服务团经费考核啥", doc_id=SEED_ID)
    assert a.status == "answered" and {(Decimal("6"), "个"), (Decimal("91"), "%")} <= values(a), a.text


def test_the_overall_indicators_are_the_rows_and_the_overall_target_is_its_text(engine):
    # seed 整体绩效目标表: its 绩效指标 rows (科普宣传活动开展 12场次, 服务对象满意度 92%) when 指标 is
    # asked; the 当年整体绩效目标 text (16.1%, 150次) when only 目标 is
    a = engine.answer("部门整体绩效里头都设了哪些指标", doc_id=SEED_ID)
    assert a.status == "answered" and {(Decimal("12"), "场次"), (Decimal("92"), "%")} <= values(a), a.text
    b = engine.answer("整体绩效目标都有哪些", doc_id=SEED_ID)
    assert "150次" in b.text and "12场次" not in b.text, b.text
