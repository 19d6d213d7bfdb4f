"""Rough amounts in a question ('两百多万') are read as ranges and weigh the readings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qa.approx import approximate_amounts
from tests.qa.conftest import SEED_ID


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("两百多万", "2000000", "3000000"),
        ("少了一百多万", "1000000", "2000000"),
        ("20多万", "200000", "300000"),
        ("十几万", "110000", "200000"),
        ("几十万", "100000", "1000000"),
        ("上百万", "1000000", "10000000"),
        ("三千多块", "3000", "4000"),
        ("近200万", "1600000", "2000000"),
        ("大约30万", "240000", "360000"),
        ("两万出头", "20000", "24000"),
    ],
)
def test_rough_amounts_give_ranges(text, low, high):
    (a,) = approximate_amounts(text)
    assert (a.low, a.high) == (Decimal(low), Decimal(high))
    assert a.end == len(text)  # the words are accounted for up to the unit and its '多'/'出头'


@pytest.mark.parametrize("text", ["30万", "213.97万元", "多少万", "三公经费有几万"])
def test_a_stated_or_asked_amount_is_not_rough(text):
    # '30万' states an amount; '多少万', '几万' ask for one (the unit asked, 万元)
    assert approximate_amounts(text) == []


def test_a_rough_amount_is_accounted_for_and_picks_the_figure_in_its_range(engine):
    # 一般公共服务支出 is 2,139,707.00元 (表三): '两百多万' describes it, asks nothing more
    a = engine.answer("一般公共服务支出两百多万都花在哪了", doc_id=SEED_ID)
    assert a.status == "answered" and a.interpretation.operation in ("breakdown", "composition")
    assert "1,889,707.00元" in a.text and "250,000.00元" in a.text  # 行政运行, 机关服务
