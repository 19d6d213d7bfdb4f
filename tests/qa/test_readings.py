"""Readings are weighed by the words they explain; decisions follow the scores."""

from __future__ import annotations

from decimal import Decimal

from tests.qa.conftest import SEED_ID


def values(a):
    return [(r.value, r.unit) for r in a.results]


def test_every_answer_states_its_reading(engine):
    a = engine.answer("邮电费今年多少", doc_id=SEED_ID)
    assert a.interpretation is not None and a.interpretation.items
    assert a.text.startswith("（理解为：30207 邮电费 · 2024年")
    assert a.interpretation.operation == "value" and a.interpretation.score >= 0.9


def test_a_word_nobody_explains_lowers_the_score_it_does_not_refuse(engine):
    plain = engine.answer("邮电费多少", doc_id=SEED_ID)
    chatty = engine.answer("邮电费多少，我在写报告", doc_id=SEED_ID)
    assert chatty.status == "answered" and values(chatty) == values(plain)
    assert chatty.interpretation.score <= plain.interpretation.score


def test_a_modifier_glued_to_a_name_changes_the_item(engine):
    # '科普大学培训费' is a kind of 培训费 the tables do not break out
    a = engine.answer("青少年夏令营培训费是多少", doc_id=SEED_ID)
    assert a.status == "not_found"
    assert a.suggestions  # the nearest readings, offered as questions


def test_different_values_for_the_same_words_are_asked_back(engine):
    # 劳务费: 58,000 in 表六 (基本支出) and 250,000 in 表八 (项目支出)
    a = engine.answer("劳务费安排多少", doc_id=SEED_ID)
    assert a.status == "clarify"
    assert {(Decimal("58000.00"), "元"), (Decimal("250000.00"), "元")} <= set(values(a))
    assert len(a.suggestions) >= 2


def test_a_count_is_never_answered_in_yuan(engine):
    a = engine.answer("培训要搞多少场", doc_id=SEED_ID)
    assert all(unit != "元" for _, unit in values(a))


def test_a_share_of_the_named_whole(engine):
    # 表六: 30231 公务用车运行维护费 80,000 / 302 商品和服务支出 557,089.56 = 14.4 %
    a = engine.answer("商品和服务支出里公务用车运行维护费占几成", doc_id=SEED_ID)
    assert (Decimal("14.4"), "%") in values(a), a.text
    assert a.interpretation.whole


def test_a_year_the_budget_cannot_have_is_said_plainly(engine):
    a = engine.answer("后年的水费预算", doc_id=SEED_ID)
    assert a.status == "not_found" and "2026" in a.text


def test_the_final_accounts_own_kind_is_explained_by_its_own_sentence(engine):
    # pdftext-final-2023 line 57: 2023年度一般公共预算财政拨款支出23,770,604.85元 — a 决算's sentence
    # states 决算 figures; '决算' in the question is no word the reading leaves out
    a = engine.answer("2023年度一般公共预算财政拨款支出决算是多少万元", doc_id="pdftext-final-2023")
    assert a.status == "answered" and any(r.value == Decimal("23770604.85") for r in a.results), a.text


def test_one_figure_does_not_answer_where_the_money_went(engine):
    # pipe-fund-budget-2025: '政府性基金那部分钱都花在哪了' asks a breakdown; the fund's total alone
    # (表一 130,164,500.00) is not the answer
    a = engine.answer("住建委今年政府性基金那部分钱都花在哪了", doc_id="pipe-fund-budget-2025")
    assert not (a.status == "answered" and [(r.value, r.unit) for r in a.results] == [(Decimal("130164500.00"), "元")]), a.text


def test_money_left_at_the_years_end_is_its_carry_over(engine):
    # final-accounts-2023 表一: 年末结转和结余 715,302.37; legacy-final-2023 表一: 年末结转和结余 8.36万元 —
    # '年底' is 年末, '没花完/没用完' is 结转和结余, and '结转到下一年' repeats the item's own word
    a = engine.answer("年底还有多少钱没花完结转到下一年", doc_id="final-accounts-2023")
    assert a.status == "answered" and [r.value for r in a.results] == [Decimal("715302.37")], a.text
    b = engine.answer("他们2023年底还剩多少钱没用完", doc_id="legacy-final-2023")
    assert b.status == "answered" and [(r.value, r.unit) for r in b.results] == [(Decimal("8.36"), "万元")], b.text


def test_asked_where_an_answer_naming_no_place_weighs_less(engine):
    # '我家附近有没有' after a question on where 科普基地 are built: the seed's count of 科普基地 (1个)
    # says nothing of where; asked what the money is spent on ('花在哪些地方'), no place is asked
    from tests.qa.conftest import SEED_ID

    a = engine.answer("科普基地放在哪个镇？我家附近有吗", doc_id=SEED_ID)
    assert a.status != "answered"
    b = engine.answer("科协今年的钱都花在哪些地方", doc_id=SEED_ID)
    assert b.status == "answered" and b.interpretation.operation in ("composition", "breakdown")
