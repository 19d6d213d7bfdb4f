"""The fact-check section of ``python -m eval``: texts with figure claims (eval/claims/dev and
eval/claims/blind, see eval/claims/SCHEMA.md) checked by ``qa.check`` and scored by verdict.

A text is right when its verdict is; a claim is right when its verdict is and, for a supported
or contradicted claim, the figure that decided it is the gold's. A *confident wrong* verdict is
the worst outcome: a false text called supported, or a true one called contradicted.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.records import CheckResult

CLAIMS = Path(__file__).resolve().parent / "claims"
_SCALE = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
_FALSE = ("contradicted", "mixed")


def load(part: str) -> list[dict[str, Any]]:
    """The texts of one part ('dev' or 'blind'), each with the set it came from."""
    out = []
    for path in sorted((CLAIMS / part).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append({**json.loads(line), "set": part, "file": path.name})
    return out


def _same(expected: Mapping[str, str] | None, got) -> bool:
    """The gold's deciding figure and ours are the same amount (元 and 万元 compared as 元)."""
    if not expected or got is None:
        return True  # nothing to compare (not_in_disclosure, unclear)
    try:
        gold = Decimal(str(expected["value"]).replace(",", ""))
    except (KeyError, ArithmeticError, ValueError):
        return False
    gold_unit, unit = expected.get("unit", ""), got.unit
    if gold_unit in _SCALE and unit in _SCALE:
        return abs(gold * _SCALE[gold_unit] - abs(got.value) * _SCALE[unit]) < Decimal("0.01") * _SCALE[unit]
    return abs(abs(gold) - abs(got.value)) <= Decimal("0.05")


def score_one(case: Mapping[str, Any], result: CheckResult) -> dict[str, Any]:
    golds = case.get("claims", [])
    claims = list(result.claims)
    right = 0
    for i, gold in enumerate(golds):
        ours = claims[i] if i < len(claims) else None
        if ours is not None and ours.verdict == gold["verdict"] and _same(gold.get("expected"), ours.expected):
            right += 1
    verdict = result.verdict
    confident_wrong = (case["verdict"] in _FALSE and verdict == "supported") or (
        case["verdict"] == "supported" and verdict in _FALSE
    )
    return {
        "id": case["id"],
        "set": case["set"],
        "doc": case["doc"],
        "text": case["text"],
        "gold": case["verdict"],
        "verdict": verdict,
        "correct": verdict == case["verdict"],
        "claims_total": len(golds),
        "claims_found": len(claims),
        "claims_correct": right,
        "confident_wrong": confident_wrong,
        "claims": [
            {"text": c.text, "value": str(c.value), "unit": c.unit, "verdict": c.verdict, "question": c.question,
             "expected": None if c.expected is None else f"{c.expected.value} {c.expected.unit}", "note": c.note}
            for c in claims
        ],
    }


def summarize(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    n = len(records)
    claims = sum(r["claims_total"] for r in records)
    by_gold: dict[str, list[bool]] = {}
    for r in records:
        by_gold.setdefault(r["gold"], []).append(r["correct"])
    return {
        "total": n,
        "correct": sum(r["correct"] for r in records),
        "accuracy": round(sum(r["correct"] for r in records) / n, 4) if n else None,
        "claims": claims,
        "claim_accuracy": round(sum(r["claims_correct"] for r in records) / claims, 4) if claims else None,
        "confident_wrong": sum(r["confident_wrong"] for r in records),
        "confident_wrong_ids": [r["id"] for r in records if r["confident_wrong"]],
        "by_verdict": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_gold.items())},
        "verdicts": dict(Counter(r["verdict"] for r in records)),
    }


def run(engine, parts: Sequence[str] = ("dev", "blind"), docs: set[str] | None = None) -> dict[str, Any]:
    """Check every text of each part (about ``docs``, default all) with ``engine``; the summary
    per part and the failures."""
    from qa.check import check

    out: dict[str, Any] = {}
    failures = []
    for part in parts:
        records = []
        for case in load(part):
            if docs is not None and case["doc"] not in docs:
                continue
            records.append(score_one(case, check(case["text"], engine, doc_id=case["doc"])))
        out[part] = summarize(records)
        failures += [r for r in records if not r["correct"] or r["claims_correct"] < r["claims_total"]]
    out["failures"] = failures
    return out


_ASKED = re.compile(r"(?P<verb>是|为|有|要|共|一共|总共)?(?:多少|几)(?:钱|元|万元|块钱)?")


def as_claim(question: str, answer) -> str | None:
    """An answer stated back as a claim: the question with its '多少' replaced by the answered
    figure ('三公经费是多少？' + 101,000.00元 → '三公经费为101000.00元。'); None when the answer
    is not one figure or the question has no '多少'."""
    from core.text import normalize_question

    question = normalize_question(question)
    # the sentence that asks ('听说有5个？到底几个' asks in its last part)
    asking = [s for s in re.split(r"(?<=[？?！!。|｜])", question) if _ASKED.search(s)]
    if answer.status != "answered" or not answer.results or not asking:
        return None
    r = answer.results[0]
    if r.unit == "%" or len({(x.value, x.unit) for x in answer.results if "折合" not in x.label}) > 1:
        return None  # a share or several figures: not one amount to state back
    # the unit as asked: '几台' for 台（套）, '多少万' for an amount in 元
    bare = re.split(r"[(（]", r.unit)[0]
    asked = re.compile(_ASKED.pattern + "(?:" + "|".join(map(re.escape, dict.fromkeys([r.unit, bare, "万"]))) + ")?")
    text = asked.sub(lambda m: f"{m.group('verb') or '为'}{r.value}{r.unit}", asking[-1].strip("|｜"), count=1)
    return re.sub(r"[？?]+$", "。", text)


def round_trip(engine, cases: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Every one-figure answer of the engine, stated back as a claim, must check ``supported``."""
    from qa.check import check

    total, bad = 0, []
    for case in cases:
        answer = engine.answer(case["question"], history=case.get("history", ()), doc_id=case["doc"])
        claim = as_claim(answer.resolved_question or case["question"], answer)
        if claim is None:
            continue
        total += 1
        result = check(claim, engine, doc_id=case["doc"])
        if result.verdict != "supported":
            bad.append({"id": case["id"], "claim": claim, "verdict": result.verdict})
    return {"total": total, "supported": round((total - len(bad)) / total, 4) if total else None, "failures": bad}
