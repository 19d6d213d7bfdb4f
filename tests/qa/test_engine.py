"""The engine on questions whose answers were read from the disclosures by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qa.calc import evaluate, q
from qa.engine import AnswerEngine
from tests.qa.conftest import SEED_ID


def values(answer):
    return [(r.value, r.unit) for r in answer.results]


@pytest.mark.parametrize(
    ("question", "value", "unit", "table"),
    [
        ("2024年“三公”经费预算合计是多少？", "101000.00", "元", 10),
        ("科普活动（2060702）2024年预算数是多少？", "2300000.00", "元", 5),
        ("2023年科普活动预算是多少？", "3660000.00", "元", 5),
        ("基本工资2024年预算是多少？", "449556.00", "元", 6),
        ("医疗费补助安排了多少？", "20000.00", "元", 6),  # the row after the page break
        ("项目支出中劳务费（30226）安排了多少？", "250000.00", "元", 8),
        ("基本支出（政府预算经济分类）里的办公经费是多少？", "304736.22", "元", 7),
        ("表五中合计行的增幅是多少？", "-2", "%", 5),
    ],
)
def test_table_figures_with_provenance(engine, question, value, unit, table):
    a = engine.answer(question, doc_id=SEED_ID)
    assert a.status == "answered", a.text
    assert (Decimal(value), unit) in values(a)
    assert a.figures and a.figures[0].figure.source.table_no == table
    assert a.citations and a.citations[0].provenance.line > 0


@pytest.mark.parametrize(
    "question",
    [
        "2024年三公经费是多少？",
        "今年三公经费一共安排了多少钱？",
        "科协今年的三工经费是多少啊",  # typo
        "２０２４年三公經費預算合計是多少？",  # full-width digits, traditional characters
    ],
)
def test_phrasing_variants_give_the_same_figure(engine, question):
    a = engine.answer(question, doc_id=SEED_ID)
    assert (Decimal("101000.00"), "元") in values(a), a.text


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("今年请客吃饭（公务接待）安排了多少钱？", "21000.00"),
        ("公车一年的运行维护费是多少？", "80000.00"),
        ("去年预算总共多少钱？", "6182766.44"),
        ("科协一年养人的钱有多少？", "2202175.07"),
    ],
)
def test_colloquial_questions(engine, question, value):
    a = engine.answer(question, doc_id=SEED_ID)
    assert Decimal(value) in [v for v, _ in values(a)], a.text


def test_computed_answers_show_a_formula_that_recomputes(engine):
    a = engine.answer("科学技术支出2024年较2023年的增长率是多少（保留一位小数）？", doc_id=SEED_ID)
    assert values(a) == [(Decimal("-16.7"), "%")]
    assert a.formula and "3050000.00" in a.formula and "3660000.00" in a.formula
    expr = a.formula.split(" = ")[0].replace("×", "*").replace("÷", "/")
    value, _ = evaluate(expr)
    assert q(value, 1) == Decimal("-16.7")


def test_share_difference_sum_and_unit_conversion(engine):
    share = engine.answer("2024年公务接待费占三公经费的比例是多少？", doc_id=SEED_ID)
    assert values(share) == [(Decimal("20.8"), "%")]  # 21,000 / 101,000
    diff = engine.answer("一般公共服务支出比科学技术支出少多少钱？", doc_id=SEED_ID)
    assert values(diff) == [(Decimal("910293.00"), "元")]  # 3,050,000 − 2,139,707
    total = engine.answer("基本工资加津贴补贴一共是多少？", doc_id=SEED_ID)
    assert values(total) == [(Decimal("735084.00"), "元")]  # 449,556 + 285,528
    wan = engine.answer("科普活动今年预算换算成万元是多少（保留两位小数）？", doc_id=SEED_ID)
    assert (Decimal("230.00"), "万元") in values(wan)


def test_stated_change_and_derived_previous_year(engine):
    a = engine.answer("基本支出较2023年增加了多少？", doc_id=SEED_ID)
    assert (Decimal("236498.19"), "元") in values(a)
    b = engine.answer("根据说明，2023年的基本支出预算是多少？", doc_id=SEED_ID)
    assert values(b) == [(Decimal("2522766.44"), "元")]  # 2,759,264.63 − 236,498.19
    assert b.formula


def test_ambiguous_names_ask_back_with_every_candidate(engine):
    a = engine.answer("办公费是多少？", doc_id=SEED_ID)
    assert a.status == "clarify"
    assert {Decimal("28000.00"), Decimal("3050000.00")} <= {v for v, _ in values(a)}
    assert len(a.options) >= 2
    b = engine.answer("项目支出（部门预算经济分类）中的办公费是多少？", doc_id=SEED_ID)
    assert b.status == "answered" and values(b)[0] == (Decimal("3050000.00"), "元")


@pytest.mark.parametrize(
    "question",
    [
        "2022年科普活动预算是多少？",
        "渝北区教委2024年部门预算是多少？",
        "江北区科协2024年的科普活动预算多少？",
        "科协主席叫什么名字？",
        "截至2023年底科协的资产总额是多少？",
        "表二收入预算总表里第一行写的是什么？请列出表二的具体数据。",
        "科普大学培训费具体安排了多少？",
    ],
)
def test_refusals_give_no_figure(engine, question):
    a = engine.answer(question, doc_id=SEED_ID)
    assert a.status == "not_found", a.text
    assert not a.results and not a.figures


def test_narrative_questions_quote_the_passage(engine):
    a = engine.answer("重庆市渝北区科协有哪些内设机构？", doc_id=SEED_ID)
    assert all(w in a.text for w in ("办公室", "科普宣传部", "企业学会部"))
    assert a.citations and "单位构成" in (a.citations[0].provenance.section or "")
    why = engine.answer("科普活动预算为啥比去年少了那么多？", doc_id=SEED_ID)
    assert "院士专家工作站" in why.text


def test_follow_up_resolves_against_history(engine):
    first = engine.answer("今年三公经费是多少？", doc_id=SEED_ID)
    assert (Decimal("101000.00"), "元") in values(first)
    follow = engine.answer("那去年呢？", history=["今年三公经费是多少？"], doc_id=SEED_ID)
    assert (Decimal("111000.00"), "元") in values(follow), follow.text
    assert follow.resolved_question and "三公" in follow.resolved_question


def test_empty_and_too_long_questions(engine):
    assert engine.answer("   ", doc_id=SEED_ID).status == "invalid"
    long = engine.answer("三公经费" * 200, doc_id=SEED_ID)
    assert long.status == "invalid" and "500" in long.text


def test_other_documents_in_the_same_store(engine):
    a = engine.answer("2070101行政运行2024年预算是多少？", doc_id="wanyuan-budget-2024")
    assert (Decimal("1060.78"), "万元") in values(a)
    b = engine.answer("城市建设支出（2120803）政府性基金预算是多少？", doc_id="pipe-fund-budget-2025")
    assert Decimal("62386500.00") in [v for v, _ in values(b)], b.text


def test_every_number_in_answers_is_verified(engine):
    doc = engine.store.document(SEED_ID)
    for question in (
        "科普活动比去年少了多少钱？",
        "三公经费2024年比2023年下降了百分之多少（正负号表示增减，一位小数）？",
        "行政运行较2023年增长了百分之几？",
        "对预算有疑问打哪个电话？",
    ):
        a = engine.answer(question, doc_id=SEED_ID)
        assert a.status == "answered", (question, a.text)
        assert engine.unverified(a.text, question, doc, ()) == [] or a.formula, (question, a.text)


@pytest.mark.parametrize(
    ("history", "follow_up", "value"),
    [
        (["办公费是多少？"], "基本支出的那个", "28000.00"),  # a qualifier picks one of the candidates
        (["科普活动比去年少了多少钱？"], "那机构运行呢？", "300000.00"),  # same question, another item
        (["2024年三公经费是多少？", "去年三公经费是多少？"], "那公务接待费呢？", "21000.00"),  # keeps 2023
        (["科普活动预算是多少？"], "去年的呢", "3660000.00"),
    ],
)
def test_follow_ups_keep_the_context(engine, history, follow_up, value):
    a = engine.answer(follow_up, history=history, doc_id=SEED_ID)
    assert Decimal(value) in [v for v, _ in values(a)], (a.resolved_question, a.text)


def test_blank_previous_year_counts_as_zero_for_a_change(engine):
    a = engine.answer("机关服务增长了多少？", doc_id=SEED_ID)
    # the difference first, then the two amounts compared (last year's blank cell shown as 未列数)
    assert values(a)[0] == (Decimal("250000.00"), "元") and "未列数" in a.text
    b = engine.answer("因公出国费用是多少？", doc_id=SEED_ID)
    assert values(b) == [(Decimal("0"), "元")]  # the narrative states 0 元; the table cell is blank


def test_abbreviated_project_name(engine):
    # 表十七: 老科技工作者服务团经费 · 科普宣传服务对象满意 · 指标值 91% (seed line 460)
    a = engine.answer("老科技服务团项目对科普宣传服务对象满意度的要求是多少？", doc_id=SEED_ID)
    assert values(a) == [(Decimal("91"), "%")], a.text
    assert "老科技工作者服务团经费" in a.text
    assert a.citations[0].provenance.table_no == 17 and a.citations[0].provenance.line == 460


@pytest.mark.parametrize("question", ["你觉得科协的培训费花得值不值", "三公经费合不合理"])
def test_a_judgement_is_not_given(engine, question):
    a = engine.answer(question)
    assert a.status == "not_found" and "评价" in a.text and not values(a)


def test_a_unit_named_by_its_level_is_another_department(engine):
    a = engine.answer("区教委今年的培训费多少")
    assert a.status == "not_found" and "区教委" in a.text
    # a 区-level word inside an item is not a unit ('社区', '小区')
    assert "没有“" not in engine.answer("社区服务中心的经费多少").text


def test_the_departments_own_name_with_a_courtesy_is_not_another_department(engine):
    # '请问' before the place name is the question's own word, not part of a place
    a = engine.answer("请问渝北区科协今年三公经费预算总额是多少")
    assert a.status == "answered" and Decimal("101000") in [v for v, _ in values(a)]


def test_a_background_clause_is_not_asked(engine):
    a = engine.answer("我是大学生，写作业查预算，科协的基本支出占总支出的比例是多少", doc_id=SEED_ID)
    assert a.status == "answered" and Decimal("45.5") in [v for v, _ in values(a)]


def test_citations_name_the_sheet_or_page_the_format_has(engine):
    # a workbook's figure cites its sheet and row; a PDF's, its page — never the linear line
    a = engine.answer("2024年社会保障和就业支出是多少", doc_id="workbook-budget-2024")
    assert a.citations and all("工作表" in c.provenance.label() for c in a.citations)
    b = engine.answer("2024年社会保障和就业支出是多少", doc_id="printed-budget-2024")
    assert b.citations and all("页" in c.provenance.label() for c in b.citations)


def test_a_column_is_not_a_share_of_its_own_total(engine):
    # seed 表五: the 合计 row of the 基本支出 column is 基本支出 itself (2,759,264.63元); its share
    # of the whole budget (6,059,264.63元) is 45.5 %, never 100 %
    a = engine.answer("基本支出占部门预算总支出的比例", doc_id=SEED_ID)
    assert all(r.value != 100 for r in a.results)
    if a.status == "answered":
        assert [r.value for r in a.results if r.unit == "%"] == [Decimal("45.5")]


def test_a_total_is_not_a_summand_beside_its_parts(engine):
    # seed 表五 2024: 208 社会保障和就业支出 559,445.28 + 210 卫生健康支出 148,814.71 + 221 住房保障支出
    # 161,297.64 = 869,557.63; the 表五 合计 row is no summand beside them
    a = engine.answer("社会保障和就业、卫生健康和住房保障这三类今年一共多少钱？", doc_id=SEED_ID)
    assert a.status == "answered" and a.results[0].value == Decimal("869557.63")


def test_a_count_is_never_answered_with_a_count_of_something_else(engine):
    # the seed has no 学会 figure; its only counted things nearby are vehicles (辆)
    a = engine.answer("科协管着多少个学会", doc_id=SEED_ID)
    assert not any(r.unit in ("辆", "元", "万元") for r in a.results) or a.status != "answered"


def test_which_ones_is_a_list_not_a_count(engine):
    from qa.question import read

    q = read("哪几项支出今年增加了", engine.store.document(SEED_ID))
    assert q.unit_asked is None and not q.has_op("count")


def test_a_question_about_one_of_two_sibling_items_is_never_answered_with_the_other(engine):
    # the workbook fixture has both 城市 and 农村最低生活保障; 城里 is 城市
    a = engine.answer("城里低保金比上年减少多少", doc_id="workbook-budget-2024")
    assert a.interpretation is None or "农村" not in a.interpretation.describe()


def test_a_level_is_not_the_answer_to_a_calculation(engine):
    # legacy-final-2023 lists 年末结转和结余 8.36万元; '比年初少了多少' asks a difference, not that level
    a = engine.answer("年末结转和结余比年初减少了多少", doc_id="legacy-final-2023")
    assert not (a.status == "answered" and [r.value for r in a.results] == [Decimal("8.36")])


def test_a_bound_is_not_a_change(engine):
    from qa.question import read

    assert not read("科普宣传活动至少要开展多少场", engine.store.document(SEED_ID)).has_op("diff")


def test_the_completion_rate_of_a_named_item_after_a_follow_up(engine):
    # pdftext-final-2023 表五: 2100408 基本公共卫生服务 年初预算 6,500,000.00, 决算 6,842,300.00 → 105.3 %
    a = engine.answer("完成率是多少", history=["基本公共卫生服务决算是多少"], doc_id="pdftext-final-2023")
    assert a.status == "answered" and [r.value for r in a.results if r.unit == "%"] == [Decimal("105.3")]


def test_another_department_by_its_short_name(engine):
    # 妇联 (妇女联合会) is another department than the seed's 科协: its budget is not the seed's 群众团体事务
    a = engine.answer("区妇联2024年的预算总额", doc_id=SEED_ID)
    assert a.status == "not_found" and "区妇联" in a.text
    # … and the 妇联's own disclosure answers it
    b = engine.answer("区妇联2024年的预算总额", doc_id="notoc-budget-2024")
    assert b.status == "answered"


def test_spending_is_not_answered_from_the_income_table(engine):
    # pdftext-final-2023: 2100408 基本公共卫生服务 spent 6,842,300.00 (表五); 6,242,300.00 is its income (表二)
    a = engine.answer("基本公共卫生服务2023年花了多少", doc_id="pdftext-final-2023")
    assert a.status == "answered" and a.results[0].value == Decimal("6842300.00")


def test_a_long_name_with_a_modifier_inside_it(engine):
    # 公车 → 公务用车; '日常' inside the name: still 30231 公务用车运行维护费, 80,000.00元 (表六)
    a = engine.answer("公车日常运行维护费是多少", doc_id=SEED_ID)
    assert a.status == "answered" and a.results[0].value == Decimal("80000.00")


def test_a_measure_noun_of_several_targets_asks_back(engine):
    # seed: 服务对象满意度 92 % (表十五), 科普宣传服务对象满意 95 % and 91 % (表十七, two projects)
    a = engine.answer("满意度指标定的多少", doc_id=SEED_ID)
    assert a.status == "clarify"
    assert {r.value for r in a.results} >= {Decimal("92"), Decimal("95"), Decimal("91")}


def test_two_listed_columns_are_siblings_not_a_qualifier(engine):
    # seed: 基本支出 2,759,264.63, 项目支出 3,300,000.00 (表五); 人员经费 2,202,175.07, 日常公用经费 557,089.56 (表六)
    a = engine.answer("基本支出、项目支出分别多少", doc_id=SEED_ID)
    assert [r.value for r in a.results] == [Decimal("2759264.63"), Decimal("3300000.00")]
    b = engine.answer("基本支出中人员经费、公用经费各多少", doc_id=SEED_ID)
    assert {r.value for r in b.results} >= {Decimal("2202175.07"), Decimal("557089.56")}


def test_a_share_of_the_grand_total_named_as_such(engine):
    # seed: 三公经费 101,000.00 of the whole budget 6,059,264.63 = 1.7 %
    a = engine.answer("三公经费占总预算的比例", doc_id=SEED_ID)
    assert a.status == "answered" and [r.value for r in a.results if r.unit == "%"] == [Decimal("1.7")]


def test_a_growth_rate_from_the_change_the_narrative_states(engine):
    # seed: 基本支出 2,759,264.63 (表五); the narrative: 基本支出预算增加236,498.19元 → 2023 = 2,522,766.44,
    # growth 236,498.19 / 2,522,766.44 = 9.4 %; 项目支出 3,300,000 and 减少360,000元 → -9.8 %
    a = engine.answer("基本支出比去年涨了百分之几", doc_id=SEED_ID)
    assert a.status == "answered" and a.results[0].value == Decimal("9.4") and a.formula
    b = engine.answer("项目支出比去年降了百分之几", doc_id=SEED_ID)
    assert b.results[0].value == Decimal("-9.8")


def test_buying_is_answered_with_the_purchase_the_disclosure_states(engine):
    # seed: '2024年一般公共预算安排购置车辆0辆' (purchases) beside '共有车辆2辆' (holdings)
    a = engine.answer("今年要购置几辆车", doc_id=SEED_ID)
    assert a.status == "answered" and (a.results[0].value, a.results[0].unit) == (Decimal("0"), "辆")
    b = engine.answer("科协一共有几辆公车", doc_id=SEED_ID)
    assert (b.results[0].value, b.results[0].unit) == (Decimal("2"), "辆")


def test_a_number_of_people_is_never_answered_in_yuan(engine):
    # notoc-budget-2024 (妇联): '培训多少妇女' asks for people, never the 培训费 amount
    a = engine.answer("创业就业技能培训要培训多少名妇女", doc_id="notoc-budget-2024")
    assert not any(r.unit in ("元", "万元") for r in a.results)


@pytest.mark.parametrize(
    "question",
    ["基本支出和项目支出各是多少，分别占总支出的多大比例？", "基本支出跟项目支出各多少 占比多少"],
)
def test_the_shares_asked_after_a_list_are_the_shares_of_that_list(engine, question):
    # seed 情况说明: 基本支出 2,759,264.63 元，占 45.5%; 项目支出 3,300,000.00 元，占 54.5%
    a = engine.answer(question, doc_id=SEED_ID)
    got = values(a)
    for figure in [("2759264.63", "元"), ("3300000.00", "元"), ("45.5", "%"), ("54.5", "%")]:
        assert (Decimal(figure[0]), figure[1]) in got, (figure, a.text)


@pytest.mark.parametrize(
    ("question", "expected"),
    # seed line 85: 共有车辆 2 辆; line 87: 2024 年一般公共预算安排购置车辆 0 辆
    [("新车买几辆", "0"), ("今年打算买几辆车", "0"), ("公务用车有几辆", "2")],
)
def test_a_counted_noun_before_the_verb_and_the_counting_word(engine, question, expected):
    a = engine.answer(question, doc_id=SEED_ID)
    assert values(a) == [(Decimal(expected), "辆")], a.text


@pytest.mark.parametrize(
    ("question", "doc", "expected"),
    [
        # seed line 85: 共有车辆 2 辆 — 台 counts cars as 辆 does; the 设备（不含车辆）0台 counts none
        ("科协有几台公车", SEED_ID, ("2", "辆")),
        # wanyuan line 50: 共有车辆3辆，其中…执法执勤用车2辆; line 226: 公务用车运行维护费 6.40 万元
        # — each car held, not each 执法 car: 6.40 / 3
        ("文旅委平均每辆公车一年的运行维护费是多少万元", "wanyuan-budget-2024", ("2.13", "万元")),
    ],
)
def test_a_count_counts_what_the_question_names(engine, question, doc, expected):
    a = engine.answer(question, doc_id=doc)
    assert (Decimal(expected[0]), expected[1]) in values(a), a.text


@pytest.mark.parametrize(
    ("question", "doc"),
    [
        # the seed states 内设机构 3个 and no number of 区级学会
        ("渝北区现在有几个区级学会", SEED_ID),
        # final-accounts line 55 counts 9个 projects self-evaluated, not villages (line 130: 3,456,000)
        ("农委给每个村的补助是多少钱", "final-accounts-2023"),
    ],
)
def test_a_count_of_something_else_does_not_answer(engine, question, doc):
    a = engine.answer(question, doc_id=doc)
    assert a.status != "answered", a.text
    assert Decimal("3") not in {v for v, _ in values(a)} and Decimal("384000.00") not in {v for v, _ in values(a)}


def test_a_slip_just_past_a_right_name_extends_it(engine):
    # seed line 281: 30307 医疗费补助 20,000.00 (30114 医疗费 is another item)
    a = engine.answer("医疗费捕助给了多少", doc_id=SEED_ID)
    assert values(a) == [(Decimal("20000.00"), "元")], a.text


def test_a_whole_named_by_a_tables_title_is_that_tables_total(engine):
    # final-accounts 公开07表 一般公共预算财政拨款项目支出决算表: 合计 23,828,230.60 (line 256),
    # 31005 基础设施建设 10,870,000.00 (line 266) — not 2130504 农村基础设施建设, which only
    # contains the words: 10870000.00 / 23828230.60 = 45.6 %
    a = engine.answer("项目支出决算中基础设施建设占项目支出的比例是多少？", doc_id="final-accounts-2023")
    assert values(a)[0] == (Decimal("45.6"), "%"), a.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # seed 表十七: 当年预算 科普经费 2,300,000 + 老科技工作者服务团经费 300,000 + 科普综合事务业务经费 450,000
        ("三个一般项目（科普经费、老科技工作者服务团经费、科普综合事务业务经费）当年预算加起来是多少？", "3050000.00"),
        # seed 表六 30201 办公费 28,000 (基本支出表, no 基本支出 column) + 表八 30201 办公费 3,050,000
        ("基本支出和项目支出里的办公费加起来一共多少？", "3078000.00"),
    ],
)
def test_a_sum_over_listed_qualifiers(engine, question, expected):
    a = engine.answer(question, doc_id=SEED_ID)
    assert values(a)[0] == (Decimal(expected), "元"), a.text


def test_a_whole_percent_rate_is_shown_to_one_decimal_too(engine):
    # seed line 223: 208 社会保障和就业支出 497,140.40 → 559,445.28, printed 13%; computed 12.5 %
    a = engine.answer("社保和就业支出增幅多少", doc_id=SEED_ID)
    assert (Decimal("13"), "%") in values(a) and (Decimal("12.5"), "%") in values(a), a.text


def test_where_the_money_comes_from_is_the_income_composition(engine):
    # seed 表一: 本年收入合计 6,059,264.63, all of it 一般公共预算财政拨款资金 (100 %)
    a = engine.answer("科协的钱是从哪里来的", doc_id=SEED_ID)
    assert (Decimal("6059264.63"), "元") in values(a) and (Decimal("100.0"), "%") in values(a), a.text


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("我是退休老师，想问下区科协去年的预算一共是多少", True),  # 问下 is the asker's words; 区科协 is this 区's
        ("想问下市科协的预算", False),  # a 市-level unit, not the 区 department the seed is
        ("市科协的预算", False),
    ],
)
def test_a_unit_named_by_its_level_is_this_department_only_at_its_level(engine, question, answered):
    a = engine.answer(question, doc_id=SEED_ID)
    assert (a.status == "answered") is answered, a.text
    if answered:  # seed 表五 合计 2023年预算数 6,182,766.44
        assert values(a)[0] == (Decimal("6182766.44"), "元"), a.text


def test_exceeding_the_budget_is_a_difference_named_by_column(engine):
    # legacy-final 表五 2080801 死亡抚恤: 年初预算数 18.00, 决算数 21.36 (万元) → 超了 3.36
    a = engine.answer("西坪区退役军人事务局2080801死亡抚恤决算比年初预算超了多少万元？", doc_id="legacy-final-2023")
    assert values(a)[0] == (Decimal("3.36"), "万元"), a.text
    assert "年初预算数为18.00万元" in a.text and "2023年为" not in a.text, a.text


def test_one_car_a_year_is_a_per_unit_question(engine):
    # seed: 30231 公务用车运行维护费 80,000.00 (表六), 共有车辆 2 辆 (line 85) → 40,000.00 each
    a = engine.answer("一辆公车一年运行费多少", doc_id=SEED_ID)
    assert values(a)[0] == (Decimal("40000.00"), "元"), a.text


def test_who_asks_is_background_not_an_item(engine):
    # '我是科普志愿者' says who asks; its 科普 is no second item beside 印刷费 (it was 科学技术普及)
    doc = engine.store.document(SEED_ID)
    q, ms = engine._analyse("我是科普志愿者，印刷费比去年少了多少", doc)
    assert ms and all(m.start >= q.text.index("印刷费") for m in ms), [(m.start, m.end) for m in ms]


def test_the_staffs_pay_as_a_whole_is_the_tables_and_a_heads_is_personal(engine):
    # seed 表六 30103 奖金 609,063.00: the staff's bonuses together are a row of the table
    a = engine.answer("科协职工的奖金今年预算多少", doc_id=SEED_ID)
    assert a.status == "answered" and a.results[0].value == Decimal("609063.00"), a.text
    b = engine.answer("科协职工每人一年奖金多少", doc_id=SEED_ID)
    assert b.status == "not_found" and not b.results, b.text


def test_everyday_counting_words_and_unit_price(engine):
    # seed 说明: 共有车辆 2 辆; 单位价值100万元（含）以上设备 0 台（套）
    a = engine.answer("科协单位一共几部车", doc_id=SEED_ID)
    assert a.status == "answered" and (a.results[0].value, a.results[0].unit) == (Decimal("2"), "辆"), a.text
    b = engine.answer("科协单价超过一百万的设备有几台", doc_id=SEED_ID)
    assert b.status == "answered" and b.results[0].value == Decimal("0"), b.text


@pytest.fixture(scope="module")
def seed_only(tmp_path_factory) -> AnswerEngine:
    from core.settings import Settings
    from ingest.pipeline import ingest
    from ingest.store import FigureStore
    from tests.conftest import SEED

    settings = Settings(state_dir=tmp_path_factory.mktemp("seed-only"))
    ingest([SEED], settings, build_index=False, progress=False)
    return AnswerEngine(FigureStore(settings.store_path), settings)


@pytest.mark.parametrize("question", ["图书馆今年的水费多少", "人社局的三公经费是多少", "问下妇联去年的会议费"])
def test_a_department_the_corpus_lacks_named_bare_is_refused(seed_only, question):
    # the seed is 科协's only: 图书馆 / 人社局 / 妇联 words appear nowhere in it
    a = seed_only.answer(question)
    assert a.status == "not_found" and not a.results, a.text


def test_this_departments_own_short_name_and_its_bodies_still_answer(seed_only):
    # seed 表六 30215 会议费 5,000.00; 科协 and the 老科技工作者服务团 it funds are its own words
    a = seed_only.answer("区科协机关今年会议费多少")
    assert a.status == "answered" and a.results[0].value == Decimal("5000.00"), a.text


def test_hearsay_before_the_question_is_background(engine):
    # workbook-budget 表五 2081902 农村最低生活保障金支出 8,460,000.00
    a = engine.answer("据说农村低保预算很多，今年农村低保安排了多少", doc_id="workbook-budget-2024")
    assert a.status == "answered" and a.results[0].value == Decimal("8460000.00"), a.text
    # hearsay that states a change is read with it: this year's amount and the change, never 0
    b = engine.answer("据说农村低保又涨了，今年农村低保的预算是多少", doc_id="workbook-budget-2024")
    assert b.status == "answered" and Decimal("8460000.00") in {r.value for r in b.results}, b.text
    assert Decimal("0.00") not in {r.value for r in b.results}, b.text


def test_actual_spending_asked_of_a_budget_is_refused(engine):
    # a 预算 has last year's budget, never what was actually paid
    a = engine.answer("民政局去年实际拨付的低保钱是多少", doc_id="workbook-budget-2024")
    assert a.status == "not_found" and not a.results, a.text


def test_a_project_named_by_the_start_of_its_name(engine):
    # notoc-budget 表十: 春蕾计划助学及困境儿童关爱经费 15.00 万元; its 绩效 target 资助困境女童人数 50人
    a = engine.answer("妇联的春蕾计划今年安排多少钱", doc_id="notoc-budget-2024")
    assert a.status == "answered" and (a.results[0].value, a.results[0].unit) == (Decimal("15.00"), "万元"), a.text
    b = engine.answer("春蕾计划今年要帮多少个女孩", doc_id="notoc-budget-2024")
    assert b.status == "answered" and (b.results[0].value, b.results[0].unit) == (Decimal("50"), "人"), b.text


def test_everyday_word_for_a_soldiers_discharge(engine):
    # legacy-final 表五 2080901 退役士兵安置 决算 172.26 万元
    a = engine.answer("2023年安置退伍士兵一共用了多少钱", doc_id="legacy-final-2023")
    assert a.status == "answered" and a.results[0].value == Decimal("172.26"), a.text
