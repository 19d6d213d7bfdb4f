"""Retrieval quality per leg (dense, keyword, hybrid): hit@1, hit@3 and MRR over gold sources.

A question's gold ``source`` is one of (see eval/questions.jsonl):

* ``{"table": 5, "row": "2060702", "column": …, "project"?: …}`` — a table row;
* ``{"table": 3, "rows": [...], "project"?: …}`` — several rows of one table (any one counts);
* ``{"section": …, "line": 73}`` — a narrative passage;
* ``{"inputs": [source, …]}`` — a computed answer: finding any one input counts;
* ``{"note": …}`` — a refusal: no gold passage, the question is skipped.

A retrieved chunk is a hit when its doc matches and: for a table source, its table number
matches and it holds the row (row fact: row_code or row_name equals the gold row; table group:
the row is in its ``rows``; an empty/missing table's status chunk holds every "row" of it);
for a section source, the gold line is among its source lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from core.records import Chunk
from index.retrieve import HybridRetriever

LEGS = ("dense", "keyword", "hybrid")
DEPTH = 10  # MRR counts ranks up to here (0 beyond)


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
    meta = chunk.metadata
    if doc and meta.get("doc_id") != _doc_id(doc):
        return False
    if "line" in source and "table" not in source:
        return str(source["line"]) in str(meta.get("lines", "")).split("|")
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


def first_hit(chunks: Sequence[Chunk], sources: Sequence[Mapping[str, Any]], doc: str) -> int | None:
    """1-based rank of the first chunk matching any gold source."""
    for rank, chunk in enumerate(chunks, start=1):
        if any(chunk_matches(chunk, s, doc) for s in sources):
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


def _summary(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "hit@1": round(sum(1 for r in ranks if r == 1) / n, 4),
        "hit@3": round(sum(1 for r in ranks if r is not None and r <= 3) / n, 4),
        "mrr": round(sum(1 / r for r in ranks if r is not None) / n, 4),
    }


def retrieval_metrics(
    retriever: HybridRetriever, questions: Iterable[Mapping[str, Any]], depth: int = DEPTH
) -> dict[str, Any]:
    """hit@1 / hit@3 / MRR per leg over the questions that have a gold source.

    Returns ``{"questions": n, "skipped": m, "dense": {...}, "keyword": {...}, "hybrid": {...},
    "misses": [{"id", "question", leg: rank|None …} for hybrid ranks worse than 3]}``.
    """
    ranks: dict[str, list[int | None]] = {leg: [] for leg in LEGS}
    misses: list[dict[str, Any]] = []
    skipped = 0
    for q in questions:
        sources = gold_sources(q)
        if not sources:
            skipped += 1
            continue
        ranked = leg_rankings(retriever, str(q["question"]), depth)
        found = {leg: first_hit(ranked[leg], sources, str(q.get("doc", ""))) for leg in LEGS}
        for leg in LEGS:
            ranks[leg].append(found[leg])
        if found["hybrid"] is None or found["hybrid"] > 3:
            misses.append({"id": q.get("id", ""), "question": q["question"], **found})
    return {
        "questions": len(ranks["hybrid"]),
        "skipped": skipped,
        **{leg: _summary(ranks[leg]) for leg in LEGS},
        "misses": misses,
    }
