"""Operations on chosen items (qa/ops.py): values, with last year's grand total kept in its
口径. Values read from the disclosures' lines."""

from __future__ import annotations

from decimal import Decimal


def values(a):
    return {(r.value, r.unit) for r in a.results}


def test_last_years_grand_total_is_not_a_narrower_tables_total(engine):
    # pipe-fund 表五 lists 2024 only for 一般公共预算 (合计 34,288,545.20); the department's 2024 total
    # with 政府性基金 is 166,860,554.80 − 8,972,009.60 = 157,888,545.20 (line 14/15): never 表五's
    a = engine.answer("住建委2024年部门预算总收入是多少（含基金）", doc_id="pipe-fund-budget-2025")
    assert Decimal("34288545.20") not in {r.value for r in a.results}, a.text
    # naming the fund keeps 表五's own total
    b = engine.answer("去年一般公共预算支出合计多少", doc_id="pipe-fund-budget-2025")
    assert b.results and b.results[0].value == Decimal("34288545.20"), b.text


def test_how_many_people_with_none_named_is_asked_back(engine):
    # notoc-budget-2024 line 9: 2024年末编制数11名，实有在职人员10名，退休人员3名 — different counts
    a = engine.answer("妇联有多少人", doc_id="notoc-budget-2024")
    assert a.status == "clarify", a.text
    assert {(Decimal("11"), "名"), (Decimal("10"), "名"), (Decimal("3"), "名")} <= {(r.value, r.unit) for r in a.results}
    b = engine.answer("妇联在职的有几个人", doc_id="notoc-budget-2024")
    assert b.status == "answered" and [(r.value, r.unit) for r in b.results] == [(Decimal("10"), "名")], b.text


def test_a_count_done_in_one_year_is_not_another_years_answer(engine):
    # the seed's 整体绩效目标 plans '开展“一老一小”科技培训150次' for 2024: what was done in 2023 it
    # does not say; a stock stated at a date ('截至2023年12月底…共有车辆2辆') holds across the turn
    from tests.qa.conftest import SEED_ID

    a = engine.answer("上年搞了几次一老一小的科技培训", doc_id=SEED_ID)
    assert a.status != "answered" or all(r.value != 150 for r in a.results), a.text
    b = engine.answer("科协上一年有几辆公车", doc_id=SEED_ID)
    assert b.status == "answered" and [(r.value, r.unit) for r in b.results] == [(2, "辆")]
