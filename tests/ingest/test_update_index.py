"""`add` / `remove` with the search index: only what changed is embedded, the state switches
whole, and a failed or interrupted update leaves a serving state. A fake embedder stands in for
the model except in the tests marked slow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from core.settings import Settings
from index.build import content_hash, open_retriever
from index.chunk import chunk_document, dense_text
from index.vector import VectorStore, make_client
from ingest.parse import parse_file
from ingest.store import FigureStore
from ingest.update import add, remove
from tests.conftest import REPO
from tests.ingest.updating import GBK, SEED_ID, CountingEmbedder, edited_seed, snapshot


class Killed(BaseException):
    """Stands for the process being killed: no ``except Exception`` handler sees it."""


def _chunk_ids(path: Path) -> set[str]:
    return {c.id for c in chunk_document(parse_file(path))}


def _stored_hashes(settings: Settings) -> dict[str, str]:
    store = VectorStore.for_build(settings)
    try:
        return store.hashes()
    finally:
        store.close()


def test_add_embeds_only_the_new_document(settings: Settings, seed_path: Path, embedder) -> None:
    seed_chunks, gbk_chunks = _chunk_ids(seed_path), _chunk_ids(GBK)
    seed_texts = {dense_text(c) for c in chunk_document(parse_file(seed_path))}
    gbk_texts = {dense_text(c) for c in chunk_document(parse_file(GBK))}
    first = add([seed_path], settings, progress=False)
    # each distinct text is embedded once, however many chunks print it
    assert first.index_stats.added == len(seed_chunks) and embedder.embedded == len(seed_texts)
    second = add([GBK], settings, progress=False)
    stats = second.index_stats
    assert (stats.added, stats.updated, stats.deleted) == (len(gbk_chunks), 0, 0)
    # the new document prints some texts in several chunks: each is embedded once
    assert len(gbk_texts) < len(gbk_chunks)
    assert stats.unchanged == len(seed_chunks) and embedder.embedded == len(seed_texts | gbk_texts)
    assert set(_stored_hashes(settings)) == seed_chunks | gbk_chunks
    retriever = open_retriever(settings)
    hits = retriever.retrieve_chunks("统计局", mode="keyword", top_k=5)
    assert hits and {c.doc_id for c, _ in hits} == {"gbk-budget-2024"}


def test_a_replaced_document_re_embeds_only_its_changed_chunks(
    settings: Settings, seed_path: Path, tmp_path: Path, embedder
) -> None:
    add([seed_path, GBK], settings, progress=False)
    before = _stored_hashes(settings)
    done = embedder.embedded
    edited = parse_file(edited_seed(seed_path, tmp_path / "edited"))
    stats = add([Path(edited.source_path)], settings, progress=False).index_stats
    after = _stored_hashes(settings)
    assert 1 <= stats.updated + stats.added == embedder.embedded - done < len(chunk_document(edited))
    assert {i: h for i, h in after.items() if i.startswith(SEED_ID)} == {
        c.id: content_hash(c) for c in chunk_document(edited)
    }
    gbk = {i for i in before if i.startswith("gbk-budget-2024:")}
    assert {i: after[i] for i in gbk} == {i: before[i] for i in gbk}


def test_remove_deletes_the_chunks_without_the_model(settings: Settings, seed_path: Path, embedder) -> None:
    add([seed_path, GBK], settings, progress=False)
    done = embedder.embedded
    stats = remove("gbk-budget-2024", settings, progress=False).index_stats
    assert stats.deleted == len(_chunk_ids(GBK)) and stats.added == stats.updated == 0
    assert embedder.embedded == done
    assert set(_stored_hashes(settings)) == _chunk_ids(seed_path)
    retriever = open_retriever(settings)
    assert {c.doc_id for c in retriever.keyword.chunks} == {SEED_ID}


def test_the_previous_state_keeps_serving_when_the_index_build_fails(
    settings: Settings, seed_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    add([seed_path], settings, progress=False)
    before = snapshot(settings)

    def broken(*args, **kwargs):
        raise RuntimeError("index build failed")

    monkeypatch.setattr("index.build.build_index", broken)
    with pytest.raises(RuntimeError, match="index build failed"):
        add([GBK], settings, progress=False)
    assert snapshot(settings) == before
    assert not list(settings.state_dir.glob(".next-*"))
    assert [d.id for d in FigureStore(settings.store_path).documents] == [SEED_ID]
    retriever = open_retriever(settings)
    assert retriever.store.count() == len(retriever.keyword.chunks) == len(_chunk_ids(seed_path))


def test_a_failure_while_embedding_leaves_the_live_vectors_alone(
    settings: Settings, seed_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    add([seed_path], settings, progress=False)
    before = snapshot(settings)
    calls = []

    def fail_on_second_batch(texts, batch_size=32):
        calls.append(len(texts))
        if len(calls) == 2:  # the first batch is already in the (copied) collection
            raise Killed
        return CountingEmbedder.embed_documents(embedder, texts, batch_size)

    monkeypatch.setattr(embedder, "embed_documents", fail_on_second_batch)
    with pytest.raises(Killed):
        add([GBK], settings, progress=False)
    assert snapshot(settings) == before and not list(settings.state_dir.glob(".next-*"))


def test_an_interrupted_switch_is_finished_by_the_next_update(
    settings: Settings, seed_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    add([seed_path], settings, progress=False)
    stale = settings.state_dir / ".next-killed-while-building"
    stale.mkdir()
    (stale / "figures.sqlite3").write_bytes(b"half written")

    def killed(*args):
        raise Killed  # the store is moved last: the index parts are already switched

    # ingest.state's own os.replace only (the store's writer uses it too, before the switch)
    monkeypatch.setattr("ingest.state.os", SimpleNamespace(replace=killed))
    with pytest.raises(Killed):
        add([GBK], settings, progress=False)
    monkeypatch.undo()
    monkeypatch.setattr("index.build.get_embedder", lambda name: embedder)
    monkeypatch.setattr("index.retrieve.get_embedder", lambda name: embedder)
    assert [d.id for d in FigureStore(settings.store_path).documents] == [SEED_ID]  # not yet
    assert {c.doc_id for c in open_retriever(settings).keyword.chunks} == {SEED_ID, "gbk-budget-2024"}

    result = add([GBK], settings, progress=False)  # finishes the switch first: GBK is then held
    assert not result.changed and [u.doc_id for u in result.unchanged] == ["gbk-budget-2024"]
    assert not list(settings.state_dir.glob(".next-*"))
    assert [d.id for d in FigureStore(settings.store_path).documents] == [SEED_ID, "gbk-budget-2024"]
    retriever = open_retriever(settings)
    assert retriever.store.count() == len(retriever.keyword.chunks)
    assert {c.doc_id for c in retriever.keyword.chunks} == {SEED_ID, "gbk-budget-2024"}


# --- slow: the real model, a real Chroma server ------------------------------------------------


@pytest.mark.slow
def test_cli_add_with_the_real_model(tmp_path: Path, seed_path: Path) -> None:
    env = {**os.environ, "BUDGETQA_STATE_DIR": str(tmp_path / "state")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
        )

    first = run("ingest", "add", "--quiet", str(seed_path))
    assert first.returncode == 0, first.stderr
    second = run("ingest", "add", "--quiet", str(GBK))
    assert second.returncode == 0, second.stderr
    assert f"未变 {len(_chunk_ids(seed_path))}）" in second.stdout  # the seed was not embedded again
    answer = json.loads(run("qa", "--json", "渝北区科协2024年三公经费预算是多少？").stdout)
    assert answer["status"] == "answered" and "101,000" in answer["answer"]


@pytest.mark.slow
def test_server_mode_switches_the_collection(
    chroma_server: int, tmp_path: Path, seed_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        state_dir=tmp_path / "state", chroma_mode="server", chroma_port=chroma_server, embedding_model="fake-model"
    )
    add([seed_path], settings, progress=False)
    stats = add([GBK], settings, progress=False).index_stats
    assert stats.unchanged == len(_chunk_ids(seed_path)) and stats.added == len(_chunk_ids(GBK))
    names = {c.name for c in make_client(settings).list_collections()}
    assert names == {settings.collection}  # the copy was renamed in, the old one dropped
    assert not settings.chroma_path.exists()
    before = _stored_hashes(settings)

    def broken(*args, **kwargs):
        raise RuntimeError("index build failed")

    monkeypatch.setattr("index.build.build_index", broken)
    with pytest.raises(RuntimeError):
        remove("gbk-budget-2024", settings, progress=False)
    assert _stored_hashes(settings) == before
    assert {c.name for c in make_client(settings).list_collections()} == {settings.collection}
