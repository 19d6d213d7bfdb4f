"""Many disclosures at once (issue #13): which documents a question is about, asking back when
it does not say, and answers across departments and years — over the seed and every fixture.

Expected figures are read from the disclosures: 科协 2024 三公经费 101,000.00元 (seed 表十),
公务接待费 21,000.00元 (seed 表六); 妇联 2024 三公经费 2.50万元 and 公务接待费 0.90万元
(notoc-budget-2024, 七); 科协 2023 决算 三公经费 94,836.40元 (kexie-final-2023, 表八); 档案馆
2025 三公经费 1.75万元 (archive-budget-2025, 表十)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qa import corpus
from qa.across import short_name
from qa.question import normalise

SEED_ID = "cq-yubei-kexie-2024-budget"


def _scope(engine, text: str):
    return corpus.resolve(normalise(text), engine.documents, engine._years)


def _values(answer) -> set[tuple[Decimal, str]]:
    return {(r.value, r.unit) for r in answer.results}


def test_a_short_name_picks_its_department(engine) -> None:
    scope = _scope(engine, "青溪区妇联今年的办公经费有多少")
    assert [d.id for d in scope.docs] == ["notoc-budget-2024"]
    assert scope.across is None


def test_a_department_with_several_disclosures_is_asked_which_unless_the_question_says(engine) -> None:
    unsaid = _scope(engine, "渝北科协的公务用车运行费")
    assert not unsaid.docs and {d.id for d in unsaid.ask} == {SEED_ID, "kexie-final-2023"}
    # 今年 is the department's newest disclosure; 决算 words want the final account
    assert [d.id for d in _scope(engine, "渝北科协今年的公务用车运行费").docs] == [SEED_ID]
    assert [d.id for d in _scope(engine, "渝北科协公务用车运行费的决算数").docs] == ["kexie-final-2023"]
    # 2024 is printed in the 2025 budget's comparison columns: one document answers both years
    assert [d.id for d in _scope(engine, "档案馆2025年和2024年的办公费").docs] == ["archive-budget-2025"]


def test_two_departments_make_a_question_across_departments(engine) -> None:
    scope = _scope(engine, "妇联跟科协的差旅费")
    assert scope.across == "departments"
    assert {d.id for d in scope.docs} == {"notoc-budget-2024", SEED_ID}


def test_no_department_named_is_asked_back_with_every_department(engine) -> None:
    answer = engine.answer("办公费花了多少")
    assert answer.status == "clarify"
    assert len(answer.options) == len({d.department for d in engine.documents})
    assert any("青溪区妇女联合会" in o or "青溪区妇联" in o for o in answer.options)
    # an option is a question that names its department: asking it answers from that document
    option = next(o for o in answer.options if "妇" in o)
    assert engine.answer(option).doc_id == "notoc-budget-2024"


def test_a_picked_document_is_answered_alone(engine) -> None:
    answer = engine.answer("三公经费一共多少钱", doc_id=SEED_ID)
    assert _values(answer) == {(Decimal("101000.00"), "元")}


def test_which_of_two_departments_spends_more(engine) -> None:
    answer = engine.answer("妇联跟科协比，三公经费哪家高？")
    assert answer.status == "answered"
    assert _values(answer) == {(Decimal("101000.00"), "元"), (Decimal("25000.00"), "元"), (Decimal("76000.00"), "元")}
    assert answer.text.splitlines()[-1].startswith("渝北区科协 2024年预算更多")
    # two of them: by how much, too (101,000.00 − 2.50万元)
    assert "渝北区科协 2024年预算比青溪区妇联 2024年预算多76,000.00元" in answer.text
    assert set(answer.interpretation.doc_ids) == {"notoc-budget-2024", SEED_ID}


def test_a_difference_across_departments_in_yuan(engine) -> None:
    answer = engine.answer("科协的公务接待费减去妇联的是多少")
    assert [(r.value, r.unit) for r in answer.results] == [(Decimal("12000.00"), "元")]
    assert answer.formula == "21000.00 - 9000.00 = 12000.00元"  # 0.90万元 enters as 9000.00元
    assert "21,000.00元" in answer.text and "0.90万元" in answer.text  # each figure as its document prints it


def test_one_department_across_two_documents(engine) -> None:
    answer = engine.answer("科协2023年决算的三公经费比2024年预算少多少")
    assert [(r.value, r.unit) for r in answer.results] == [(Decimal("6163.60"), "元")]
    assert set(answer.interpretation.doc_ids) == {"kexie-final-2023", SEED_ID}
    assert "101000.00 - 94836.40" in answer.text


def test_a_follow_up_keeps_or_changes_the_department(engine) -> None:
    first = engine.answer("青溪区妇联三公经费多少")
    assert _values(first) == {(Decimal("2.50"), "万元")}
    # 档案馆 has a 2024 and a 2025 budget: the follow-up keeps the year of the answer before
    second = engine.answer("那档案馆呢", history=[first.resolved_question or first.question])
    assert second.doc_id == "quirks-budget-2024"
    assert {v * (10000 if u == "万元" else 1) for v, u in _values(second)} == {Decimal("18000")}
    assert "石溪区档案馆 2024年预算" in second.text  # the reading names the document it read
    third = engine.answer("那2025年的呢", history=["档案馆2024年三公经费多少"])
    assert third.doc_id == "archive-budget-2025" and _values(third) == {(Decimal("1.75"), "万元")}


@pytest.mark.parametrize(
    ("department", "short"),
    [("重庆市渝北区科学技术协会", "渝北区科协"), ("山东省鲁东市黄台区市场监督管理局", "黄台区市场监督管理局"),
     ("四川省蓉北市青溪区妇女联合会", "青溪区妇联"), ("清浦区图书馆", "清浦区图书馆")],
)
def test_short_names_keep_the_district(department: str, short: str) -> None:
    assert short_name(department) == short


def test_a_wrong_character_in_the_department_name(engine) -> None:
    # archive-budget-2025 表六: 30217 公务接待费 3,500.00
    a = engine.answer("档按馆2025年的公务接待费")
    assert a.doc_id == "archive-budget-2025" and (Decimal("3500.00"), "元") in _values(a)
    # a wrong place is another department, not a typo
    assert engine.answer("江北区科协2024年的公务接待费").status == "not_found"


def test_a_wrong_character_in_a_short_name_beside_another_department(engine) -> None:
    # '卫建委' for 卫健委 (pdftext-final-2023 line 370: 30231 公务用车运行维护费 58,734.18);
    # final-accounts-2023 line 244: 云峰区农业农村委 78,460.26 — the larger is named first
    a = engine.answer("卫建委跟农业农村委2023年哪个公车运行费花得多？多了多少")
    assert set(a.interpretation.doc_ids) == {"pdftext-final-2023", "final-accounts-2023"}
    assert [(r.value, r.unit) for r in a.results] == [(Decimal("19726.08"), "元")], a.text
    assert "云峰区农业农村委 2023年决算比梧桐区卫生健康委 2023年决算多19,726.08元" in a.text


def test_a_subtraction_keeps_the_order_asked(engine) -> None:
    # 妇联 公务接待费 0.90万元, 科协 21,000.00元
    a = engine.answer("妇联的公务接待费减去科协的是多少")
    assert [(r.value, r.unit) for r in a.results] == [(Decimal("-12000.00"), "元")], a.text


def test_a_ranking_names_the_first_department_in_full(engine) -> None:
    a = engine.answer("科协和妇联哪个三公经费多")
    assert "渝北区科协 2024年预算更多（重庆市渝北区科学技术协会，101,000.00元）" in a.text, a.text


def test_a_follow_up_across_departments_changes_the_item_where_the_question_named_it(engine) -> None:
    # '科协和妇联…谁的三公经费多' then '那公务接待费呢': 科协 21,000.00 − 妇联 0.90万元
    a = engine.answer("那公务接待费呢", history=["科协和妇联今年谁的三公经费多？多多少"])
    assert [(r.value, r.unit) for r in a.results] == [(Decimal("12000.00"), "元")], a.text


def test_it_after_a_ranking_is_the_department_ranked_first(engine) -> None:
    # printed-budget-2024 line 163: 共有车辆8辆 (the most of the corpus); line 362: 30231 186,000.00
    a = engine.answer("那它平均下来一辆车一年的运行维护费预算是多少？", history=["哪家单位的公车最多，有几辆？"])
    assert a.doc_id == "printed-budget-2024", a.text
    assert (Decimal("23250.00"), "元") in _values(a), a.text


def test_how_much_is_no_ask_for_the_least(engine) -> None:
    # '安排了多少' ends on 少: it asks an amount, not which department has the least; only
    # wanyuan-budget-2024 line 45 has 因公出国（境）费 8.60万元, the others print 0
    a = engine.answer("这些部门里谁有出国的经费？安排了多少")
    last = a.text.splitlines()[-1]
    assert last.startswith("云岭示范区文旅委 2024年预算最多"), last
    assert "【云岭示范区文旅委 2024年预算】表六" in a.text  # each document's own reading line removed whole


def test_this_year_against_last_from_each_years_own_document(engine) -> None:
    # 档案馆 2025 budget 表六 30206 电费 61,200.00, its 2024 budget 58,400.00: the 2025 budget has
    # no 2024 column for it, the 2024 budget does
    a = engine.answer("档案馆今年电费预算比去年涨了多少")
    assert set(a.interpretation.doc_ids) == {"archive-budget-2025", "quirks-budget-2024"}, a.text
    assert (Decimal("2800.00"), "元") in _values(a), a.text


def test_each_department_is_asked_the_year_named_beside_it(engine) -> None:
    a = engine.answer("妇联今年的公务接待费比档案馆2025年的多多少")
    assert {d for d in a.interpretation.doc_ids} == {"notoc-budget-2024", "archive-budget-2025"}
    assert [(r.value, r.unit) for r in a.results] == [(Decimal("5500.00"), "元")]  # 9000.00 - 3500.00


def test_last_year_of_a_department_is_read_against_its_newest_disclosure(engine) -> None:
    # 档案馆 has a 2025 and a 2024 预算: 去年 is 2024, answered by the 2024 document as 2024
    # (表六 30217 公务接待费 3,000.00 元), not as that document's own 去年 (2023: 0.40 万元)
    answer = engine.answer("档案馆上年的公务接待费安排了多少")
    assert answer.status == "answered" and answer.interpretation.years == (2024,)
    assert (Decimal("3000.00"), "元") in _values(answer)


def test_a_comparison_with_one_side_missing_is_not_an_answer(engine) -> None:
    # 渭北区应急管理局 prints 30215 会议费 4,200.00 元; 西坪区退役军人事务局 has no 会议费: which is
    # larger cannot be said, and the one figure found is no answer to it
    answer = engine.answer("西坪退役军人事务局和渭北应急局2023年会议费哪家的大")
    assert answer.interpretation.operation == "compare"
    assert answer.status == "not_found" and not answer.results
    assert "4,200.00元" in answer.text and "无法比较" in answer.text


def test_a_place_without_its_level_before_a_name_beginning_with_that_level(engine) -> None:
    # '黄台市场监管局': 黄台区's 市场监督管理局 (the 市 belongs to 市场), not a 黄台市
    answer = engine.answer("黄台市场监管局的政府采购预算是多少")
    assert answer.status == "answered" and answer.doc_id == "printed-budget-2024"
    assert (Decimal("3892000.00"), "元") in _values(answer)


def test_every_department_said_as_a_construction(engine) -> None:
    from qa.corpus import all_departments

    for text in ("这几个单位的办公费", "这么多部门里谁的车最多", "每家的三公经费", "所有机构的会议费"):
        assert all_departments(text), text
    assert not all_departments("科协的单位性质是什么")


def test_the_departments_of_a_named_year_are_those_whose_disclosure_is_of_that_year(engine) -> None:
    # the 2024 预算s: 档案馆 18,000 (1.80万元) + 科协 101,000 + 统计局 32,000 + 妇联 25,000 (2.50万元)
    # + 市场监管局 208,000 + 文旅委 182,000 (18.20万元) + 图书馆 3,000 + 民政局 58,000; not 住建委's
    # 2025 预算 (its 2024 column) and no 2023 决算
    answer = engine.answer("2024年预算的这几个单位三公经费加在一起多少")
    assert answer.status == "answered"
    assert [(r.value, r.unit) for r in answer.results] == [(Decimal("627000.00"), "元")]
    assert "pipe-fund-budget-2025" not in answer.interpretation.doc_ids


def test_a_difference_over_more_than_two_departments_is_not_a_guess(engine) -> None:
    # eight 2024 预算s: a difference has no two to subtract; none is picked
    answer = engine.answer("2024年预算的这几个单位三公经费差多少")
    assert answer.status != "answered" and not answer.results
    assert "两者之间" in answer.text
