"""One short card per catalogue item — its name, 科目编码, table, parent 科目, what the budget
glossary says it is and the everyday words for it — searched with BM25 over jieba tokens, and
with the retriever's dense leg when the embedding model is loaded. For questions whose words no
name explains ('科协搞科普一年要花多少钱'): the cards that share the most of them are candidate
items, weighed below a name the question spells out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core.records import Document
from core.vocab import fold, vocabulary
from qa.catalog import Catalog, Entry
from qa.match import Hit, Mention
from qa.question import Question

_KINDS = ("row", "column", "three_public", "indicator", "form")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _tokens(text: str) -> list[str]:
    stop = vocabulary().stopwords
    return [t for t in _jieba().lcut_for_search(fold(text)) if len(t.strip()) >= 2 and t not in stop]


def card_text(e: Entry, doc: Document) -> str:
    """What the card says of an item: enough words to be found by, no figures."""
    words = [e.name, *e.variants]
    if e.code:
        words.append(e.code)
    if e.table_title:
        words.append(e.table_title)
    if e.project:
        words.append(e.project)
    names = {fold(e.name), *e.variants}
    for g in vocabulary().glossary:
        if g.name in names:
            words += [g.description, *g.everyday]
    if e.code and len(e.code) > 3:
        table = next((t for t in doc.tables if t.no == e.table_no and t.part == e.part), None)
        parent = next((r for r in (table.rows if table else ()) if r.code == e.code[:-2]), None)
        if parent is not None:
            words.append(parent.name)
    return " ".join(words)


@dataclass
class CardIndex:
    entries: list[Entry]
    bm25: Any

    def search(self, tokens: list[str], k: int = 3) -> list[tuple[Entry, float]]:
        if not tokens or not self.entries:
            return []
        ids, scores = self.bm25.retrieve([tokens], k=min(k, len(self.entries)), show_progress=False)
        return [(self.entries[int(i)], float(s)) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]


def card_index(catalog: Catalog, doc: Document) -> CardIndex:
    key = ("cards", doc.id)
    if key not in catalog.cache:
        import bm25s

        entries = [e for e in catalog.entries_of(doc.id) if e.kind in _KINDS and e.figures]
        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        bm25.index([_tokens(card_text(e, doc)) or ["□"] for e in entries], show_progress=False)
        catalog.cache[key] = CardIndex(entries, bm25)
    return catalog.cache[key]


def unexplained_words(q: Question, ms: list[Mention]) -> list[str]:
    """Content words of the question that no mention and no cue word covers."""
    covered = {i for m in ms for i in range(m.start, m.end)}
    covered |= {i for c in q.cues for i in range(c.start, c.end) if c.kind != "particle"}
    text = "".join(ch if i not in covered else " " for i, ch in enumerate(q.text))
    return [t for t in _tokens(text) if not t.isdigit()]


def retrieved_hits(q: Question, catalog: Catalog, ms: list[Mention], retriever: Any = None) -> list[Hit]:
    """Candidate items for the words nothing else explains, from their cards."""
    words = unexplained_words(q, ms)
    if not words:
        return []
    index = card_index(catalog, q.doc)
    found = index.search(words, k=3)
    out: list[Hit] = []
    if found:
        top = found[0][1]
        for e, score in found:
            spans = _spans(q.text, words, card_text(e, q.doc))
            if spans:
                start, end = min(s for s, _ in spans), max(e2 for _, e2 in spans)
                # below ANSWER_AT on purpose: a card that shares words is a suggestion to offer
                # ('您是不是想问'), never an answer by itself (BM25 over short cards is loose)
                out.append(Hit(e, start, end, "retrieved", round(0.4 + 0.15 * score / top, 3)))
    if retriever is not None and getattr(retriever, "ready", lambda: True)():
        out += _dense(q, catalog, words, retriever)
    return out


def _spans(text: str, words: list[str], card: str) -> list[tuple[int, int]]:
    card = fold(card)
    out = []
    for w in words:
        at = text.find(w)
        if at >= 0 and w in card:
            out.append((at, at + len(w)))
    return out


def _dense(q: Question, catalog: Catalog, words: list[str], retriever: Any) -> list[Hit]:
    """The dense leg over the row chunks (one fact line per table row) of this document."""
    chunks = retriever.retrieve_chunks(
        "".join(words), filters={"doc_id": q.doc.id, "kind": "row"}, mode="dense", top_k=3
    )
    by_place = {
        (e.table_no, e.figures[0].source.line): e
        for e in catalog.entries_of(q.doc.id)
        if e.kind == "row" and e.figures
    }
    out = []
    for rank, (chunk, _) in enumerate(chunks, start=1):
        key = (chunk.metadata.get("table_no"), chunk.metadata.get("line"))
        e = by_place.get(key)
        if e is None:
            continue
        spans = _spans(q.text, words, card_text(e, q.doc))
        if spans:
            start, end = min(s for s, _ in spans), max(e2 for _, e2 in spans)
            out.append(Hit(e, start, end, "retrieved", round(0.55 - 0.05 * rank, 3)))  # see above
    return out
