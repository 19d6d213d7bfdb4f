"""Fact-checking claims about the seed disclosure (渝北区科协 2024 budget). Every expected figure
is read from the disclosure: 三公经费 101,000元 (2023: 111,000元), of which 公务用车运行维护费
80,000元 and 公务接待费 21,000元; total budget 6,059,264.63元; 科普活动 2,300,000元 (2023:
3,660,000元); 150次 一老一小科技培训."""

from decimal import Decimal

import pytest

from qa.check import check, overall
from qa.serialize import check_to_dict, render_check
from tests.qa.conftest import SEED_ID


def verdicts(result):
    return [c.verdict for c in result.claims]


@pytest.mark.parametrize(
    "text",
    [
        "2024年科协三公经费预算10.1万元。",
        "科协2024年预算总额约606万元",  # rounded as written
        "科协今年的预算六百多万",
        "公务用车运行维护费占三公经费的79.2%",
        "公务用车运行维护费占三公经费的79.21%",  # more digits than the answer shows: exact share
        "三公经费比上年减少1万元",
        "三公经费比上年下降9%",
        "科协今年要开展150次一老一小科技培训",
        "公务接待费2.1万元，与上年持平",
    ],
)
def test_true_claims_are_supported(engine, text):
    result = check(text, engine, doc_id=SEED_ID)
    assert result.verdict == "supported", render_check(result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("科协2024年预算总额600万元", Decimal("6059264.63")),  # not rounded as written: wrong
        ("2023年三公经费预算10.1万元", Decimal("111000.00")),  # this year's figure, last year's date
        ("公务用车运行维护费占科协全部预算的79.2%", None),  # a share of the wrong whole
        ("三公经费预算10.1元", Decimal("101000.00")),  # wrong unit
    ],
)
def test_false_claims_are_contradicted_with_the_disclosed_figure(engine, text, expected):
    result = check(text, engine, doc_id=SEED_ID)
    assert result.verdict == "contradicted", render_check(result)
    claim = result.claims[0]
    assert claim.expected is not None and claim.sources
    if expected is not None:
        assert claim.expected.value == expected


def test_a_wrong_direction_is_contradicted(engine):
    result = check("三公经费比上年增加1万元", engine, doc_id=SEED_ID)
    assert result.verdict == "contradicted"
    assert "减少" in result.claims[0].note


def test_one_true_and_one_false_claim_is_mixed(engine):
    result = check("2024年三公经费预算10.1万元，比上年增加1万元。", engine, doc_id=SEED_ID)
    assert verdicts(result) == ["supported", "contradicted"] and result.verdict == "mixed"


@pytest.mark.parametrize("text", ["2025年科协三公经费10万元", "江北区科协三公经费10.1万元"])
def test_claims_outside_the_disclosure(engine, text):
    assert check(text, engine, doc_id=SEED_ID).verdict == "not_in_disclosure"


def test_a_change_the_disclosure_does_not_give_is_not_judged_by_the_level(engine):
    # 会议费 has no 2023 figure in the seed: a claim about its change cannot be checked
    result = check("科协2024年会议费预算比2023年增加了2000元", engine, doc_id=SEED_ID)
    assert result.verdict == "not_in_disclosure"


def test_json_contract(engine):
    data = check_to_dict(check("公务用车运行维护费占三公经费的79.2%", engine, doc_id=SEED_ID))
    assert data["verdict"] == "supported"
    (claim,) = data["claims"]
    assert {"text", "item", "year", "value", "unit", "verdict", "expected", "formula", "sources"} <= claim.keys()
    assert claim["year"] == [2024] and claim["formula"] and claim["sources"][0]["table"] == 10


def test_text_without_claims_is_unclear(engine):
    result = check("科协负责全区科普工作。", engine, doc_id=SEED_ID)
    assert result.verdict == "unclear" and result.claims == ()


def test_overall_verdict():
    assert overall(["supported", "supported"]) == "supported"
    assert overall(["supported", "contradicted"]) == "mixed"
    assert overall(["contradicted", "not_in_disclosure"]) == "contradicted"
    assert overall(["supported", "unclear"]) == "unclear"


def test_a_segment_that_begins_with_is_goes_on_about_the_sentences_subject(engine):
    # final-accounts 表五 2130119 防灾救灾: 决算 1,035,000.00 / 年初预算 600,000.00 → 172.5 %
    # ('是年初预算的172.5%' is 防灾救灾's, not the department total's completion)
    r = check("防灾救灾去年花了103.5万元，是年初预算的172.5%。", engine, doc_id="final-accounts-2023")
    assert [c.verdict for c in r.claims] == ["supported", "supported"], render_check(r)
