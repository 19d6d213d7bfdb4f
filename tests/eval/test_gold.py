"""Every gold value of every figure/computed/count/clarify question is what the figure store
holds at the question's source — checked against the ingested seed and fixture disclosures."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from eval.dataset import load_sets
from eval.gold import check_question, evaluate, same_value, structural_counts

CHECKED = ("figure", "computed", "count", "clarify")
QUESTIONS = [q for q in load_sets() if q["type"] in CHECKED]


@pytest.mark.parametrize("q", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_gold_is_in_the_store(q, gold_store) -> None:
    assert check_question(q, gold_store) == []


def _wrong(value: str) -> str:
    """A value no stored figure near the source has: 3 × gold + one unit in its last place."""
    v = Decimal(value)
    return str(v * 3 + Decimal(1).scaleb(v.as_tuple().exponent))


def test_a_wrong_gold_cannot_hide(gold_store) -> None:
    """Corrupt each gold in turn: the check must fail for every one of them."""
    undetected = []
    for q in QUESTIONS:
        if q["type"] == "clarify" and not q["gold"].get("values"):
            continue  # which document is meant: the choices are names, checked by the scorer
        bad = copy.deepcopy(q)
        if q["type"] == "clarify":
            # corrupt one value into none of the others ('3名' × 3 + 1 is the '10名' beside it)
            others = {Decimal(v["value"]) for v in q["gold"]["values"][:-1]}
            wrong = _wrong(q["gold"]["values"][-1]["value"])
            while Decimal(wrong) in others:
                wrong = _wrong(wrong)
            bad["gold"]["values"][-1]["value"] = wrong
        else:
            bad["gold"]["value"] = _wrong(q["gold"]["value"])
        if not check_question(bad, gold_store):
            undetected.append(q["id"])
    assert undetected == []


def test_wrong_source_or_derivation_is_caught(gold_store) -> None:
    q = next(q for q in QUESTIONS if q["id"] == "seed-175")  # 3660000.00 - 3050000.00
    moved = copy.deepcopy(q)
    moved["source"]["inputs"][0]["row"] = "201"  # its 2023 figure is 1752522.33, not 3660000.00
    assert any("not a stored figure" in p for p in check_question(moved, gold_store))
    miscalc = copy.deepcopy(q)
    miscalc["derivation"] = "3660000.00 - 3050000.01"
    assert check_question(miscalc, gold_store)
    invented = copy.deepcopy(q)
    invented["derivation"] = "3660000.00 - 3049999.00 - 1.00"
    assert any("3049999.00" in p for p in check_question(invented, gold_store))


def test_wanyuan_gold_compares_by_conversion(gold_store) -> None:
    q = next(q for q in QUESTIONS if q["id"] == "fx-001")  # 18.20 万元 as printed
    as_yuan = copy.deepcopy(q)
    as_yuan["gold"] = {"value": "182000", "unit": "元"}
    assert check_question(as_yuan, gold_store) == []
    assert same_value(Decimal("18.20"), "万元", Decimal("182000"), "元")
    assert not same_value(Decimal("18.20"), "万元", Decimal("18.20"), "元")
    assert not same_value(Decimal("3"), "辆", Decimal("3"), "元")


def test_structural_counts(gold_store) -> None:
    seed = gold_store.documents["cq-yubei-kexie-2024-budget"]
    assert Decimal(11) in structural_counts(seed, {"section": "(一) 职能职责", "line": 13})
    assert Decimal(17) in structural_counts(
        seed, {"section": "2024年渝北区部门预算公开表（目录）", "line": 128}
    )


def test_evaluate_is_exact_decimal() -> None:
    value, used = evaluate("(2300000.00 - 3660000.00) / 3660000.00 * 100")
    assert used == [Decimal("2300000.00"), Decimal("3660000.00"), Decimal("3660000.00"), Decimal("100")]
    assert str(value).startswith("-37.158469")
    assert evaluate("0.1 + 0.2")[0] == Decimal("0.3")
    with pytest.raises(ValueError):
        evaluate("__import__('os')")
