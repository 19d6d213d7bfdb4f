"""How an answer is judged against its gold (one function per answer type).

* figure / computed / count — the answer is ``answered`` and one of its ``Result``s equals the
  gold (or its negative, when the question names the direction of a change: "下降了百分之几" is
  answered by 37.2 or by -37.2, the text saying which way): money exactly to the cent after converting 元 ↔ 万元; a percentage at the gold's own
  rounding (the disclosure's one decimal: 54.59 counts as 54.6, 55 does not); a count exactly,
  in the same unit (个 is the generic measure word and matches any count unit). With
  ``ask_unit`` ("多少万元?") a Result in the asked unit rounded to two places also counts
  (449,556.00元 asked in 万元: 44.96万元 or the exact 449,556.00元).
* refusal — status ``not_found``.
* text — status ``answered`` and every ``contains`` phrase in the answer text (spaces ignored).
* clarify — status ``clarify`` and every gold value among the Results (as for figures).
* overview — status ``answered``, every gold value shown (among the Results, or printed in the
  text with its unit), and every ``contains`` phrase in the text.

**Confident wrong** (``confident_wrong``) is the worst outcome and is counted on its own: the
answer is ``answered``, shows at least one figure, and is wrong — a figure/computed/count answer
with no matching value, a refusal question answered with a figure, a clarify or overview answer
none of whose values is a gold value.

Independently of the engine, ``unverified`` re-runs ``qa.verify.unverified_numbers`` on an
answer's text with the disclosure's own figures, so a number the engine should have blocked is
counted here even if the engine's own check were switched off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.records import Answer, Document, Figure, Result
from qa import verify
from qa.calc import Calc

_SCALE = {"元": Decimal(1), "万元": Decimal(10000)}
_COUNT_GENERIC = "个"


def places(value: Decimal) -> int:
    exp = value.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def rounded(value: Decimal, n: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP)


def value_matches(
    gold: Decimal, gold_unit: str, value: Decimal, unit: str, ask_unit: str | None = None
) -> bool:
    """Does one answered value equal the gold (see the module docstring)?"""
    if gold_unit in _SCALE and unit in _SCALE:
        if gold * _SCALE[gold_unit] == value * _SCALE[unit]:
            return True
        if ask_unit in _SCALE and unit == ask_unit and gold_unit != ask_unit:
            asked = gold * _SCALE[gold_unit] / _SCALE[ask_unit]
            return rounded(asked, 2) == value
        return False
    if gold_unit == "%" or unit == "%":
        return gold_unit == unit and rounded(value, places(gold)) == gold
    if gold_unit in _SCALE or unit in _SCALE:
        return False
    units_ok = gold_unit == unit or "" in (gold_unit, unit) or _COUNT_GENERIC in (gold_unit, unit)
    return units_ok and value == gold


def any_result_matches(
    results: Iterable[Result], gold: Mapping[str, Any], ask_unit: str | None = None
) -> bool:
    g, u = Decimal(str(gold["value"])), str(gold["unit"])
    return any(value_matches(g, u, r.value, r.unit, ask_unit) for r in results)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


_DIRECTION = re.compile(r"下降|减少|降低|降了|少了|少多少|减了|压减|增加|增长|多了|多多少|涨|上升|提高|降幅|增幅|涨幅")


def score_numeric(q: Mapping[str, Any], answer: Answer) -> bool:
    """A question that names the direction ('下降了百分之几', '少了多少') is answered by the size
    of the change: -37.2 % and 37.2 % both answer it (the text says which way)."""
    if answer.status != "answered":
        return False
    if any_result_matches(answer.results, q["gold"], q.get("ask_unit")):
        return True
    if _DIRECTION.search(q.get("question", "")):
        flipped = {**q["gold"], "value": str(-Decimal(str(q["gold"]["value"])))}
        return any_result_matches(answer.results, flipped, q.get("ask_unit"))
    return False


def score_refusal(q: Mapping[str, Any], answer: Answer) -> bool:
    return answer.status == "not_found"


def score_text(q: Mapping[str, Any], answer: Answer) -> bool:
    text = _squeeze(answer.text)
    return answer.status == "answered" and all(_squeeze(p) in text for p in q["gold"]["contains"])


def score_clarify(q: Mapping[str, Any], answer: Answer) -> bool:
    """Asked back, offering every reading's value — or, for which document is meant (a
    question over several departments), naming the choices (``contains``)."""
    text = _squeeze(answer.text + " ".join(answer.options))
    return (
        answer.status == "clarify"
        and all(any_result_matches(answer.results, v) for v in q["gold"].get("values", []))
        and all(_squeeze(p) in text for p in q["gold"].get("contains", []))
    )


def shown_values(answer: Answer) -> list[tuple[Decimal, str]]:
    """(value, unit) of every Result and of every number the text prints with a unit."""
    out = [(r.value, r.unit) for r in answer.results]
    text = re.sub(r"「[^」]*」", "", answer.text)  # quotations are the disclosure's words, not answers
    for m in verify._NUMBER.finditer(text):
        unit = verify._unit_after(text, m.end())
        if unit:
            out.append((Decimal(m.group().replace(",", "")), unit))
        else:
            tail = text[m.end() : m.end() + 3]
            counted = re.match(r"\s*([个次辆人项场名台家批户件张条])", tail)
            if counted:
                out.append((Decimal(m.group().replace(",", "")), counted.group(1)))
    return out


def _shown(gold: Mapping[str, Any], shown: list[tuple[Decimal, str]]) -> bool:
    g, u = Decimal(str(gold["value"])), str(gold["unit"])
    return any(value_matches(g, u, v, unit) for v, unit in shown)


def score_overview(q: Mapping[str, Any], answer: Answer) -> bool:
    if answer.status != "answered":
        return False
    shown = shown_values(answer)
    text = _squeeze(answer.text)
    return all(_shown(v, shown) for v in q["gold"].get("values", [])) and all(
        _squeeze(p) in text for p in q["gold"].get("contains", [])
    )


SCORERS = {
    "figure": score_numeric,
    "computed": score_numeric,
    "count": score_numeric,
    "refusal": score_refusal,
    "text": score_text,
    "clarify": score_clarify,
    "overview": score_overview,
}


def score(q: Mapping[str, Any], answer: Answer) -> bool:
    """1 (True) when the answer is right for its question type, else 0."""
    return SCORERS[q["type"]](q, answer)


def confident_wrong(q: Mapping[str, Any], answer: Answer) -> bool:
    """Answered with a figure, and wrong (see the module docstring)."""
    if answer.status != "answered" or not answer.results or score(q, answer):
        return False
    kind = q["type"]
    if kind in ("figure", "computed", "count", "refusal"):
        return True
    if kind in ("clarify", "overview"):
        shown = shown_values(answer)
        return not any(_shown(v, shown) for v in q["gold"].get("values", []))
    return False


# --- the independent verifier ---------------------------------------------------------------

_FORMULA = re.compile(r"^(?P<expr>.+?)\s*=\s*(?P<value>-?[\d,]+(?:\.\d+)?)\s*(?P<unit>\S*)$")


def calcs_of(formula: str | None) -> list[Calc]:
    """The engine shows a calculation as 'a - b = v元；x ÷ y × 100 = p%': read it back."""
    out = []
    for part in (formula or "").split("；"):
        m = _FORMULA.match(part.strip())
        if not m:
            continue
        expr = m["expr"].replace("×", "*").replace("÷", "/").replace(",", "")
        value = Decimal(m["value"].replace(",", ""))
        out.append(Calc(expr, value, m["unit"], places(value)))
    return out


def source_text(doc: Document, raw: str = "") -> str:
    """Everything the disclosure says, for checking quotations: the file as read, its
    paragraphs as joined across lines, headings, table titles, notes and cells."""
    parts = [raw]
    parts += [p.text for s in doc.sections for p in s.paragraphs] + [s.heading for s in doc.sections]
    for t in doc.tables:
        parts += [t.title, t.full_title, t.note or "", *t.columns]
        parts += [f"{r.name}：{c.raw}" for r in t.rows for c in r.cells]
    return "\n".join(parts)


class Verifier:
    """Re-checks every number of an answer text against one document's figures (or several:
    ``merged``, for an answer across documents)."""

    def __init__(self, doc: Document, figures: Iterable[Figure], raw_text: str = "") -> None:
        self.doc = doc
        codes = {
            (Decimal(r.code), "科目编码") for t in doc.tables for r in t.rows if r.code and r.code.isdigit()
        }
        pairs = {(f.value, f.unit) for f in figures} | codes
        # qa.verify takes (value, unit) pairs since it learned units; older versions took values.
        self.values: set = pairs if hasattr(verify, "Figures") else {v for v, _ in pairs}
        self.text = source_text(doc, raw_text)

        self.years = {doc.year, doc.year - 1}

    @classmethod
    def merged(cls, verifiers: Iterable[Verifier]) -> Verifier:
        vs = list(verifiers)
        out = cls.__new__(cls)
        out.doc = vs[0].doc
        out.values = set().union(*(v.values for v in vs))
        out.text = "\n".join(v.text for v in vs)
        out.years = set().union(*(v.years for v in vs))
        return out

    def unverified(self, answer: Answer) -> list[str]:
        return verify.unverified_numbers(
            answer.text,
            figures=self.values,
            calcs=calcs_of(answer.formula),
            question=answer.resolved_question or answer.question,
            source_text=self.text,
            years=tuple(sorted(self.years)),
        )
