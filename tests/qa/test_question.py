"""Reading a question once: cue words with their positions (phrasings not in the eval set)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qa.question import content_positions, mark_aside, normalise, read, short_names


@pytest.fixture(scope="module")
def seed(engine):
    return engine.store.document("cq-yubei-kexie-2024-budget")


def cues(q, kind):
    return [(q.text[c.start : c.end], c.value) for c in q.cues if c.kind == kind]


def test_normalise_folds_width_traditional_and_spaces():
    assert normalise("２０２４年 三公經費 是多少？") == "2024年三公经费是多少?"


def test_relative_years_against_the_budget_year(seed):
    q = read("前年和明年的培训费各是多少", seed)
    assert q.out_of_range == [2022, 2025]
    q = read("去年的会议费", seed)
    assert q.years == [2023] and not q.out_of_range


def test_these_two_years_are_this_year_and_the_one_before(seed):
    assert sorted(read("机关运行经费这两年是涨了还是降了", seed).years) == [2023, 2024]


def test_a_year_compared_against_is_the_base(seed):
    q = read("2024年水费比2023年多了吗", seed)
    assert q.years == [2024] and q.base_year == 2023
    q = read("邮电费和去年相比有什么变化", seed)
    assert q.base_year == 2023 and q.years == []
    # '和' between two years is a list, not a comparison
    assert read("2023年和2024年的电费", seed).years == [2023, 2024]


def test_units_asked_and_numbers_stated(seed):
    assert read("劳务费合多少万元", seed).unit_asked == "万元"
    assert read("这个单位有几辆车", seed).unit_asked == "辆"
    assert read("有多少工作人员", seed).unit_asked == "人"
    # the top few of a ranking are not a count of 项
    assert read("办公费里最大的几项是什么", seed).unit_asked is None
    # '100万元以上的设备' states a number; the question asks for a count of 台
    assert read("100万元以上设备有几台", seed).unit_asked == "台"


def test_operations_are_cued_with_their_words(seed):
    q = read("物业管理费占商品和服务支出的比重", seed)
    assert "share" in q.ops() and ("比重", "share") in cues(q, "op")
    assert "growth" in read("住房公积金的增幅", seed).ops()
    assert "diff" in read("差旅费比去年少了多少", seed).ops()
    assert "rank" in read("哪三项公用经费最多", seed).ops()


@pytest.mark.parametrize("text", ["决算比年初预算省了多少万元", "决算比年初预算多支出了多少元", "比去年高出几万"])
def test_a_comparison_asking_how_much_is_a_difference_whatever_its_verb(seed, text):
    assert "diff" in read(text, seed).ops()


def test_a_comparison_asking_a_rate_is_no_difference(seed):
    assert "diff" not in read("比上年增长了百分之几", seed).ops()


def test_the_departments_own_name_and_fillers_need_no_explaining(seed):
    q = read("请问一下渝北区科协的邮电费", seed)
    content = "".join(q.text[i] for i in sorted(content_positions(q)))
    assert content == "邮电费"


def test_a_longer_word_of_the_disclosure_is_not_the_department(seed):
    # '老科协' (the old scientists' association) is not the department 科协
    q = read("老科协的经费", seed)
    assert not cues(q, "department")


def test_places_and_table_numbers(seed):
    q = read("表六里邮电费折合万元保留一位小数", seed)
    assert q.places == 1 and q.table_nos == [6]


@pytest.mark.parametrize(
    ("text", "name", "short"),
    [
        ("城建委今年花了多少", "城乡建设委员会", "城建委"),
        ("区妇联的三公经费", "妇女联合会", "区妇联"),
        ("疾控中心有几辆车", "疾病预防控制中心", "疾控中心"),
        ("体育局的预算", "体育运动管理局", "体育局"),
    ],
)
def test_short_names_of_a_department(text, name, short):
    from core.vocab import vocabulary

    spans = short_names(text, name, vocabulary().institutions)
    assert [text[a:b] for a, b in spans] == [short]


def test_short_names_end_on_the_suffix():
    from core.vocab import vocabulary

    # '体育运动' alone is no department: the name's kind (局) is missing
    assert short_names("体育运动经费", "体育运动管理局", vocabulary().institutions) == []


def test_the_departments_short_name_is_no_item(seed):
    q = read("渝北科协今年预算多少", seed)
    assert any(q.text[c.start : c.end] == "渝北科协" for c in q.cues if c.kind == "department")


def test_how_come_before_a_change_asks_why(seed):
    assert "reason" in read("培训费怎么比去年还少了", seed).ops()
    assert "reason" not in read("培训费怎么查", seed).ops()


def test_haoduo_asks_how_much_as_southwestern_mandarin_does():
    from qa.question import normalise

    assert "有多少" in normalise("渝北科协今年总共有好多预算哦")
    assert normalise("好多项目") == "好多项目"  # 'many projects' is not a question word


def test_those_few_things_are_pointed_at_not_counted(seed):
    # '那几辆车' / '这几个项目' are the cars and projects already spoken of: no count asked
    assert read("那几辆车是什么牌子", seed).unit_asked is None
    assert read("这几个项目是干什么的", seed).unit_asked is None


def test_a_last_clause_saying_something_aside_needs_no_explaining(seed):
    q = read("培训费比去年增长了百分之几，表里那格显示不出来", seed)
    mark_aside(q, [(0, 3)])
    aside = [c for c in q.cues if c.kind == "context" and c.value == "clause"]
    assert [q.text[c.start : c.end] for c in aside] == ["表里那格显示不出来"]
    assert not content_positions(q) & set(range(aside[0].start, aside[0].end))
    # a last clause naming an item, or a year, is part of the question
    q = read("三公经费多少，2023年的", seed)
    mark_aside(q, [(0, 4)])
    assert not any(c.kind == "context" and c.value == "clause" for c in q.cues)
    q = read("培训费多少，差旅费", seed)
    mark_aside(q, [(0, 3), (6, 9)])
    assert not any(c.kind == "context" and c.value == "clause" for c in q.cues)


def test_the_department_with_one_wrong_character_is_the_department(engine):
    # archive-budget-2025: '档按馆' is 档案馆 mistyped, not its 2012604 档案馆 row (2,496,086.52):
    # the whole budget, 表五 合计 3,917,231.51
    a = engine.answer("档按馆今年总预算多少钱", doc_id="archive-budget-2025")
    assert a.status == "answered" and a.results[0].value == Decimal("3917231.51")


def test_a_short_name_does_not_take_the_first_character_of_an_item(engine):
    # '科协会议费': 科协 + 会议费 (kexie-final-2023 表六 3,280.00 and 表七 86,400.00, two tables:
    # asked back), not the shortening '科协会' + '议费'
    a = engine.answer("科协会议费花了多少", doc_id="kexie-final-2023")
    assert a.status == "clarify"
    assert {(Decimal("3280.00"), "元"), (Decimal("86400.00"), "元")} <= {(r.value, r.unit) for r in a.results}


def test_the_year_before_last_of_a_final_account_is_the_year_it_compares_with(engine):
    # a 决算 is read the year after: '去年' is 2023, '前年' 2022 (kexie-final-2023 line 37:
    # '比2022年决算数101,284.50元减少6,448.10元')
    a = engine.answer("科协去年三公经费跟前年比涨了还是降了", doc_id="kexie-final-2023")
    assert a.status == "answered"
    assert {(Decimal("94836.40"), "元"), (Decimal("101284.50"), "元")} <= {(r.value, r.unit) for r in a.results}
    assert "减少" in a.text


def test_a_table_named_by_its_own_title_is_that_table(engine):
    # 渭北区应急管理局 表七 is the 一般公共预算财政拨款项目支出决算表: 30227 委托业务费 888,600.00元
    a = engine.answer("一般公共预算财政拨款项目支出决算表中30227委托业务费的决算数是多少", doc_id="document-final-2023")
    assert a.status == "answered" and [(r.value, r.unit) for r in a.results] == [(Decimal("888600.00"), "元")]
    assert "表七" in a.text


def test_either_direction_asked_is_a_change(seed):
    for text in ("今年经费是多是少", "预算比去年多还是少", "三公经费涨了还是跌了", "支出是增是减"):
        assert "change" in read(text, seed).ops(), text


def test_a_year_compared_with_and_nothing_else_asked_is_a_change(seed):
    for text in ("三公经费和前年比呢", "办公费跟2022年相比怎么样", "那和上年比较呢"):
        assert "change" in read(text, seed).ops(), text


def test_the_place_before_a_misspelt_department_name_is_the_departments(engine):
    doc = engine.store.document("pdftext-final-2023")  # 湖南省湘源市梧桐区卫生健康委员会
    q = read("梧桐卫建委公车一年保养加油花了多少", doc)
    assert ("梧桐卫建委", "梧桐卫建委") in cues(q, "department")


def test_the_overall_size_in_everyday_words_is_the_total(seed):
    # 盘子: a budget's overall size — '收支总盘子' reads 收支总计
    assert "收支总计" in read("科协今年收支总盘子多大", seed).text
