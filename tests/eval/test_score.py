"""The scoring rules on hand-made answers: right scores 1, wrong 0, units and rounding as specified."""

from __future__ import annotations

from decimal import Decimal

from core.records import Answer, Result
from eval.score import Verifier, calcs_of, score, value_matches


def ans(
    *results: tuple[str, str], status: str = "answered", text: str = "", formula: str | None = None
) -> Answer:
    return Answer(
        "q", text, status, results=tuple(Result(Decimal(v), u, "x") for v, u in results), formula=formula
    )


def fig(value: str, unit: str, **kw) -> dict:
    return {"type": "figure", "gold": {"value": value, "unit": unit}, **kw}


def test_right_figure_scores_1_and_wrong_number_0() -> None:
    q = fig("2300000.00", "元")
    assert score(q, ans(("2300000.00", "元"))) is True
    assert score(q, ans(("2300000", "元"))) is True  # same amount, printed without cents
    assert score(q, ans(("2300001.00", "元"))) is False
    assert score(q, ans(("2300000.01", "元"))) is False  # to the cent
    assert score(q, ans()) is False


def test_status_must_be_answered() -> None:
    q = fig("101000.00", "元")
    assert score(q, ans(("101000.00", "元"), status="clarify")) is False
    assert score(q, ans(("101000.00", "元"), status="not_found")) is False


def test_any_result_may_carry_the_gold() -> None:
    q = fig("101000.00", "元")
    assert score(q, ans(("111000.00", "元"), ("101000.00", "元"))) is True


def test_wan_yuan_conversion() -> None:
    # a 元 gold answered in 万元 (and back) counts when it is the same amount exactly
    assert score(fig("2300000.00", "元"), ans(("230", "万元"))) is True
    assert score(fig("18.20", "万元"), ans(("182000.00", "元"))) is True
    assert score(fig("18.20", "万元"), ans(("18.20", "元"))) is False
    # not exact → wrong, unless the question asked for 万元 (then two places count)
    assert score(fig("449556.00", "元"), ans(("44.96", "万元"))) is False
    assert score(fig("449556.00", "元", ask_unit="万元"), ans(("44.96", "万元"))) is True
    assert score(fig("449556.00", "元", ask_unit="万元"), ans(("44.95", "万元"))) is False
    assert score(fig("449556.00", "元", ask_unit="万元"), ans(("449556.00", "元"))) is True
    assert score(fig("449556.00", "元", ask_unit="万元"), ans(("44.9556", "万元"))) is True  # exact
    # a 万元 gold asked in 元 (wanyuan documents) converts exactly
    assert score(fig("286.44", "万元", ask_unit="元"), ans(("2864400", "元"))) is True
    computed = {"type": "computed", "gold": {"value": "605.93", "unit": "万元"}, "ask_unit": "万元"}
    assert score(computed, ans(("605.93", "万元"))) is True
    assert score(computed, ans(("605.9265", "万元"))) is False


def test_percent_at_the_disclosures_rounding() -> None:
    q = {"type": "computed", "gold": {"value": "54.6", "unit": "%"}}
    assert score(q, ans(("54.6", "%"))) is True
    assert score(q, ans(("54.59", "%"))) is True  # more precision rounds to the printed 54.6
    assert score(q, ans(("54.65", "%"))) is False  # rounds half-up to 54.7
    assert score(q, ans(("55", "%"))) is False  # less precision is not the disclosure's figure
    assert score(q, ans(("54.6", "元"))) is False
    neg = {"type": "computed", "gold": {"value": "-16.7", "unit": "%"}}
    assert score(neg, ans(("-16.7", "%"))) is True
    assert score(neg, ans(("16.7", "%"))) is False  # a decrease is not an increase


def test_counts_and_unitless_values() -> None:
    q = {"type": "count", "gold": {"value": "3", "unit": "个"}}
    assert score(q, ans(("3", "个"))) is True
    assert score(q, ans(("3", "项"))) is True  # 个 is the generic measure word
    assert score(q, ans(("4", "个"))) is False
    assert score(q, ans(("3", "元"))) is False
    cars = {"type": "count", "gold": {"value": "2", "unit": "辆"}}
    assert score(cars, ans(("2", "辆"))) is True
    assert score(cars, ans(("2", "台（套）"))) is False
    weight = fig("20", "")
    assert score(weight, ans(("20", "分"))) is True
    assert not value_matches(Decimal("20"), "", Decimal("20"), "%")


def test_refusal() -> None:
    q = {"type": "refusal", "gold": {}}
    assert score(q, ans(status="not_found", text="公开文件没有2022年的数据。")) is True
    assert score(q, ans(("1", "元"), text="1元")) is False
    assert score(q, ans(status="clarify")) is False


def test_text_needs_every_phrase() -> None:
    q = {"type": "text", "gold": {"contains": ["办公室", "科普宣传部"]}}
    assert score(q, ans(text="分别为办公室、科普宣传部、企业学会部。")) is True
    assert score(q, ans(text="分别为办公室。")) is False
    assert score(q, ans(status="not_found", text="办公室、科普宣传部")) is False
    spaced = {"type": "text", "gold": {"contains": ["2024年无使用政府性基金"]}}
    assert score(spaced, ans(text="重庆市渝北区科学技术协会 2024 年无使用政府性基金预算")) is True


def test_clarify_needs_every_reading() -> None:
    q = {
        "type": "clarify",
        "gold": {
            "values": [
                {"value": "28000.00", "unit": "元", "label": "a"},
                {"value": "3050000.00", "unit": "元", "label": "b"},
            ]
        },
    }
    assert score(q, ans(("28000.00", "元"), ("3050000.00", "元"), status="clarify")) is True
    assert score(q, ans(("28000.00", "元"), ("3050000.00", "元"))) is False  # answered, not asked back
    assert score(q, ans(("28000.00", "元"), status="clarify")) is False


def test_formula_is_read_back() -> None:
    calcs = calcs_of(
        "(2300000.00 - 3660000.00) ÷ 3660000.00 × 100 = -37.2%；2300000.00 + 300000.00 = 2600000.00元"
    )
    assert [c.expr for c in calcs] == [
        "(2300000.00 - 3660000.00) / 3660000.00 * 100",
        "2300000.00 + 300000.00",
    ]
    assert [(c.value, c.unit, c.places) for c in calcs] == [
        (Decimal("-37.2"), "%", 1),
        (Decimal("2600000.00"), "元", 2),
    ]


def test_verifier_flags_untraceable_numbers(figure_store) -> None:
    doc = figure_store.document("cq-yubei-kexie-2024-budget")
    v = Verifier(doc, figure_store.figures_of(doc.id))
    assert v.unverified(ans(text="科普活动2024年预算为2,300,000.00元。")) == []
    assert v.unverified(ans(text="科普活动2024年预算为2,345,678.00元。")) == ["2,345,678.00"]
    shown = ans(text="减少1,360,000.00元。", formula="2300000.00 - 3660000.00 = -1360000.00元")
    assert v.unverified(shown) == []
    assert v.unverified(ans(text="「科普活动预算为999元」")) != []  # a quotation must be the disclosure's
