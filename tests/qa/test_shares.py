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
