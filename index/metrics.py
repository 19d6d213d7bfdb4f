"""Retrieval quality per leg (dense, keyword, hybrid): hit@1, hit@3 and MRR over gold sources.

A question's gold ``source`` is one of (see eval/questions.jsonl):

* ``{"table": 5, "row": "2060702", "column": …, "project"?: …}`` — a table row;
* ``{"table": 3, "rows": [...], "project"?: …}`` — several rows of one table (any one counts);
* ``{"section": …, "line": 73}`` — a narrative passage;
* ``{"inputs": [source, …]}`` — a computed answer: finding any one input counts;
* ``{"note": …}`` — a refusal: no gold passage, the question is skipped.

A retrieved chunk is a **strict** hit when its doc matches and: for a table source, its table
number matches and it holds the row (row fact: row_code or row_name equals the gold row; table
group: the row is in its ``rows``; an empty/missing table's status chunk holds every "row" of
it); for a section source, the gold line is among its source lines.

A disclosure states most figures more than once: 科普活动's 2024 amount is a row of 表三 and of
表五 and a sentence of the 情况说明. A question's file names one of those places, but a chunk
holding any of them is the same evidence. So a chunk is also a hit (an **evidence** hit) when,
given the figure store, it prints a figure *equivalent* to a gold figure:

* the gold figures are the stored figures at the gold source (a table cell; on a narrative line,
  the ones equal to the question's gold value);
* an equivalent figure has the same value (元 and 万元 converted) and names the same item: the
  same 科目 code, or names where one contains the other ("机构运行" in
  "科学技术支出(类)科学技术普及(款)机构运行(项)"), generic names such as 合计 aside;
* the chunk holds that figure's source line and prints its number.

``hit@k`` counts both kinds; ``strict`` repeats the metrics with strict hits only, so the
difference the rule makes is always reported, never hidden.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from core.records import Chunk, Figure
from core.text import squash
from index.chunk import short_title
from index.retrieve import HybridRetriever

LEGS = ("dense", "keyword", "hybrid")
DEPTH = 10  # MRR counts ranks up to here (0 beyond)
# Names that say where in a table a figure is, not what it is about: never an item identity.
_GENERIC_NAMES = {"合计", "总计", "小计", "值", "金额", "指标值", "当年预算", "预算数"}
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
_ITEM_OF_PATH = re.compile(r"([^()]+)\(项\)")
_YUAN_PER = {"元": Decimal(1), "万元": Decimal(10000)}
Figures = Mapping[str, Sequence[Figure]]  # doc id → its stored figures


def load_questions(path: Path | str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def gold_sources(question: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The passages that answer a question ([] when it has none, e.g. a refusal)."""
    source = question.get("source") or {}
    if "inputs" in source:
        return [s for s in source["inputs"] if "table" in s or "line" in s]
    return [source] if ("table" in source or "line" in source) else []


def _doc_id(doc: str) -> str:
    return Path(doc).stem if doc else ""


def _row_keys(row: str) -> set[str]:
    """'一、本年收入/一般公共预算财政拨款' names a row by its path: its last part is the row name."""
    return {row, row.rsplit("/", 1)[-1]}


def chunk_matches(chunk: Chunk, source: Mapping[str, Any], doc: str = "") -> bool:
    """A strict hit: the chunk is (or holds) the place the gold source names."""
    meta = chunk.metadata
    if doc and meta.get("doc_id") != _doc_id(doc):
        return False
    if "line" in source and "table" not in source:
        return str(source["line"]) in _lines(chunk)
    if meta.get("table_no") != source.get("table"):
        return False
    if source.get("project") and meta.get("project") and meta.get("project") != source["project"]:
        return False
    if meta.get("status") in ("empty", "missing"):
        return True  # the one chunk saying "此表无数据" answers anything asked about that table
    wanted = [source["row"]] if "row" in source else list(source.get("rows", []))
    if meta.get("project") and source.get("column"):
        # In a key/value form the field's key is its "column": two fields share a source line
        # ("专项资金名称 … 业务主管部门 …"), so a gold row may name the line's first field.
        wanted.append(source["column"])
    held = set(str(meta.get("rows", "")).split("|")) | {str(meta.get("row_code")), str(meta.get("row_name"))}
    return any(_row_keys(str(w)) & held for w in wanted)


def _lines(chunk: Chunk) -> set[str]:
    return set(str(chunk.metadata.get("lines", "")).split("|")) - {""}


