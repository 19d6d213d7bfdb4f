"""The Chroma collection holding chunk vectors: embedded (PersistentClient) or server (HttpClient).

We always pass our own embeddings: Chroma's default embedding function downloads an ONNX
model, which fails offline. The collection uses cosine space (fixed at creation) and records
the embedding model it was built with, so vectors from two models are never mixed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.client import Client
from chromadb.api.models.Collection import Collection

from core.errors import StateMissingError
from core.records import Chunk
from core.settings import Settings

_UPSERT_BATCH = 1000  # well under Chroma's max batch size
_LOOKUP_BATCH = 500  # text hashes per metadata query
FilterValue = str | int | float | bool | Sequence[str | int | float | bool]


def make_client(settings: Settings, create: bool = False) -> ClientAPI:
    """Embedded client under state_dir, or an HTTP client in server mode.

    With ``create=False`` (retrieval) a missing embedded directory is an error rather than a
    silently created empty database.
    """
    chroma_settings = chromadb.Settings(anonymized_telemetry=False)
    if settings.chroma_mode == "server":
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        except Exception as exc:  # connection refused, bad host …: one clear message
            raise StateMissingError(
                f"{settings.chroma_host}:{settings.chroma_port}", f"的 Chroma 服务无法连接（{exc}）"
            ) from exc
    path = settings.chroma_path
    if not create and not path.is_dir():
        raise StateMissingError(str(settings.state_dir), "没有向量库（chroma/）")
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # a corrupt sqlite file surfaces here
        raise StateMissingError(str(settings.state_dir), f"的向量库无法打开（{exc}）") from exc


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
    """Thin wrapper over one Chroma collection, speaking in chunk ids."""

    def __init__(self, collection: Collection, client: ClientAPI | None = None) -> None:
        self.collection = collection
        self.client = client

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
        return cls(collection)

    def close(self) -> None:
        """Let go of the client: an embedded store's files are closed, so its folder can be
        moved (``ingest.state`` switches a folder built aside into place)."""
        if isinstance(self.client, Client):
            self.client.close()
        self.client = None

    def count(self) -> int:
        return self.collection.count()

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
        ids = sorted(ids)
        for start in range(0, len(ids), _UPSERT_BATCH):
            self.collection.delete(ids=ids[start : start + _UPSERT_BATCH])

    def query(
        self, embedding: Sequence[float], k: int, filters: Mapping[str, FilterValue] | None = None
    ) -> list[tuple[str, float]]:
        """(id, cosine similarity) best first; ties broken by id so the order is reproducible."""
        if k <= 0:
            return []
        got = self.collection.query(
            query_embeddings=[list(embedding)],
            n_results=k,
            where=where_clause(filters),
            include=["distances"],
        )
        ids = got["ids"][0]
        distances = (got["distances"] or [[]])[0]
        pairs = [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]
        return sorted(pairs, key=lambda p: (-round(p[1], 6), p[0]))


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
