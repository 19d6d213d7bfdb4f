"""Build (or bring up to date) the chunk index of a corpus: Chroma vectors + BM25.

``build_index`` is incremental and idempotent. Every chunk carries a content hash; a chunk
whose id and hash are already stored is not embedded again, a chunk whose text or metadata
changed is re-embedded and upserted, and every stored id the corpus no longer produces is
deleted — that covers a changed document (its old chunks) and a removed one (all of them).
The BM25 index is small and rebuilt whole each time, then swapped in atomically.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from tqdm import tqdm

from core.errors import ConfigError
from core.records import Chunk, Document
from core.settings import Settings
from index.chunk import chunk_document, dense_text
from index.embed import get_embedder, release_memory
from index.keyword import KeywordIndex, budget_terms
from index.retrieve import HybridRetriever
from index.vector import VectorStore

# Chunks stored per Chroma upsert. A call costs ~0.1 s whatever its size (4,000 vectors: 40 s in
# calls of 16, 6 s in calls of 1,000), so storing each embedding batch of 16 took a fifth of a
# large build; an interrupted build still keeps all but the last few hundred chunks.
_STORE_EVERY = 512


@dataclass(frozen=True)
class IndexStats:
    chunks: int  # chunks in the index after the build
    added: int  # new ids
    updated: int  # ids whose text or metadata changed
    deleted: int  # ids no longer produced (changed or removed documents)
    seconds: float
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.chunks} 块（新增 {self.added}，更新 {self.updated}，删除 {self.deleted}，"
            f"未变 {self.unchanged}），用时 {self.seconds:.1f} 秒"
        )


def content_hash(chunk: Chunk) -> str:
    # the embedded text is part of the content: a change in what is embedded re-embeds
    payload = json.dumps(
        {"text": chunk.text, "metadata": chunk.metadata, "dense": dense_text(chunk)},
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def corpus_chunks(docs: Sequence[Document]) -> list[Chunk]:
    """Chunks of every document; two documents with one id would overwrite each other."""
    seen: dict[str, str] = {}
    chunks: list[Chunk] = []
    for doc in docs:
        if doc.id in seen:
            raise ConfigError(
                f"两个文件得到同一个文档编号 {doc.id!r}：{seen[doc.id]} 与 {doc.source_path}。请改名其中一个。"
            )
        seen[doc.id] = doc.source_path
        chunks.extend(chunk_document(doc))
    return chunks


def build_index(docs: Sequence[Document], settings: Settings, progress: bool = True) -> IndexStats:
    """Index ``docs`` — the whole corpus: chunks of documents not in ``docs`` are deleted."""
    start = time.perf_counter()
    chunks = corpus_chunks(docs)
    hashes = {c.id: content_hash(c) for c in chunks}
    store = VectorStore.for_build(settings)
    try:
        stored = store.hashes()
        stale = set(stored) - set(hashes)
        changed = [c for c in chunks if stored.get(c.id) != hashes[c.id]]
        added = sum(1 for c in changed if c.id not in stored)
        # stale chunks go after the new ones are stored: their vectors serve the same texts moved
        _embed_and_store(changed, hashes, store, settings, progress)
        store.delete(stale)
    finally:
        store.close()  # files closed: a store built aside can be moved into place
    keyword = KeywordIndex.build(chunks, budget_terms(docs), k1=settings.bm25_k1, b=settings.bm25_b)
    keyword.save(settings.bm25_path)
    return IndexStats(
        chunks=len(chunks),
        added=added,
        updated=len(changed) - added,
        deleted=len(stale),
        seconds=round(time.perf_counter() - start, 3),
        unchanged=len(chunks) - len(changed),
    )


def text_hash(text: str) -> str:
    """The key of a vector: the hash of the text embedded (``dense_text``), which alone decides
    the vector — not the chunk's place (its metadata), nor which document printed it."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _embed_and_store(
    chunks: list[Chunk], hashes: dict[str, str], store: VectorStore, settings: Settings, progress: bool
) -> None:
    """Store ``chunks`` with their vectors, embedding each distinct text once: a text the store
    already has (a chunk whose line numbers moved, boilerplate another disclosure prints too) is
    copied, and a text several chunks of this build print is embedded for all of them at once."""
    if not chunks:
        return  # nothing changed: do not even load the model
    by_text: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_text.setdefault(text_hash(dense_text(c)), []).append(c)
    known = store.vectors_of_texts(list(by_text)) if store.count() else {}
    todo = [k for k in by_text if k not in known]
    with tqdm(total=len(chunks), desc="嵌入分块", unit="块", file=sys.stderr, disable=not progress) as bar:

        def put(keys: list[str], vectors: list[list[float]]) -> None:
            rows = [(c, v, k) for k, v in zip(keys, vectors, strict=True) for c in by_text[k]]
            stored = [r[0] for r in rows]
            store.upsert(stored, [r[1] for r in rows], [hashes[c.id] for c in stored], [r[2] for r in rows])
            bar.update(len(rows))
            release_memory()  # a large build would otherwise keep every batch's freed memory

        if known:
            put(list(known), list(known.values()))
        if not todo:
            return  # every text was stored already: the model is not needed
        embedder = get_embedder(settings.embedding_model)
        keys: list[str] = []
        vectors: list[list[float]] = []
        waiting = 0  # chunks embedded but not stored yet
        texts = {k: dense_text(by_text[k][0]) for k in todo}
        for batch in _length_batches(embedder, todo, [texts[k] for k in todo], settings):
            vectors += embedder.embed_documents([texts[k] for k in batch], batch_size=len(batch))
            keys += batch
            waiting += sum(len(by_text[k]) for k in batch)
            if waiting >= _STORE_EVERY:
                put(keys, vectors)
                keys, vectors, waiting = [], [], 0
        if keys:
            put(keys, vectors)


def _length_batches(embedder: object, keys: list[str], texts: list[str], settings: Settings) -> list[list[str]]:
    """``keys`` in batches of texts of similar length in tokens, each batch at most
    ``embedding_batch_size`` texts and ``embedding_batch_tokens`` tokens (padding included).

    A batch is padded to its longest text: one 370-token table group among 40-token fact lines
    made embedding the seed 3.5x slower (14 s vs 4 s), and ordering by tokens rather than by
    characters pads a disclosure's 22,661 tokens to 25,248 instead of 30,181. The token cap bounds
    the memory a batch's activations take (16 of the longest texts: +236 MB; at 2,048 tokens:
    +150 MB) without changing the work. An embedder without a tokenizer (a test double) is
    ordered by characters."""
    size = max(1, settings.embedding_batch_size)
    budget = max(1, settings.embedding_batch_tokens)
    lengths = getattr(embedder, "token_lengths", lambda ts: [len(t) for t in ts])(texts)
    batches: list[list[str]] = []
    batch: list[str] = []
    for i in sorted(range(len(keys)), key=lambda i: (lengths[i], keys[i])):
        # ascending lengths: the text being added is the batch's longest
        if batch and (len(batch) >= size or (len(batch) + 1) * lengths[i] > budget):
            batches.append(batch)
            batch = []
        batch.append(keys[i])
    return [*batches, batch] if batch else batches


def open_retriever(settings: Settings) -> HybridRetriever:
    """Load the BM25 index, the Chroma collection and the embedding model once."""
    return HybridRetriever.open(settings)
