"""The catalogue's names of an item (qa/catalog.py): the ways a question may name it."""

from __future__ import annotations

from qa.catalog import name_variants


def test_a_narrative_label_is_asked_without_its_kind_or_total_word():
    # final-accounts-2023 line 49: '一般公共预算财政拨款支出决算数为37,727,787.24元' is asked as
    # '…支出决算'; a total's '总额' is dropped, and its kind word with it ('政府采购' asks the
    # 政府采购预算总额; its parts are asked by their own longer names, '服务类采购' by the glossary)
    assert "一般公共预算财政拨款支出决算" in name_variants("一般公共预算财政拨款支出决算数", "narrative")
    assert "政府采购预算" in name_variants("政府采购预算总额", "narrative")
    assert "政府采购" in name_variants("政府采购支出总额", "narrative")
    # a short label keeps its word: '项目预算' is not '项目'
    assert "项目" not in name_variants("项目预算", "narrative")


def test_a_row_name_drops_its_generic_suffix_and_keeps_its_brackets_optional():
    variants = name_variants("因公出国(境)费用")
    assert {"因公出国费用", "因公出国(境)费"} <= set(variants)


def test_a_funds_own_row_is_asked_by_the_funds_name():
    # pipe-fund-budget-2025 表一: '政府性基金预算财政拨款资金 130,164,500.00' asked as '政府性基金有多少钱'
    assert {"政府性基金", "政府性基金预算"} <= set(name_variants("政府性基金预算财政拨款资金"))
    assert "政府性基金" not in name_variants("政府性基金预算财政拨款支出表")
