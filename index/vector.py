"""The Chroma collection holding chunk vectors: embedded (PersistentClient) or server (HttpClient).

We always pass our own embeddings: Chroma's default embedding function downloads an ONNX
model, which fails offline. The collection uses cosine space (fixed at creation) and records
the embedding model it was built with, so vectors from two models are never mixed.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import chromadb
import httpx
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.client import Client
from chromadb.api.models.Collection import Collection
from chromadb.errors import ChromaError

from core.errors import ConfigError, ServiceUnavailableError, StateMissingError
from core.records import Chunk
from core.settings import Settings

_UPSERT_BATCH = 1000  # well under Chroma's max batch size
_LOOKUP_BATCH = 500  # text hashes per metadata query
_DOCS_KEPT = 16  # documents whose vectors a store keeps for exact search
FilterValue = str | int | float | bool | Sequence[str | int | float | bool]


def make_client(settings: Settings, create: bool = False) -> ClientAPI:
    """Embedded client under state_dir, or an HTTP client in server mode.

    With ``create=False`` (retrieval) a missing embedded directory is an error rather than a
    silently created empty database. In server mode every request is bounded by
    ``settings.chroma_timeout_s`` (chromadb's own HTTP client waits forever): a server that is
    down or hangs is a ``ServiceUnavailableError`` within that time, never a hang.
    """
    chroma_settings = chromadb.Settings(anonymized_telemetry=False)
    if settings.chroma_mode == "server":
        _heartbeat(settings)  # bounded: the client's own first requests are not
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        except _UNREACHABLE as exc:
            raise _unavailable(settings, exc) from exc
        _bound(client, settings.chroma_timeout_s)
        return client
    path = settings.chroma_path
    if not create and not path.is_dir():
        raise StateMissingError(str(settings.state_dir), "没有向量库（chroma/）")
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # a corrupt sqlite file surfaces here
        raise StateMissingError(str(settings.state_dir), f"的向量库无法打开（{exc}）") from exc


# what a request to a Chroma server that is down, hanging or half answering raises
_UNREACHABLE = (httpx.TransportError, httpx.HTTPStatusError, ValueError, ChromaError)


def _unavailable(settings: Settings, exc: BaseException) -> ServiceUnavailableError:
    where = f"{settings.chroma_host}:{settings.chroma_port}"
    return ServiceUnavailableError("Chroma 服务", where, type(exc).__name__, settings.chroma_timeout_s)


def _heartbeat(settings: Settings) -> None:
    url = f"http://{settings.chroma_host}:{settings.chroma_port}/api/v2/heartbeat"
    try:
        httpx.get(url, timeout=settings.chroma_timeout_s).raise_for_status()
    except httpx.HTTPError as exc:
        raise _unavailable(settings, exc) from exc


def _bound(client: ClientAPI, seconds: float) -> None:
    """Give the HTTP session under a chromadb HttpClient a timeout (it is created with none)."""
    session = getattr(getattr(client, "_server", None), "_session", None)
    if not isinstance(session, httpx.Client):
        raise ConfigError("这个版本的 chromadb 无法设置请求超时；请使用 requirements.lock 中的 chromadb 版本")
    session.timeout = httpx.Timeout(seconds)


def where_clause(filters: Mapping[str, FilterValue] | None) -> dict[str, Any] | None:
    """{'doc_id': 'x', 'table_no': [3, 5]} → Chroma ``where`` ($and of $eq / $in)."""
    if not filters:
        return None
    parts: list[dict[str, Any]] = []
    for key in sorted(filters):
        value = filters[key]
        if isinstance(value, str | int | float | bool):
            parts.append({key: {"$eq": value}})
        else:
            parts.append({key: {"$in": list(value)}})
    return parts[0] if len(parts) == 1 else {"$and": parts}


class VectorStore:
    """Thin wrapper over one Chroma collection, speaking in chunk ids.

    In server mode it is also a circuit breaker: when a query finds the server down or too
    slow, the store raises ``ServiceUnavailableError`` at once for ``settings.chroma_retry_s``
    (the retriever answers from keyword search meanwhile), then tries the server again,
    reconnecting if it never had a connection (``offline``)."""

    def __init__(
        self, collection: Collection | None, client: ClientAPI | None = None, settings: Settings | None = None
    ) -> None:
        self.collection = collection
        self.client = client
        self.settings = settings
        self.down_until = 0.0
        self._docs: OrderedDict[str, tuple[list[str], list[Mapping[str, Any]], np.ndarray]] = OrderedDict()

    @classmethod
    def offline(cls, settings: Settings) -> VectorStore:
        """A server-mode store whose server could not be reached: it connects on a later query."""
        store = cls(None, None, settings)
        store.down_until = time.monotonic() + settings.chroma_retry_s
        return store

    def available(self) -> bool:
        """Worth asking now (not inside the pause after a failure)."""
        return time.monotonic() >= self.down_until

    @classmethod
    def for_build(cls, settings: Settings) -> VectorStore:
        """Open or create the collection; recreate it when the embedding model changed."""
        client = make_client(settings, create=True)
        meta = {"hnsw:space": "cosine", "embedding_model": settings.embedding_model}
        collection = client.get_or_create_collection(settings.collection, metadata=meta)
        # get_or_create ignores new metadata: check the stored model ourselves.
        if (collection.metadata or {}).get("embedding_model") != settings.embedding_model:
            client.delete_collection(settings.collection)
            collection = client.create_collection(settings.collection, metadata=meta)
        return cls(collection, client)

    @classmethod
    def for_query(cls, settings: Settings) -> VectorStore:
        client = make_client(settings, create=False)
        try:
            collection = client.get_collection(settings.collection)
        except (httpx.TransportError, httpx.HTTPStatusError) as exc:  # the server, not the collection
            raise _unavailable(settings, exc) from exc
        except Exception as exc:  # NotFoundError, or a database that cannot be read
            raise StateMissingError(
                str(settings.state_dir), f"没有向量集合 {settings.collection}（{type(exc).__name__}）"
            ) from exc
        stored = (collection.metadata or {}).get("embedding_model")
        if stored != settings.embedding_model:
            raise StateMissingError(
                str(settings.state_dir),
                f"的向量由模型 {stored!r} 生成，而当前设置是 {settings.embedding_model!r}",
            )
        return cls(collection, client, settings)  # the client kept, so that close() lets go of the files

    def _collection(self) -> Collection:
        """The collection to query; while the server is in its pause after a failure, or cannot
        be reached again, ``ServiceUnavailableError`` (fast)."""
        settings = self.settings
        if settings is not None and not self.available():
            raise ServiceUnavailableError(
                "Chroma 服务", f"{settings.chroma_host}:{settings.chroma_port}", "刚才不可用，稍后重试", settings.chroma_timeout_s
            )
        if self.collection is None and settings is not None:
            try:
                fresh = VectorStore.for_query(settings)
            except ServiceUnavailableError:
                self.down_until = time.monotonic() + settings.chroma_retry_s
                raise
            self.collection, self.client = fresh.collection, fresh.client
        if self.collection is None:
            raise ConfigError("向量库没有打开：在内置模式下请用 VectorStore.for_query 或 for_build 打开")
        return self.collection

    def close(self) -> None:
        """Let go of the client: an embedded store's files are closed, so its folder can be
        moved (``ingest.state`` switches a folder built aside into place)."""
        if isinstance(self.client, Client):
            self.client.close()
        self.client = None

    def count(self) -> int:
        return self._collection().count()

    def hashes(self) -> dict[str, str]:
        """id → content hash of every stored chunk (to skip re-embedding unchanged chunks)."""
        got = self.collection.get(include=["metadatas"])
        return {
            i: str((m or {}).get("hash", "")) for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)
        }

    def vectors_of_texts(self, text_hashes: Sequence[str]) -> dict[str, list[float]]:
        """text hash → the stored vector of a chunk with that text, for the hashes stored (the
        vector depends on the text alone, so a chunk whose place moved is not embedded again)."""
        found: dict[str, list[float]] = {}
        wanted = sorted(set(text_hashes))
        for start in range(0, len(wanted), _LOOKUP_BATCH):
            got = self.collection.get(
                where={"text_hash": {"$in": wanted[start : start + _LOOKUP_BATCH]}},
                include=["embeddings", "metadatas"],
            )
            embeddings = got["embeddings"] if got["embeddings"] is not None else []
            for meta, vector in zip(got["metadatas"] or [], embeddings, strict=True):
                found.setdefault(str((meta or {}).get("text_hash")), [float(x) for x in vector])
        return found

    def upsert(
        self,
        chunks: Sequence[Chunk],
        embeddings: Sequence[Sequence[float]],
        hashes: Sequence[str],
        text_hashes: Sequence[str],
    ) -> None:
        self._docs.clear()
        for start in range(0, len(chunks), _UPSERT_BATCH):
            end = start + _UPSERT_BATCH
            part = chunks[start:end]
            self.collection.upsert(
                ids=[c.id for c in part],
                embeddings=[list(e) for e in embeddings[start:end]],
                documents=[c.text for c in part],
                metadatas=[
                    {**c.metadata, "hash": h, "text_hash": t}
                    for c, h, t in zip(part, hashes[start:end], text_hashes[start:end], strict=True)
                ],
            )

    def delete(self, ids: Iterable[str]) -> None:
        self._docs.clear()
        ids = sorted(ids)
        for start in range(0, len(ids), _UPSERT_BATCH):
            self.collection.delete(ids=ids[start : start + _UPSERT_BATCH])

    def query(
        self, embedding: Sequence[float], k: int, filters: Mapping[str, FilterValue] | None = None
    ) -> list[tuple[str, float]]:
        """(id, cosine similarity) best first; ties broken by id so the order is reproducible.

        A query within named documents (a ``doc_id`` filter, as every question about one
        disclosure is) is scored exactly over those documents' vectors: the HNSW graph is
        approximate, and a disclosure's standard sentences repeat word for word across
        disclosures, duplicate vectors the graph links poorly; one build in three of the eval
        corpus lost the best chunk of a question for good (the build is multi-threaded, so which
        one varies). Vector stores do the same for small filtered sets (Qdrant's
        ``full_scan_threshold``, Weaviate's ``flatSearchCutoff``); a query over the whole
        collection still goes through the graph."""
        if k <= 0:
            return []
        if filters and "doc_id" in filters:
            return self._exact(embedding, k, filters)
        collection = self._collection()
        try:
            got = collection.query(
                query_embeddings=[list(embedding)],
                n_results=k,
                where=where_clause(filters),
                include=["distances"],
            )
        except _UNREACHABLE as exc:
            if self.settings is None or self.settings.chroma_mode != "server":
                raise  # an embedded store has no server to be down: a real error
            self.down_until = time.monotonic() + self.settings.chroma_retry_s
            raise _unavailable(self.settings, exc) from exc
        ids = got["ids"][0]
        distances = (got["distances"] or [[]])[0]
        pairs = [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]
        return _best(pairs, k)

    def _exact(self, embedding: Sequence[float], k: int, filters: Mapping[str, FilterValue]) -> list[tuple[str, float]]:
        wanted = filters["doc_id"]
        doc_ids = [wanted] if isinstance(wanted, str | int | float | bool) else list(wanted)
        rest = {key: value for key, value in filters.items() if key != "doc_id"}
        query = np.asarray(embedding, dtype=np.float32)
        query /= max(float(np.linalg.norm(query)), 1e-12)
        pairs: list[tuple[str, float]] = []
        for doc_id in doc_ids:
            ids, metas, matrix = self._vectors_of(str(doc_id))
            keep = [n for n, meta in enumerate(metas) if _matches(meta, rest)]
            if keep:
                sims = matrix[keep] @ query
                pairs += [(ids[n], float(sim)) for n, sim in zip(keep, sims, strict=True)]
        return _best(pairs, k)

    def _vectors_of(self, doc_id: str) -> tuple[list[str], list[Mapping[str, Any]], np.ndarray]:
        """A document's ids, metadata and unit vectors, fetched once and kept for the last
        ``_DOCS_KEPT`` documents asked about (a disclosure's ~300-700 vectors take 1-1.5 MB)."""
        if doc_id in self._docs:
            self._docs.move_to_end(doc_id)
            return self._docs[doc_id]
        collection = self._collection()
        try:
            got = collection.get(where={"doc_id": {"$eq": doc_id}}, include=["embeddings", "metadatas"])
        except _UNREACHABLE as exc:
            if self.settings is None or self.settings.chroma_mode != "server":
                raise
            self.down_until = time.monotonic() + self.settings.chroma_retry_s
            raise _unavailable(self.settings, exc) from exc
        matrix = np.asarray(got["embeddings"] if got["ids"] else np.zeros((0, 1)), dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        entry = (list(got["ids"]), [m or {} for m in got["metadatas"] or []], matrix / np.maximum(norms, 1e-12))
        self._docs[doc_id] = entry
        while len(self._docs) > _DOCS_KEPT:
            self._docs.popitem(last=False)
        return entry


def _matches(meta: Mapping[str, Any], filters: Mapping[str, FilterValue]) -> bool:
    """``where_clause`` applied to one chunk's metadata ($eq for a value, $in for a list)."""
    for key, value in filters.items():
        got = meta.get(key)
        if isinstance(value, str | int | float | bool):
            if got != value:
                return False
        elif got not in list(value):
            return False
    return True


def _best(pairs: Iterable[tuple[str, float]], k: int) -> list[tuple[str, float]]:
    return sorted(pairs, key=lambda p: (-round(p[1], 6), p[0]))[:k]


# --- a collection built aside (server mode) ---------------------------------------------------
# An embedded store is built aside as a copy of its folder; a server's collections live in the
# server, so the next one is a copy under another name, renamed into place when it is complete.


def copy_collection(settings: Settings, target: str) -> None:
    """Make collection ``target`` a copy of ``settings.collection`` (vectors, texts, metadata),
    replacing any earlier ``target``: building on the copy re-embeds only what changed."""
    with _client(settings) as client:
        _drop(client, target)
        meta = {"hnsw:space": "cosine", "embedding_model": settings.embedding_model}
        copy = client.create_collection(target, metadata=meta)
        if settings.collection not in _names(client):
            return
        source = client.get_collection(settings.collection)
        if (source.metadata or {}).get("embedding_model") != settings.embedding_model:
            return  # vectors of another model: the build embeds everything anew
        offset = 0
        while True:
            got = source.get(
                include=["embeddings", "documents", "metadatas"], limit=_UPSERT_BATCH, offset=offset
            )
            if not got["ids"]:
                return
            copy.upsert(
                ids=got["ids"],
                embeddings=got["embeddings"],
                documents=got["documents"],
                metadatas=got["metadatas"],
            )
            offset += len(got["ids"])


def rename_into_place(settings: Settings, built: str) -> None:
    """Collection ``built`` becomes ``settings.collection``; the one it replaces is deleted.
    Safe to run again after an interruption: a step already done is not done twice."""
    old = f"{settings.collection}-old"
    with _client(settings) as client:
        names = _names(client)
        if built not in names:
            return  # already renamed
        if settings.collection in names:
            _drop(client, old)
            client.get_collection(settings.collection).modify(name=old)
        client.get_collection(built).modify(name=settings.collection)
        _drop(client, old)


def collection_counts(settings: Settings) -> dict[str, int]:
    """Every collection on the server (or in the embedded store) with its chunk count."""
    with _client(settings) as client:
        return {c.name: client.get_collection(c.name).count() for c in client.list_collections()}


def drop_collection(settings: Settings, name: str) -> None:
    """Delete collection ``name`` if the server has it (a build that did not finish)."""
    with _client(settings) as client:
        _drop(client, name)


@contextmanager
def _client(settings: Settings) -> Iterator[ClientAPI]:
    client = make_client(settings, create=True)
    try:
        yield client
    finally:
        if isinstance(client, Client):
            client.close()


def _drop(client: ClientAPI, name: str) -> None:
    if name in _names(client):
        client.delete_collection(name)


def _names(client: ClientAPI) -> set[str]:
    return {c.name for c in client.list_collections()}
