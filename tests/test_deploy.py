"""docs/deploy.md, tested: stateless app replicas sharing one Chroma server.

The state is built once (figure store + BM25 in a folder, vectors in the server), the folder's
two parts are copied to each replica, and every replica answers from them and the shared
collection without the source files and without building anything. A new corpus goes into a
new collection beside the serving one; an in-place update (``ingest add`` in server mode) pulls
the collection from under running replicas, so replicas are restarted on a new version instead.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.errors import StateMissingError
from core.settings import Settings
from eval.synth import SynthDoc, synthesize
from index.server import ChromaServer, chroma_server, stop
from tests.conftest import REPO, SEED
from tests.fakes import FakeEmbedder
from web.startup import ensure_index

SEED_ID = "cq-yubei-kexie-2024-budget"


def build(paths: list[Path], state_dir: Path, server: ChromaServer, collection: str, **extra: object) -> Settings:
    """The build job: ``python -m ingest`` in server mode, once."""
    from ingest.pipeline import ingest

    settings = Settings(
        state_dir=state_dir, chroma_mode="server", chroma_port=server.port, collection=collection, **extra
    )
    ingest(paths, settings, progress=False)
    return settings


def ship(built: Settings, replica: Path) -> Settings:
    """What a replica gets: the figure store and the BM25 folder, nothing else; its settings
    point at the same server and collection and forbid building on start."""
    replica.mkdir(parents=True)
    shutil.copy2(built.store_path, replica / built.store_path.name)
    shutil.copytree(built.bm25_path, replica / built.bm25_path.name)
    return built.model_copy(
        update={"state_dir": replica, "data_paths": (replica / "no-data-here",), "build_on_start": False}
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    with chroma_server(tmp_path_factory.mktemp("chroma") / "data") as running:
        yield running


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], SynthDoc]:
    """The seed and one generated department (碧川区科协, amounts × 2)."""
    docs = synthesize(2, tmp_path_factory.mktemp("synth"))
    return [SEED, docs[1].path], docs[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, server: ChromaServer, corpus) -> Settings:
    """One build with the real model, shared by the replica tests below."""
    return build(corpus[0], tmp_path_factory.mktemp("build") / "state", server, "deploy-v1")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    fake = FakeEmbedder()
    monkeypatch.setattr("index.build.get_embedder", lambda name: fake)
    monkeypatch.setattr("index.retrieve.get_embedder", lambda name: fake)
    return fake


def test_a_replica_that_finds_no_state_stops_instead_of_building(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        state_dir=tmp_path / "replica", chroma_mode="server", build_on_start=False, data_paths=(SEED,)
    )
    calls: list[object] = []
    monkeypatch.setattr("ingest.pipeline.ingest", lambda *args, **kwargs: calls.append(args))
    with pytest.raises(StateMissingError, match="BUILD_ON_START"):
        ensure_index(settings)
    assert calls == []  # the shared collection is not rebuilt from this machine's files


@pytest.mark.slow
def test_replicas_answer_from_the_shipped_state_and_one_server(built: Settings, corpus, tmp_path: Path) -> None:
    from index.vector import VectorStore
    from qa.engine import AnswerEngine

    synth = corpus[1]
    assert not built.chroma_path.exists()  # the vectors are in the server, not in the folder shipped
    replicas = [ship(built, tmp_path / name) for name in ("a", "b")]
    questions = [
        (f"{synth.short_name}三公经费是多少？", synth.doc_id, "202,000.00"),  # a figure
        ("渝北区科协项目支出减少的主要原因是什么？", SEED_ID, "科普经费"),  # a passage found by the dense leg
    ]
    answers = []
    for replica in replicas:
        assert ensure_index(replica) is False  # nothing is built on start
        engine = AnswerEngine.from_settings(replica)
        assert engine.retriever.get().store.count() == VectorStore.for_query(built).count()
        got = [engine.answer(q) for q, _, _ in questions]
        for answer, (_, doc_id, printed) in zip(got, questions, strict=True):
            assert answer.status == "answered" and answer.doc_id == doc_id and printed in answer.text
        answers.append([(a.text, a.citations) for a in got])
        # answering wrote nothing: no vectors, no rebuilt store — the replica holds what was shipped
        assert sorted(p.name for p in replica.state_dir.iterdir()) == ["bm25", "figures.sqlite3"]
    assert answers[0] == answers[1]  # the same state and collection: the same answers
    # no conversation is kept on a replica: a follow-up sent with its history to the other one
    # is answered about the same document
    a, b = (AnswerEngine.from_settings(r, with_retriever=False) for r in replicas)
    first = a.answer(questions[0][0])
    follow = b.answer("那去年呢？", history=[first.resolved_question or questions[0][0]])
    assert follow.doc_id == synth.doc_id and "222,000.00" in follow.text


@pytest.mark.slow
def test_the_web_app_as_a_replica_answers_over_http(built: Settings, corpus, tmp_path: Path) -> None:
    from gradio_client import Client

    from tests.web.live import app_env, free_port

    synth = corpus[1]
    replica = ship(built, tmp_path / "replica")
    port = free_port()
    env = app_env(
        replica.state_dir,
        port,
        BUDGETQA_CHROMA_MODE="server",
        BUDGETQA_CHROMA_PORT=str(replica.chroma_port),
        BUDGETQA_COLLECTION=replica.collection,
        BUDGETQA_BUILD_ON_START="false",
        BUDGETQA_DATA_PATHS=f'["{replica.state_dir / "no-data-here"}"]',
    )
    log = (tmp_path / "app.log").open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "app.py")], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 600
        while not _up(url):
            assert proc.poll() is None, (tmp_path / "app.log").read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "the replica did not come up"
            time.sleep(1)
        client = Client(url, verbose=False)
        first = f"{synth.short_name}三公经费是多少？"
        assert "202,000.00" in client.predict(first, api_name="/chat")
        assert "222,000.00" in client.predict("那去年呢？", [first], api_name="/chat")  # the same document
        assert sorted(p.name for p in replica.state_dir.iterdir() if p.name != "no-data-here") == [
            "bm25",
            "figures.sqlite3",
        ]  # no vectors, no rebuild: only what was shipped (and no feedback yet)
    finally:
        stop(proc, timeout_s=20)
        log.close()


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.slow
def test_a_new_version_is_copied_from_the_build_collection_beside_the_serving_one(
    server: ChromaServer, corpus, tmp_path: Path, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.build import open_retriever
    from index.chunk import chunk_document, dense_text
    from index.collections import main as collections
    from index.vector import collection_counts
    from ingest.parse import parse_file
    from ingest.update import add

    # the build job keeps its own state and collection, updated in place; no replica reads them
    job = build([SEED], tmp_path / "build", server, "budget-build", embedding_model="fake-model")
    assert collections(["copy", "ver-v1"], job) == 0
    v1 = ship(job, tmp_path / "r1").model_copy(update={"collection": "ver-v1"})
    serving = open_retriever(v1)
    before = serving.store.count()

    embedded: list[str] = []
    original = fake.embed_documents

    def counting(texts: list[str], batch_size: int = 32) -> list[list[float]]:
        embedded.extend(texts)
        return original(texts, batch_size)

    monkeypatch.setattr(fake, "embed_documents", counting)
    add([corpus[1].path], job, progress=False)  # the next corpus: only the new document is embedded
    new_texts = {dense_text(c) for c in chunk_document(parse_file(corpus[1].path))}
    old_texts = {dense_text(c) for c in chunk_document(parse_file(SEED))}
    assert sorted(embedded) == sorted(new_texts - old_texts)
    assert collections(["copy", "ver-v2"], job) == 0  # a copy: no embedding
    assert len(embedded) == len(new_texts - old_texts)
    v2 = ship(job, tmp_path / "r2").model_copy(update={"collection": "ver-v2"})

    # the serving replica is untouched by the next version's build
    assert serving.store.count() == before
    assert {c.doc_id for c, _ in serving.retrieve_chunks("三公经费", mode="dense", top_k=10)} == {SEED_ID}
    new = open_retriever(v2)
    assert new.store.count() == before + len(chunk_document(parse_file(corpus[1].path)))
    assert corpus[1].doc_id in {c.doc_id for c, _ in new.retrieve_chunks("三公经费", mode="dense", top_k=40)}
    assert collections(["copy", "ver-v2"], v2) == 2  # not onto itself
    assert collections(["drop", "ver-v1"], job) == 0  # once every replica runs v2
    assert "ver-v1" not in collection_counts(job) and collection_counts(job)["ver-v2"] == new.store.count()
    assert new.retrieve_chunks("三公经费", mode="dense", top_k=3)
    with pytest.raises(StateMissingError):
        open_retriever(v1)


@pytest.mark.slow
def test_an_update_in_place_needs_the_replicas_restarted(
    server: ChromaServer, corpus, tmp_path: Path, fake: FakeEmbedder
) -> None:
    from index.build import open_retriever
    from ingest.update import add

    built = build([SEED], tmp_path / "b", server, "upd-v1", embedding_model="fake-model")
    replica = ship(built, tmp_path / "r")
    running = open_retriever(replica)
    assert running.retrieve_chunks("三公经费", mode="dense", top_k=3)
    add([corpus[1].path], built, progress=False)  # builds upd-v1-next, renames it into place
    # the collection the replica opened is gone: its dense leg fails, and the running replica
    # goes on from its own (stale) state instead of raising (index/vector.py falls back to
    # keyword search); it never sees the new document until it is restarted
    stale = running.retrieve_chunks("三公经费", mode="dense", top_k=3)
    assert corpus[1].doc_id not in {c.doc_id for c, _ in stale}
    with pytest.raises(StateMissingError, match="不一致"):
        open_retriever(replica)
    restarted = open_retriever(ship(built, tmp_path / "r-new"))  # the new state, shipped again
    assert corpus[1].doc_id in {c.doc_id for c, _ in restarted.retrieve_chunks("三公经费", mode="dense", top_k=40)}
