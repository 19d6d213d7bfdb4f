"""Check every gold value of the eval set against the figure store, so a wrong gold cannot hide.

A gold is read by a person from the disclosure; this module finds the same number in what the
ingest stored, at the place the question's ``source`` names:

* ``{"table", "row", "column", "project"?}`` — the stored figure of that cell equals the gold;
* ``{"section", "line"}`` — some stored figure on that source line equals the gold;
* ``{"table", "rows"}`` (count questions) — every listed row is in the table and the gold is
  how many there are;
* ``computed`` — the ``derivation`` re-computes to the gold with decimal arithmetic, and every
  number in it (other than 100 and 10000) is a stored figure at one of ``source.inputs``;
* ``clarify`` — gold value *i* is the stored figure at ``source.inputs[i]``.

Values compare exactly, 元 and 万元 by conversion (a 万元 table's 3,239.70 is 32,397,000 元).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from core.records import Document, Figure, Table
from core.text import squash

MONEY = ("元", "万元")
CONSTANTS = {Decimal(100), Decimal(10000)}


class Store:
    """The figures and documents of a figure store (``ingest.store.FigureStore``), indexed."""

    def __init__(self, documents: Iterable[Document], figures: Iterable[Figure]) -> None:
        self.documents = {d.id: d for d in documents}
        self.figures: dict[str, list[Figure]] = {}
        for f in figures:
            self.figures.setdefault(f.doc_id, []).append(f)

    @classmethod
    def of(cls, store: Any) -> Store:
        return cls(store.documents, store.figures)


def same_value(gold: Decimal, gold_unit: str, value: Decimal, unit: str) -> bool:
    """Exact equality; 元 and 万元 convert; a unitless gold ('' = a score, a weight) matches any
    non-money unit."""
    if gold_unit in MONEY and unit in MONEY:
        scale = {"元": 1, "万元": 10000}
        return gold * scale[gold_unit] == value * scale[unit]
    if gold_unit == unit:
        return gold == value
    if gold_unit == "" and unit not in MONEY and unit != "%":
        return gold == value
    return False


def _row_names(gold_row: str) -> set[str]:
    """'一、本年收入/一般公共预算财政拨款' names a row by its path: its last part is the row."""
    return {squash(gold_row), squash(gold_row.rsplit("/", 1)[-1])}


def project_of(table: Table) -> str | None:
    """The project a 绩效目标表 part is about (its 专项资金名称 / 项目名称 field)."""
    for r in table.rows:
        if r.name in ("专项资金名称", "项目名称") and r.cells:
            return r.cells[0].raw
    return None


def source_lines(doc: Document, source: Mapping[str, Any]) -> set[int]:
    """Source lines of the table rows a table source names (empty when none matches)."""
    wanted = _row_names(str(source.get("row", "")))
    lines: set[int] = set()
    for t in doc.tables:
        if t.no != source["table"]:
            continue
        if source.get("project") and project_of(t) != source["project"]:
            continue
        for r in t.rows:
            # squash: no spaces, no markdown bold ('**一、本年支出**' is the row 一、本年支出)
            names = {squash(r.name), squash(r.label)} | ({r.code} if r.code else set())
            if names & wanted:
                lines.add(r.line)
    return lines


def _column_ok(f: Figure, source: Mapping[str, Any]) -> bool:
    want = squash(str(source.get("column", "")))
    have = squash(f.source.column or "")
    if have == want:
        return True
    # A key/value form (绩效目标表) stores a field's value under the column "值".
    return have == "值" and want in (squash(f.item), squash(f.source.row or ""))


def figures_at(store: Store, doc_id: str, source: Mapping[str, Any]) -> list[Figure]:
    """The stored figures a single source names (a table cell or a narrative line)."""
    doc = store.documents.get(doc_id)
    figs = store.figures.get(doc_id, [])
    if doc is None:
        return []
    if "table" in source and "row" in source:
        lines = source_lines(doc, source)
        return [
            f
            for f in figs
            if f.source.table_no == source["table"] and f.source.line in lines and _column_ok(f, source)
        ]
    if "line" in source and doc.format in ("", "text", "txt") and not source.get("reading_copy"):
        on_line = [f for f in figs if f.source.line == source["line"]]
        quote = squash(str(source.get("quote", ""))).replace(",", "")
        quoted = [f for f in on_line if quote and _printed(f.value) in quote]
        return quoted or on_line
    if "line" in source:
        # A blind question written from a reading copy of a workbook, PDF, page or Word file:
        # its line is the copy's, so the place is found by the row (or quoted words) it names.
        hint = source.get("hint") or {}
        row = squash(str(hint.get("row", "")))
        quote = squash(str(source.get("quote", "")))
        by_row = [f for f in figs if row and (row in squash(f.source.row or "") or row in squash(f.item))]
        by_quote = [
            f
            for f in figs
            if quote and f.sentence and quote[:12] in squash(f.sentence) and _printed(f.value) in quote.replace(",", "")
        ]
        # no place found by name: the weaker check that the value is one the document states
        return by_row or by_quote or list(figs)
    return []


def _printed(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _matches(figs: Iterable[Figure], value: Decimal, unit: str) -> bool:
    return any(same_value(value, unit, f.value, f.unit) for f in figs)


# --- decimal arithmetic for derivations ---------------------------------------------------------

from qa.calc import evaluate  # noqa: E402 - the same exact evaluator the verifier uses


def places(value: Decimal) -> int:
    exp = value.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def rounded(value: Decimal, n: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP)


# --- the checks ----------------------------------------------------------------------------------


def check_question(q: Mapping[str, Any], store: Store) -> list[str]:
    """Problems with one question's gold (empty: it is exactly what the store holds)."""
    kind = q["type"]
    doc_id = q["doc"]
    if doc_id is None:
        return _check_across(q, store)
    if doc_id not in store.documents:
        return [f"doc {doc_id!r} is not in the store"]
    source = q.get("source") or {}
    gold = q.get("gold") or {}
    try:
        if kind == "figure":
            return _check_single(store, doc_id, source, Decimal(gold["value"]), gold["unit"])
        if kind == "count":
            return _check_count(store, doc_id, source, Decimal(gold["value"]), gold["unit"])
        if kind == "computed":
            return _check_computed(store, doc_id, q)
        if kind == "clarify":
            return _check_clarify(store, doc_id, source, gold)
        if kind == "overview":
            return _check_overview(store, doc_id, source, gold)
        if kind == "text":
            return _check_phrases(store.documents[doc_id], gold.get("contains") or [])
    except (KeyError, InvalidOperation, ValueError, SyntaxError, ZeroDivisionError) as exc:
        return [f"unreadable gold/source: {exc!r}"]
    return []