# --- evidence equivalence ------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A place that prints a gold figure: a chunk holding ``line``, printing ``value`` and
    (when the figure has a specific name) one of ``names`` is a hit — the name tells the
    收入 half of a side-by-side row from its 支出 half, which share a line."""

    line: int
    value: Decimal
    names: tuple[str, ...] = ()


def _amount(value: Decimal, unit: str) -> tuple[Decimal, str]:
    """元 and 万元 on one scale, so a 万元 table and a 元 sentence compare exactly."""
    return (value * _YUAN_PER[unit], "元") if unit in _YUAN_PER else (value, unit)


def _names(f: Figure) -> set[str]:
    names = {squash(f.item), squash((f.source.row or "").rsplit("/", 1)[-1])}
    # '科学技术支出(类)科学技术普及(款)科普活动(项)2024年' is about its 项, not the 类 or 款
    names = {m.group(1) if (m := _ITEM_OF_PATH.search(n)) else n for n in names}
    return {n for n in names if len(n) >= 2 and n not in _GENERIC_NAMES}


def _subject(f: Figure) -> str:
    """What a table is about, from its title: the 合计 of '…“三公”经费支出预算表' is 三公经费."""
    title = short_title(f.source.table_title or "").split(" ", 1)[-1]
    return re.sub(r"[“”\"'‘’]", "", squash(title))


def _total_kind(f: Figure) -> str | None:
    """'支出' for a grand total of expenditure, whatever it is called (本年支出合计, 预算总支出,
    the 合计 of a 支出预算总表 or of a 收支总表's 支出 column); '收入' likewise; else None."""
    names = "".join(sorted(_names(f)))
    if names:
        context = names if re.search(r"合计|总计|总支出|总收入", names) else ""
    elif squash(f.item) in ("合计", "总计"):
        context = _subject(f)
        if "支出" in context and "收入" in context:  # a 收支总表: its column says which side
            context = squash(f.source.column or "")
    else:
        context = ""
    sides = [side for side in ("支出", "收入") if side in context]
    return sides[0] if len(sides) == 1 else None


def same_item(a: Figure, b: Figure) -> bool:
    """Same 科目 code; the same name when only one has a code; else one name containing the
    other (政府性基金预算财政拨款 / …资金). Generic names such as 合计 never match: a figure with
    only a generic name (a table's 合计) is named by its table's subject, and grand totals of
    expenditure (or income) match each other whatever they are called."""
    if a.item_code and b.item_code:
        return a.item_code == b.item_code
    if a.item_code or b.item_code:
        # A 科目 is named exactly: 科学技术管理事务 (20601) is not 其他科学技术管理事务支出.
        if _names(a) & _names(b):
            return True
    elif any(x in y or y in x for x in _names(a) for y in _names(b)):
        return True
    if _total_kind(a) is not None and _total_kind(a) == _total_kind(b):
        return True
    for one, other in ((a, b), (b, a)):
        # Only a sentence's subject: a table row of another table ("一般公共预算财政拨款", an
        # income row) inside an expenditure table's title is a different figure.
        if not _names(one) and one.source.table_title and other.origin == "narrative":
            subject = _subject(one)
            if any(len(n) >= 4 and n in subject for n in _names(other)):
                return True
    return False


def _column_ok(f: Figure, column: str) -> bool:
    have = squash(f.source.column or "")
    # A key/value form (绩效目标表) stores a field's value under the column "值".
    return have == column or (have == "值" and column in (squash(f.item), squash(f.source.row or "")))


def figures_at(source: Mapping[str, Any], figures: Sequence[Figure], gold: Mapping[str, Any]) -> list[Figure]:
    """The stored figures a gold source names: a table cell, or on a narrative line the ones
    equal to the question's gold value (a sentence holds several numbers)."""
    if "table" in source and "row" in source and source.get("column") and not source.get("project"):
        rows = {squash(k) for k in _row_keys(str(source["row"]))}
        column = squash(str(source["column"]))
        return [
            f
            for f in figures
            if f.source.table_no == source["table"]
            and (f.item_code in rows or squash(f.item) in rows or squash(f.source.row or "") in rows)
            and _column_ok(f, column)
        ]
    if "line" in source and "table" not in source and "value" in gold:
        try:
            want = _amount(Decimal(str(gold["value"])), str(gold.get("unit", "")))
        except InvalidOperation:
            return []
        return [f for f in figures if f.source.line == source["line"] and _amount(f.value, f.unit) == want]
    return []


def evidence_for(question: Mapping[str, Any], figures: Figures) -> list[Evidence]:
    """Every place in the question's document that prints a figure equivalent to a gold one."""
    doc_figures = figures.get(_doc_id(str(question.get("doc", ""))), ())
    gold = question.get("gold") if isinstance(question.get("gold"), Mapping) else {}
    found: set[Evidence] = set()
    for source in gold_sources(question):
        for g in figures_at(source, doc_figures, gold or {}):
            amount = _amount(g.value, g.unit)
            for f in doc_figures:
                if _amount(f.value, f.unit) == amount and (f is g or same_item(f, g)):
                    found.add(Evidence(f.source.line, f.value, tuple(sorted(_names(f)))))
    return sorted(found, key=lambda e: (e.line, e.value))


def _prints(chunk: Chunk, evidence: Evidence) -> bool:
    text = chunk.text.replace(",", "").replace("，", "")
    if not any(Decimal(m) == evidence.value for m in _NUMBER.findall(text)):
        return False
    return not evidence.names or any(n in squash(chunk.text) for n in evidence.names)


def evidence_matches(chunk: Chunk, evidence: Iterable[Evidence]) -> bool:
    lines = _lines(chunk)
    return any(str(e.line) in lines and _prints(chunk, e) for e in evidence)


def first_hit(
    chunks: Sequence[Chunk],
    sources: Sequence[Mapping[str, Any]],
    doc: str,
    evidence: Sequence[Evidence] = (),
) -> int | None:
    """1-based rank of the first chunk matching any gold source (or, given ``evidence``,
    printing an equivalent figure)."""
    for rank, chunk in enumerate(chunks, start=1):
        if any(chunk_matches(chunk, s, doc) for s in sources):
            return rank
        if evidence and chunk.metadata.get("doc_id") == _doc_id(doc) and evidence_matches(chunk, evidence):
            return rank
    return None


def leg_rankings(retriever: HybridRetriever, query: str, depth: int = DEPTH) -> dict[str, list[Chunk]]:
    """Each leg's ranked chunks; hybrid is fused from the same two candidate lists it would use."""
    candidates = max(depth, retriever.settings.candidate_k)
    query = retriever.prepare_query(query, retriever.filters)  # idempotent: ranked_ids prepares too
    dense = retriever.ranked_ids(query, retriever.filters, "dense", candidates)
    keyword = retriever.ranked_ids(query, retriever.filters, "keyword", candidates)
    hybrid = retriever.fuse(query, retriever.filters, dense, keyword, candidates)
    by_id = retriever.keyword.by_id
    return {
        leg: [by_id[i] for i, _ in ranked[:depth] if i in by_id]
        for leg, ranked in (("dense", dense), ("keyword", keyword), ("hybrid", hybrid))
    }


def summarize(ranks: Sequence[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "hit@1": round(sum(1 for r in ranks if r == 1) / n, 4),
        "hit@3": round(sum(1 for r in ranks if r is not None and r <= 3) / n, 4),
        "mrr": round(sum(1 / r for r in ranks if r is not None) / n, 4),
    }


def retrieval_metrics(
    retriever: HybridRetriever,
    questions: Iterable[Mapping[str, Any]],
    figures: Figures | None = None,
    depth: int = DEPTH,
    per_question: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """hit@1 / hit@3 / MRR per leg over the questions that have a gold source, each searched
    within its own document (as the engine searches it).

    With ``figures`` (doc id → stored figures) evidence hits count too and ``strict`` reports
    the metrics without them. Returns ``{"questions", "skipped", "dense", "keyword", "hybrid",
    "strict": {leg: …}, "misses": [{"id", "question", leg: rank|None …}]}`` (misses: hybrid
    rank worse than 3). ``per_question`` collects each question's ranks and hybrid top-3 chunks.
    """
    ranks: dict[str, list[int | None]] = {leg: [] for leg in LEGS}
    strict: dict[str, list[int | None]] = {leg: [] for leg in LEGS}
    per_doc: dict[str, HybridRetriever] = {}
    misses: list[dict[str, Any]] = []
    skipped = 0
    for q in questions:
        sources = gold_sources(q)
        if not sources:
            skipped += 1
            continue
        doc = str(q.get("doc", ""))
        if doc not in per_doc:
            per_doc[doc] = (
                retriever.with_filters({**retriever.filters, "doc_id": _doc_id(doc)}) if doc else retriever
            )
        ranked = leg_rankings(per_doc[doc], str(q["question"]), depth)
        evidence = evidence_for(q, figures) if figures else []
        found = {leg: first_hit(ranked[leg], sources, doc, evidence) for leg in LEGS}
        for leg in LEGS:
            ranks[leg].append(found[leg])
            strict[leg].append(first_hit(ranked[leg], sources, doc))
        if per_question is not None:
            per_question[str(q.get("id", ""))] = {"ranks": found, "top3": ranked["hybrid"][:3]}
        if found["hybrid"] is None or found["hybrid"] > 3:
            misses.append({"id": q.get("id", ""), "question": q["question"], **found})
    return {
        "questions": len(ranks["hybrid"]),
        "skipped": skipped,
        **{leg: summarize(ranks[leg]) for leg in LEGS},
        "strict": {leg: summarize(strict[leg]) for leg in LEGS},
        "misses": misses,
    }
