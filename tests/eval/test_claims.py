"""The fact-check sets (eval/claims): well formed, and every deciding figure that is printed is
what the figure store holds at the cited line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eval.claims import as_claim, load
from eval.gold import _check_single

VERDICTS = {"supported", "contradicted", "mixed", "not_in_disclosure", "unclear"}
CASES = load("dev") + load("blind")
PRINTED = [
    (case, i, c)
    for case in CASES
    for i, c in enumerate(case["claims"])
    if c.get("expected") and c.get("line") and c["expected"]["unit"] not in ("%",) and "change" not in case.get("tags", [])
]


def test_sets_are_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)) and len(CASES) >= 100
    assert {c["set"] for c in CASES} == {"dev", "blind"}
    for case in CASES:
        assert case["verdict"] in VERDICTS and case["claims"], case["id"]
        kinds = {c["verdict"] for c in case["claims"]}
        if kinds == {"supported"}:
            assert case["verdict"] == "supported", case["id"]
        if "supported" in kinds and "contradicted" in kinds:
            assert case["verdict"] == "mixed", case["id"]


@pytest.mark.parametrize(("case", "i", "claim"), PRINTED, ids=[f"{c['id']}-{i}" for c, i, _ in PRINTED])
def test_printed_deciding_figure_is_in_the_store(case, i, claim, gold_store):
    expected = claim["expected"]
    problems = _check_single(gold_store, case["doc"], {"line": claim["line"]}, Decimal(expected["value"]), expected["unit"])
    assert problems == []


class _Answer:
    def __init__(self, status, results):
        self.status, self.results = status, results


class _Result:
    def __init__(self, value, unit, label="x"):
        self.value, self.unit, self.label = Decimal(value), unit, label


def test_an_answer_stated_back_as_a_claim():
    answer = _Answer("answered", [_Result("101000.00", "元"), _Result("10.10", "万元", "折合万元")])
    assert as_claim("三公经费是多少？", answer) == "三公经费是101000.00元。"
    assert as_claim("三公经费多少钱？", answer) == "三公经费为101000.00元。"
    assert as_claim("科协有几辆车", _Answer("answered", [_Result("2", "辆")])) == "科协有2辆车"
    assert as_claim("三公经费是多少？", _Answer("clarify", [_Result("1", "元")])) is None
    # the unit as the question asks it is replaced, not repeated ('几台' for 台（套）, '多少万')
    assert as_claim("设备有几台", _Answer("answered", [_Result("0", "台（套）")])) == "设备有0台（套）"
    assert as_claim("住房公积金多少万", _Answer("answered", [_Result("1620360.00", "元")])) == "住房公积金为1620360.00元"