def _check_across(q: Mapping[str, Any], store: Store) -> list[str]:
    """A question over several documents (``doc`` null, ``docs`` listed): each source place names
    its document; values and derivation inputs are figures at those places."""
    docs = q.get("docs") or []
    missing = [d for d in docs if d not in store.documents]
    if len(docs) < 1 or missing:
        return [f"a cross-document question lists its documents in 'docs'; not in the store: {missing}"]
    kind, gold, source = q["type"], q.get("gold") or {}, q.get("source") or {}
    where = list(source.get("inputs") or []) + ([source] if "line" in source else [])
    if any(p.get("doc") not in docs for p in where):
        return ["every source place of a cross-document question names one of its 'docs'"]
    figs = [f for p in where for f in figures_at(store, p["doc"], p)]
    if kind in ("figure", "count"):
        return [] if _matches(figs, Decimal(gold["value"]), gold["unit"]) else [f"gold {gold['value']}{gold['unit']} is at none of {where}"]
    if kind == "computed":
        result, used = evaluate(q.get("derivation") or "0")
        value = Decimal(gold["value"])
        problems = [] if rounded(result, places(value)) == value else [f"derivation = {result}, not the gold {value}"]
        for n in used:
            if n not in CONSTANTS and not any(f.value == n or (f.yuan is not None and f.yuan == n) for f in figs):
                problems.append(f"derivation input {n} is not a stored figure at the question's inputs")
        return problems
    if kind in ("overview", "clarify"):
        problems = []
        for v in gold.get("values") or []:
            if not _matches(figs, Decimal(v["value"]), v["unit"]):
                problems.append(f"value {v['value']}{v['unit']} ({v.get('label')}) is at none of the inputs")
        return problems
    return []


