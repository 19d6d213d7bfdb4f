"""Candidate items from all the evidence (phrasings not in the eval set)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qa.match import find_hits, heads, mentions
from qa.question import read
from tests.qa.conftest import SEED_ID


@pytest.fixture(scope="module")
def seed(engine):
    return engine.store.document("cq-yubei-kexie-2024-budget")


def found(engine, seed, question):
    q = read(question, seed)
    return q, mentions(find_hits(q, engine.catalog))


def names(ms):
    return [sorted({h.entry.name for h in m.hits}) for m in ms]


def test_exact_names_codes_and_the_glossary(engine, seed):
    _, ms = found(engine, seed, "30207的预算")
    assert names(ms) == [["邮电费"]]
    _, ms = found(engine, seed, "出差要花多少")  # everyday word → 差旅费
    assert ["差旅费"] in names(ms) and ms[0].hits[0].how == "glossary"


def test_a_typing_slip_is_one_character(engine, seed):
    _, ms = found(engine, seed, "物业管里费多少")
    assert any("物业管理费" in n for n in names(ms))
    assert {h.how for h in ms[0].hits} == {"fuzzy"}


def test_a_word_the_disclosure_uses_is_never_a_slip(engine, seed):
    # '机构运行' is a 科目 of its own, one character away from '机关运行'
    _, ms = found(engine, seed, "机构运行多少钱")
    assert ms and all(h.how != "fuzzy" for m in ms for h in m.hits)


def test_a_long_name_by_its_distinctive_part(engine, seed):
    _, ms = found(engine, seed, "一老一小科技培训办几场")
    # 开展“一老一小”科技培训150次 (表十五, 当年整体绩效目标)
    assert any(h.entry.name == "开展一老一小科技培训" for m in ms for h in m.hits)


def test_an_abbreviated_project(engine, seed):
    _, ms = found(engine, seed, "老科技团经费")
    assert any(h.how == "project" and h.entry.project == "老科技工作者服务团经费" for m in ms for h in m.hits)


def test_a_qualifier_keeps_the_head_of_the_phrase(engine, seed):
    q, ms = found(engine, seed, "项目支出里的劳务费是多少")
    hs = heads(q, ms, engine.catalog)
    assert [q.text[m.start : m.end] for m in hs] == ["劳务费"]
    assert hs[0].extra  # 项目支出 is explained by the head's reading


def test_cue_words_are_no_items(engine, seed):
    # '支出决算数' is made of the question's own words (支出, 决算数): no partial item
    _, ms = found(engine, seed, "行政运行的支出决算数")
    assert all(h.how != "partial" for m in ms for h in m.hits)


def test_an_abbreviation_followed_by_project_names_the_project(engine):
    # printed-budget 表十二 重点项目 食品安全监督抽检 预算金额 880,000.00 (also 表十一's row); '食品抽检'
    # is its abbreviation, and '项目' says it is the project, not the 科目 食品安全监管 (glossary)
    a = engine.answer("食品抽检项目安排了多少钱", doc_id="printed-budget-2024")
    assert a.results and a.results[0].value == Decimal("880000.00"), a.text


def test_an_everyday_name_from_the_glossary_for_a_national_classification_item(engine):
    # document-final 表五: 2240602 森林草原防灾减灾 本年决算数 362,800.00 — people say 森林防火.
    # '一共' never adds the row's 表二 income (512,800.00) to its 表五 spending (it said 875,600.00)
    a = engine.answer("森林防火一共花了多少", doc_id="document-final-2023")
    assert a.results and a.results[0].value == Decimal("362800.00"), a.text


@pytest.mark.parametrize(
    ("doc", "question", "value"),
    [
        # quirks-budget-2024 表六 30231 公务用车运行维护费 15,000.00: 油费 (glossary) and 维修费, which
        # the glossary's description of 30231 lists (燃料、维修 …), are one item, not two
        ("quirks-budget-2024", "档案馆那辆车一年的油费维修费啥的预算多少", "15000.00"),
        # document-final-2023 表六 30231 72,640.00: 油钱, 修车钱 (glossary) and 保险 (its description)
        ("document-final-2023", "应急局那几辆车一年的油钱修车钱保险一共花了多少", "72640.00"),
    ],
)
def test_what_an_item_pays_for_is_that_item(engine, doc, question, value):
    a = engine.answer(question, doc_id=doc)
    assert a.status == "answered" and [r.value for r in a.results] == [Decimal(value)], a.text


def test_those_few_and_such_ask_nothing(seed):
    q = read("那几辆车的油费什么的", seed)
    assert not q.has_op("count", "text"), q.cues


def test_an_everyday_word_typed_with_a_homophone_is_still_the_item(engine):
    # 北江区民政局: 2081902 农村最低生活保障金支出 8,460,000.00元; '低报金' is 低保金 (bao) mistyped
    a = engine.answer("北江民政局农村低报金今年安排多少", doc_id="workbook-budget-2024")
    assert a.status == "answered" and [(r.value, r.unit) for r in a.results] == [(Decimal("8460000.00"), "元")]


def test_a_slip_that_does_not_sound_alike_is_no_match(engine):
    # '养狗的钱' differs from an everyday word for 人员经费 ('养人的钱') by one character that sounds different
    a = engine.answer("科协今年养狗的钱有多少", doc_id=SEED_ID)
    assert a.status != "answered" or "人员经费" not in a.text


def test_an_everyday_word_inside_a_longer_budget_term_is_that_term(engine):
    # '机关运转' is everyday for 行政运行; rewritten '机关运行' sits inside '机关运行经费', a term of its
    # own: 西坪区退役军人事务局 states none, and 2082801 行政运行 is no answer to it
    a = engine.answer("退役军人事务局去年的机关运行经费有多少", doc_id="legacy-final-2023")
    assert a.status != "answered" or "行政运行" not in a.text, a.text


def test_the_car_in_everyday_words_finds_the_car_costs(engine):
    # 云峰区农业农村委 表六 30231 公务用车运行维护费 78,460.26 (表八 the same: 购置 0)
    a = engine.answer("云峰农委去年公车用了多少钱", doc_id="final-accounts-2023")
    assert a.status == "answered"
    assert [(r.value, r.unit) for r in a.results][:1] == [(Decimal("78460.26"), "元")]


def test_words_that_are_part_of_a_rows_name_are_no_abbreviation_of_another(engine):
    # workbook-budget 表五: 20805 行政事业单位养老支出 2,021,184.00 ends on '养老支出'; 2080505
    # 机关事业单位基本养老保险缴费支出 1,048,256.00 only contains its characters in order
    a = engine.answer("民政局养老支出今年安排了多少", doc_id="workbook-budget-2024")
    assert Decimal("1048256.00") not in {r.value for r in a.results}, a.text
    assert a.status in ("answered", "clarify") and Decimal("2021184.00") in {r.value for r in a.results}, a.text


def test_the_running_cost_of_a_car_in_everyday_words(engine, seed):
    # seed 表六: 30231 公务用车运行维护费 80,000.00元, asked as '车辆运行费' or '那辆车的运行费'
    for question in ("车辆运行费今年多少", "那辆车的运行费要多少"):
        a = engine.answer(question, doc_id=seed.id)
        assert a.status == "answered" and a.results[0].value == Decimal("80000.00"), a.text
