"""The naive baseline: what a user builds first with llama-index, on the same files and model.

``SimpleDirectoryReader`` over a temp folder holding the same .txt files (its default file
metadata, with ``file_path`` made relative so chunking does not depend on the temp folder's
random name) → the default
``SentenceSplitter`` (1024 tokens, 200 overlap) → a ``VectorStoreIndex`` backed by Chroma
(an in-memory ``EphemeralClient``, cosine space, telemetry off) → retrieve top 3 for each
question within its own file.

``llama-index-vector-stores-chroma`` and ``llama-index-embeddings-huggingface`` are not
installed here, so two small adapters stand in for them: ``ProjectEmbedding`` (a llama-index
``BaseEmbedding`` over our ``index.embed`` model, i.e. the same m3e weights as our index) and
``ChromaVectorStore`` (a ``BasePydanticVectorStore`` that keeps the vectors in a Chroma
collection). Everything else is llama-index defaults.

Scored on figure/computed/count questions whose gold is one table cell: a hit when the cell's
text as the file prints it ("2,300,000.00", "757000.00", "1.80") is in the 3 retrieved chunks.
With ``settings.llm_base_url`` set the naive pipeline also generates answers (top 3 chunks in
the prompt) and they are scored on the gold number; without one that part is skipped and
the report says so.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.settings import Settings

TOP_K = 3


def figure_in(text: str, figure: str) -> bool:
    """Is the printed figure in the text as a whole number ('230' is not inside '2,300')?"""
    text = _plain_text(text)
    pattern = rf"(?<![\d.,]){re.escape(figure)}(?![\d]|[.,]\d)"
    return re.search(pattern, text) is not None


def _plain_text(text: str) -> str:
    from core.text import halfwidth, strip_html

    return halfwidth(strip_html(text))


def _adapters() -> tuple[type, type]:
    """Defined lazily: importing llama-index is slow and only the baseline needs it here."""
    from llama_index.core.bridge.pydantic import PrivateAttr
    from llama_index.core.embeddings import BaseEmbedding
    from llama_index.core.schema import BaseNode, TextNode
    from llama_index.core.vector_stores.types import (
        BasePydanticVectorStore,
        VectorStoreQuery,
        VectorStoreQueryResult,
    )

    class ProjectEmbedding(BaseEmbedding):
        """llama-index embedding over the project's sentence-transformers model (index.embed)."""

        _embedder: Any = PrivateAttr()

        def __init__(self, model_name: str, **kwargs: Any) -> None:
            super().__init__(model_name=model_name, **kwargs)
            from index.embed import get_embedder

            self._embedder = get_embedder(model_name)

        @classmethod
        def class_name(cls) -> str:
            return "ProjectEmbedding"

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._embedder.embed_query(query)

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._embedder.embed_documents([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._embedder.embed_documents(texts, batch_size=16)

    class ChromaVectorStore(BasePydanticVectorStore):
        """Minimal llama-index vector store over one Chroma collection (text kept in Chroma)."""

        stores_text: bool = True
        flat_metadata: bool = True
        _collection: Any = PrivateAttr()

        def __init__(self, collection: Any, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._collection = collection

        @classmethod
        def class_name(cls) -> str:
            return "ChromaVectorStore"

        @property
        def client(self) -> Any:
            return self._collection

        def add(self, nodes: Sequence[BaseNode], **kwargs: Any) -> list[str]:
            if not nodes:
                return []
            ids = [n.node_id for n in nodes]
            metadatas = [
                {
                    **{k: v for k, v in n.metadata.items() if isinstance(v, str | int | float | bool)},
                    "ref_doc_id": n.ref_doc_id or "",
                }
                for n in nodes
            ]
            self._collection.upsert(
                ids=ids,
                embeddings=[n.get_embedding() for n in nodes],
                documents=[n.get_content() for n in nodes],
                metadatas=metadatas,
            )
            return ids

        def delete(self, ref_doc_id: str, **kwargs: Any) -> None:
            self._collection.delete(where={"ref_doc_id": ref_doc_id})

        def query(self, query: VectorStoreQuery, **kwargs: Any) -> VectorStoreQueryResult:
            where = None
            if query.filters is not None and query.filters.filters:
                clauses = [{f.key: f.value} for f in query.filters.filters]
                where = clauses[0] if len(clauses) == 1 else {"$and": clauses}
            res = self._collection.query(
                query_embeddings=[query.query_embedding], n_results=query.similarity_top_k, where=where
            )
            ids, docs = res["ids"][0], res["documents"][0]
            metas, dists = res["metadatas"][0], res["distances"][0]
            nodes = [
                TextNode(id_=i, text=d or "", metadata=dict(m or {}))
                for i, d, m in zip(ids, docs, metas, strict=True)
            ]
            return VectorStoreQueryResult(nodes=nodes, similarities=[1 - d for d in dists], ids=list(ids))

    return ProjectEmbedding, ChromaVectorStore


def _stable_metadata(file_path: str) -> dict[str, Any]:
    """llama-index's default file metadata, with the path relative to the temp folder: the
    splitter counts metadata tokens, so a random temp-dir name moved chunk boundaries between runs
    (73 vs 74 chunks) and made the baseline's score wobble."""
    from llama_index.core.readers.file.base import default_file_metadata_func

    meta = default_file_metadata_func(file_path)
    meta["file_path"] = Path(file_path).name
    return meta


class NaivePipeline:
    """Build once over the corpus files; ``retrieve(question, doc_id)`` → top-3 chunk texts."""

    def __init__(self, files: Sequence[Path], settings: Settings) -> None:
        import chromadb
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        embedding_cls, store_cls = _adapters()
        start = time.perf_counter()
        self._tmp = Path(tempfile.mkdtemp(prefix="naive-baseline-"))
        for f in files:
            shutil.copy(f, self._tmp / f.name)
        documents = SimpleDirectoryReader(
            str(self._tmp), required_exts=[".txt"], file_metadata=_stable_metadata
        ).load_data()
        splitter = SentenceSplitter()
        nodes = splitter.get_nodes_from_documents(documents)
        client = chromadb.EphemeralClient(settings=chromadb.config.Settings(anonymized_telemetry=False))
        name = f"naive-{id(self)}"
        collection = client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
        self.embed_model = embedding_cls(settings.embedding_model)
        storage = StorageContext.from_defaults(vector_store=store_cls(collection))
        self.index = VectorStoreIndex(nodes, storage_context=storage, embed_model=self.embed_model)
        self.chunks = len(nodes)
        self.splitter = (
            f"SentenceSplitter(chunk_size={splitter.chunk_size}, chunk_overlap={splitter.chunk_overlap})"
        )
        self.build_seconds = round(time.perf_counter() - start, 1)
        self._client, self._collection_name = client, name

    def retrieve(self, question: str, doc_id: str, top_k: int = TOP_K) -> list[str]:
        from llama_index.core.vector_stores.types import ExactMatchFilter, MetadataFilters

        filters = MetadataFilters(filters=[ExactMatchFilter(key="file_name", value=f"{doc_id}.txt")])
        retriever = self.index.as_retriever(similarity_top_k=top_k, filters=filters)
        return [n.node.get_content() for n in retriever.retrieve(question)]

    def close(self) -> None:
        with contextlib.suppress(Exception):  # best effort: an in-memory collection
            self._client.delete_collection(self._collection_name)
        shutil.rmtree(self._tmp, ignore_errors=True)


def generate(settings: Settings, question: str, chunks: Sequence[str]) -> str | None:
    """The naive pipeline's answer from an OpenAI-compatible LLM (None when it fails)."""
    import httpx

    headers = {"Authorization": f"Bearer {settings.llm_key}"} if settings.llm_key else {}
    context = "\n\n".join(chunks)
    payload = {
        "model": settings.llm_model,
        "messages": [
            {"role": "system", "content": "根据下面的资料用中文回答问题，只用资料中的数字。"},
            {"role": "user", "content": f"资料：\n{context}\n\n问题：{question}"},
        ],
        "temperature": 0,
    }
    try:
        with httpx.Client(
            base_url=str(settings.llm_base_url).rstrip("/"), headers=headers, timeout=settings.llm_timeout_s
        ) as c:
            resp = c.post("/chat/completions", json=payload)
            resp.raise_for_status()
            return str(resp.json()["choices"][0]["message"]["content"])
    except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError):
        return None


def number_in_answer(text: str, gold: dict[str, Any]) -> bool:
    """Does a generated answer state the gold (元/万元 converted, '万' read as 万元)?"""
    from eval.score import value_matches

    g, u = Decimal(str(gold["value"])), str(gold["unit"])
    for m in re.finditer(r"(-?\d[\d,]*(?:\.\d+)?)\s*(万元|万|元|%|个|辆|项)?", _plain_text(text)):
        value = Decimal(m.group(1).replace(",", ""))
        unit = {"万": "万元", None: u}.get(m.group(2), m.group(2))
        if value_matches(g, u, value, unit):
            return True
    return False


def run_baseline(
    cases: Sequence[dict[str, Any]],
    files: Sequence[Path],
    settings: Settings,
    ours: Callable[[dict[str, Any]], list[str]] | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Score the naive pipeline on ``cases`` ({id, question, doc, figure_text, gold});
    ``ours(case)`` gives our hybrid retriever's top-3 texts, scored the same way."""
    from tqdm import tqdm

    pipeline = NaivePipeline(files, settings)
    naive_hits = ours_hits = 0
    llm_hits = 0
    llm_answered = 0
    misses: list[str] = []
    use_llm = bool(settings.llm_base_url)
    try:
        for case in tqdm(cases, desc="基线", unit="题", file=sys.stderr, disable=not progress):
            chunks = pipeline.retrieve(case["question"], case["doc"])
            hit = any(figure_in(c, case["figure_text"]) for c in chunks)
            naive_hits += hit
            if not hit:
                misses.append(case["id"])
            if ours is not None:
                ours_hits += any(figure_in(t, case["figure_text"]) for t in ours(case))
            if use_llm:
                text = generate(settings, case["question"], chunks)
                if text is not None:
                    llm_answered += 1
                    llm_hits += number_in_answer(text, case["gold"])
    finally:
        pipeline.close()
    n = len(cases) or 1
    out: dict[str, Any] = {
        "pipeline": (
            f"llama-index SimpleDirectoryReader + {pipeline.splitter} + VectorStoreIndex on Chroma "
            f"(EphemeralClient via adapter), embeddings {settings.embedding_model} (adapter), top {TOP_K}, "
            "filtered to the question's file"
        ),
        "questions": len(cases),
        "chunks": pipeline.chunks,
        "build_seconds": pipeline.build_seconds,
        "naive_hit@3": round(naive_hits / n, 4),
        "misses": misses,
    }
    if ours is not None:
        out["ours_hit@3"] = round(ours_hits / n, 4)
    if use_llm:
        out["llm"] = {"answered": llm_answered, "accuracy": round(llm_hits / n, 4)}
    else:
        out["llm"] = "skipped: no LLM configured (settings.llm_base_url / BUDGETQA_LLM_BASE_URL unset)"
    return out