def _check_single(
    store: Store, doc_id: str, source: Mapping[str, Any], value: Decimal, unit: str
) -> list[str]:
    if "rows" in source:
        doc = store.documents[doc_id]
        missing = [r for r in source["rows"] if not source_lines(doc, {**source, "row": r})]
        problems = [f"rows not in 表{source['table']}: {missing}"] if missing else []
        if Decimal(len(source["rows"])) != value:
            problems.append(f"gold {value} but source lists {len(source['rows'])} rows")
        return problems
    figs = figures_at(store, doc_id, source)
    if not figs:
        return [f"no stored figure at {dict(source)}"]
    if not _matches(figs, value, unit):
        got = sorted({f"{f.value}{f.unit}" for f in figs})
        return [f"gold {value}{unit} != stored {got} at {dict(source)}"]
    return []


def _check_count(
    store: Store, doc_id: str, source: Mapping[str, Any], value: Decimal, unit: str
) -> list[str]:
    """A count is a stated figure ('共有车辆 2 辆'), or what the disclosure shows by its structure:
    the tables its 目录 lists, or the numbered items of a section."""
    problems = _check_single(store, doc_id, source, value, unit)
    if problems and "line" in source and "table" not in source:
        counted = structural_counts(store.documents[doc_id], source)
        if value in counted:
            return []
        problems.append(f"structural counts at that place: {sorted(counted)}")
    return problems


def structural_counts(doc: Document, source: Mapping[str, Any]) -> set[Decimal]:
    """Counts a person reads off the layout at a narrative source: the 目录's entries, or the
    longest 1, 2, 3 … numbering in the section holding the line."""
    out: set[Decimal] = set()
    section = str(source.get("section", ""))
    if doc.toc and ("目录" in section or source.get("line") in doc.toc_lines):
        out.add(Decimal(len(doc.toc)))
    hint_row = str((source.get("hint") or {}).get("row", ""))
    if code := re.match(r"\s*(\d{3,5})(?!\d)", hint_row):  # '20808 抚恤（下列…）': its 项 rows
        for t in doc.tables:
            kids = [r for r in t.rows if r.parent_code == code.group(1)]
            if kids:
                out.add(Decimal(len(kids)))
    line = source.get("line")
    for t in doc.tables:  # a coded row cited by its line: the rows filed under it
        for r in t.rows:
            if r.line == line and r.code:
                kids = [k for k in t.rows if k.parent_code == r.code]
                if kids:
                    out.add(Decimal(len(kids)))
    for s in doc.sections:
        if not any(line in p.lines or p.line == line for p in s.paragraphs):
            continue
        text = "".join(p.text for p in s.paragraphs)
        out.add(Decimal(_longest_numbering(text)))
    return out


def _longest_numbering(text: str) -> int:
    """'1.… 2.… 3.…' or '（1）…（2）…' → 3: the longest run numbered from 1 in order."""
    best = 0
    for pattern in (r"(?<![\d.])(\d{1,2})[.．、](?!\d)", r"[(（](\d{1,2})[)）]"):
        expect = 1
        for m in re.finditer(pattern, text):
            if int(m.group(1)) == expect:
                expect += 1
        best = max(best, expect - 1)
    return best


