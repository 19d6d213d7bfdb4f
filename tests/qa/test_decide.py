"""Deciding between readings: facts of one sentence the question does not tell apart."""

from __future__ import annotations

from decimal import Decimal

KEXIE_FINAL = "kexie-final-2023"


def values(a):
    return {(r.value, r.unit) for r in a.results}


def test_sibling_counts_of_one_sentence_are_answered_together(engine):
    # kexie-final-2023 line 38: '全年国内公务接待31批次、217人次……；外事接待0批次、0人次'.
    # '接待了多少人次' names neither: both, in the sentence's order, not the one that scores higher
    a = engine.answer("接待了多少人次", doc_id=KEXIE_FINAL)
    assert a.status == "answered"
    assert {(Decimal("217"), "人次"), (Decimal("0"), "人次")} <= values(a)
    assert a.text.index("国内公务接待") < a.text.index("外事接待")


def test_a_whole_and_its_parts_are_not_siblings(engine):
    # archive-budget-2025 line 73: '共有车辆 1 辆，其中，……机要通信用车 1 辆、……其他用车 0 辆'
    a = engine.answer("档案馆有几辆车", doc_id="archive-budget-2025")
    assert a.status == "answered" and (Decimal("1"), "辆") in values(a)
    assert "其他用车" not in a.text
