"""Shares (qa/shares.py): the part of a whole, as the whole's own sentences state it."""

from __future__ import annotations

from decimal import Decimal


def values(a):
    return {(r.value, r.unit) for r in a.results}


def test_a_share_of_a_stated_whole_takes_the_part_its_sentences_state(engine):
    # pipe-fund line 56: 政府采购预算总额80,396,500元 … 。其中 … 政府性基金预算财政拨款政府采购62,386,500元
    # → 62,386,500 / 80,396,500 = 77.6 %, not 表一's 政府性基金 income over the procurement total
    a = engine.answer("政府采购预算总额中，政府性基金预算财政拨款政府采购占比多少", doc_id="pipe-fund-budget-2025")
    assert a.results and a.results[0].value == Decimal("77.6"), a.text


def test_a_scope_before_the_part_is_no_whole_when_a_whole_is_named(engine):
    # 渭北区应急管理局 表六: 30209 物业管理费 96,000.00 of 302 商品和服务支出 709,500.00 → 13.5%
    a = engine.answer("2023年一般公共预算财政拨款基本支出中，物业管理费占商品和服务支出的比重是多少？", doc_id="document-final-2023")
    assert a.status == "answered" and [(r.value, r.unit) for r in a.results] == [(Decimal("13.5"), "%")]


def test_the_final_as_a_share_of_its_budget_is_the_completion_rate(engine):
    # 西坪区退役军人事务局 表八 三公经费: 决算 2.51 of 年初预算 2.80 万元 → 89.6%
    a = engine.answer("一般公共预算财政拨款三公经费决算数占年初预算数的百分比是多少？", doc_id="legacy-final-2023")
    assert a.status == "answered" and (Decimal("89.6"), "%") in [(r.value, r.unit) for r in a.results]


def test_the_parts_column_is_no_column_of_the_whole(engine):
    # seed 表五 合计 row: 项目支出 3,300,000.00 of the 合计 column 6,059,264.63 → 54.5 %
    # (not the total row's own 项目支出 cell, which would be 100 %)
    a = engine.answer("项目支出占部门全部支出的比例", doc_id="cq-yubei-kexie-2024-budget")
    assert a.status == "answered" and (Decimal("54.5"), "%") in values(a), a.text


def test_a_share_of_one_funds_total_is_not_the_all_funds_share_the_narrative_states(engine):
    # workbook-budget: 说明 '社会保障和就业支出…占91.3%' is of the whole 支出预算 (with 政府性基金);
    # of 表五's 一般公共预算 合计 39,421,821.28 it is 37,891,764.00 → 96.1 %
    a = engine.answer("社会保障和就业支出在一般公共预算支出中占多大比重", doc_id="workbook-budget-2024")
    assert a.status == "answered" and (Decimal("96.1"), "%") in values(a) and (Decimal("91.3"), "%") not in values(a), a.text


def test_a_procurement_kind_asked_in_everyday_words_is_a_share_of_procurement(engine):
    # pdftext-final: 政府采购服务支出6,987,940元 of 政府采购支出总额7,924,180元 → 88.2%; notoc-budget:
    # 政府采购货物2.60万元 of 区妇联政府采购预算总额12.60万元 → 20.6% (the department's name first)
    a = engine.answer("梧桐卫健委采购里头服务类的比重", doc_id="pdftext-final-2023")
    assert a.status == "answered" and a.results[0].value == Decimal("88.2"), a.text
    b = engine.answer("区妇联政府采购中货物类所占比重", doc_id="notoc-budget-2024")
    assert b.status == "answered" and b.results[0].value == Decimal("20.6"), b.text