def _check_computed(store: Store, doc_id: str, q: Mapping[str, Any]) -> list[str]:
    gold = q["gold"]
    value, unit = Decimal(gold["value"]), gold["unit"]
    derivation = q.get("derivation")
    if not derivation:
        return ["computed question without a derivation"]
    result, used = evaluate(derivation)
    problems = []
    if rounded(result, places(value)) != value:
        problems.append(f"derivation {derivation} = {result}, not the gold {value}")
    inputs = (q.get("source") or {}).get("inputs") or []
    figs = [f for s in inputs for f in figures_at(store, doc_id, s)]
    for s in inputs:
        if not figures_at(store, doc_id, s):
            problems.append(f"no stored figure at input {dict(s)}")
    for n in used:
        if n in CONSTANTS:
            continue
        if not any(f.value == n or (f.yuan is not None and f.yuan == n) for f in figs):
            problems.append(f"derivation input {n} is not a stored figure at the question's inputs")
    # A difference of two counts keeps their counting word (3辆 - 2辆 = 1辆): a computed gold is money,
    # a percentage, or the unit its inputs are printed in.
    if unit not in MONEY and unit not in ("%", "") and not any(f.unit == unit for f in figs):
        problems.append(f"a computed gold is money, a percentage or its inputs' unit, not {unit!r}")
    return problems


def _check_clarify(
    store: Store, doc_id: str, source: Mapping[str, Any], gold: Mapping[str, Any]
) -> list[str]:
    values = gold.get("values") or []
    inputs = source.get("inputs") or []
    if len(values) < 2:
        return ["a clarify gold lists at least two readings"]
    if len(values) != len(inputs):
        return [f"{len(values)} gold values but {len(inputs)} source inputs"]
    problems = []
    for v, s in zip(values, inputs, strict=True):
        problems += _check_single(store, doc_id, s, Decimal(v["value"]), v["unit"])
    return problems


_EXPR = re.compile(r"\(?[\d.,]+(?:\s*[-+*/×÷]\s*[\d.,()]+)+")


def _check_overview(
    store: Store, doc_id: str, source: Mapping[str, Any], gold: Mapping[str, Any]
) -> list[str]:
    """Each value is a stored figure on one of the cited lines, or the arithmetic its label
    shows ('差额 111000-101000') re-computes to it; each phrase is in the disclosure."""
    lines = list(source.get("lines") or []) + ([source["line"]] if "line" in source else [])
    figs = [f for n in lines for f in figures_at(store, doc_id, {"line": n})]
    problems = []
    for v in gold.get("values") or []:
        value, unit = Decimal(v["value"]), v["unit"]
        if _matches(figs, value, unit):
            continue
        m = _EXPR.search(str(v.get("label", "")).replace(",", ""))
        if m:
            result, _ = evaluate(m.group().replace("×", "*").replace("÷", "/"))
            if rounded(result, places(value)) == value:
                continue
        problems.append(f"overview value {value}{unit} ({v.get('label')}) is not on lines {lines}")
    return problems + _check_phrases(store.documents[doc_id], gold.get("contains") or [])


def _check_phrases(doc: Document, phrases: Iterable[str]) -> list[str]:
    from eval.score import source_text

    text = squash(source_text(doc))
    return [f"phrase {p!r} is not in the disclosure" for p in phrases if squash(p) not in text]


def cell_text(store: Store, doc_id: str, source: Mapping[str, Any]) -> str | None:
    """The gold cell exactly as the file prints it ('2,300,000.00', '757000.00', '1.80')."""
    doc = store.documents.get(doc_id)
    if doc is None or "table" not in source or "row" not in source:
        return None
    figs = figures_at(store, doc_id, source)
    for t in doc.tables:
        if t.no != source["table"]:
            continue
        for r in t.rows:
            for f in figs:
                if r.line != f.source.line:
                    continue
                cell = r.cell(f.source.column or "")
                if cell is not None and cell.value is not None and cell.raw:
                    return cell.raw
    return None


def single_cell(q: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The one table cell a figure/computed/count question's answer comes from, if it is one."""
    source = q.get("source") or {}
    if q.get("type") not in ("figure", "computed", "count"):
        return None
    if "inputs" in source:
        cells = [s for s in source["inputs"] if "table" in s and "row" in s]
        return cells[0] if len(source["inputs"]) == 1 and len(cells) == 1 else None
    return source if {"table", "row", "column"} <= set(source) else None
