"""The vector store on a real embedded Chroma: a query within documents is exact."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.records import Chunk
from core.settings import Settings
from index.vector import VectorStore

DIM = 32


def _chunks(doc_id: str, vectors: np.ndarray, tables: int = 3) -> list[Chunk]:
    return [
        Chunk(f"{doc_id}:c{n}", doc_id, "row", f"{doc_id} {n}", {"doc_id": doc_id, "table_no": n % tables})
        for n in range(len(vectors))
    ]


def _put(store: VectorStore, chunks: list[Chunk], vectors: np.ndarray) -> None:
    ids = [c.id for c in chunks]
    store.upsert(chunks, vectors.tolist(), ids, ids)


def _brute(chunks: list[Chunk], vectors: np.ndarray, query: np.ndarray, k: int, keep=lambda c: True) -> list[str]:
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = unit @ (query / np.linalg.norm(query))
    order = sorted((n for n, c in enumerate(chunks) if keep(c)), key=lambda n: (-round(float(sims[n]), 6), chunks[n].id))
    return [chunks[n].id for n in order[:k]]


def test_a_query_within_documents_finds_exactly_the_nearest_chunks(tmp_path: Path) -> None:
    # Disclosures repeat their standard sentences word for word: many documents hold copies of
    # the same vectors, which an HNSW graph links poorly. Within a document the answer must be
    # the true nearest chunks, in order, whatever the graph.
    rng = np.random.default_rng(7)
    settings = Settings(state_dir=tmp_path / "state", embedding_model="fake-model")
    store = VectorStore.for_build(settings)
    shared = rng.normal(size=(40, DIM))
    every: dict[str, tuple[list[Chunk], np.ndarray]] = {}
    for d in range(30):
        own = np.vstack([shared, rng.normal(size=(60, DIM))])
        chunks = _chunks(f"doc{d}", own)
        _put(store, chunks, own)
        every[f"doc{d}"] = (chunks, own)

    for trial in range(60):
        doc_id = f"doc{trial % 30}"
        chunks, vectors = every[doc_id]
        query = vectors[trial % len(vectors)] + rng.normal(scale=0.3, size=DIM)
        got = store.query(query.tolist(), 10, {"doc_id": doc_id})
        assert [i for i, _ in got] == _brute(chunks, vectors, query, 10)
        assert all(i.startswith(f"{doc_id}:") for i, _ in got)
        within = store.query(query.tolist(), 5, {"doc_id": doc_id, "table_no": [0, 2]})
        assert [i for i, _ in within] == _brute(chunks, vectors, query, 5, lambda c: c.metadata["table_no"] != 1)

    # two documents at once: the best of both
    (a, va), (b, vb) = every["doc1"], every["doc2"]
    query = vb[50]
    both = store.query(query.tolist(), 8, {"doc_id": ["doc1", "doc2"]})
    assert [i for i, _ in both] == _brute(a + b, np.vstack([va, vb]), query, 8)
    assert both[0][0] == "doc2:c50" and abs(both[0][1] - 1.0) < 1e-5

    # the whole collection still answers (through the graph)
    assert store.query(query.tolist(), 3)[0][0] == "doc2:c50"


def test_a_chunk_stored_after_a_query_is_found_by_the_next(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    store = VectorStore.for_build(Settings(state_dir=tmp_path / "state", embedding_model="fake-model"))
    first = rng.normal(size=(20, DIM))
    _put(store, _chunks("doc", first), first)
    target = rng.normal(size=DIM)
    assert store.query(target.tolist(), 1, {"doc_id": "doc"})[0][0] != "doc:new"

    _put(store, [Chunk("doc:new", "doc", "row", "new", {"doc_id": "doc", "table_no": 0})], target[None, :])
    assert store.query(target.tolist(), 1, {"doc_id": "doc"})[0][0] == "doc:new"
    store.delete(["doc:new"])
    assert all(i != "doc:new" for i, _ in store.query(target.tolist(), 30, {"doc_id": "doc"}))
    assert store.query(target.tolist(), 5, {"doc_id": "no-such-doc"}) == []
