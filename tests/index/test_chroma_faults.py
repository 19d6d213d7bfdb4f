"""A Chroma server that is down or slow (issue #14): retrieval falls back to keyword search
within a bounded time — never a hang — and uses the server again once it is back. Fast tests
use a port where nothing listens and a "black hole" (a socket that accepts connections and never
answers); the slow ones pause (SIGSTOP) and kill a real ``chroma run``. A fake embedder."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import ServiceUnavailableError
from core.settings import Settings
from index.build import build_index, open_retriever
from index.vector import make_client
from ingest.parse import parse_file
from tests.conftest import SEED, free_port

TIMEOUT = 1.0  # chroma_timeout_s in these tests
SLACK = 4.0  # what a bounded call may take beyond it (imports, the keyword leg, a slow CI machine)


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A port that completes TCP handshakes (the kernel's backlog) and never sends a byte."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        yield s.getsockname()[1]


@pytest.fixture(scope="module")
def keyword_state(tmp_path_factory) -> Path:
    """The seed indexed into an embedded state (fake embedder): the BM25 part is what a
    server-mode retriever keeps locally."""
    from tests.fakes import FakeEmbedder

    state = tmp_path_factory.mktemp("kw") / "state"
    mp = pytest.MonkeyPatch()
    mp.setattr("index.build.get_embedder", lambda name: FakeEmbedder())
    try:
        build_index([parse_file(SEED)], Settings(state_dir=state, embedding_model="fake-model"), progress=False)
    finally:
        mp.undo()
    return state


def _server_settings(state: Path, port: int, **kw) -> Settings:
    return Settings(
        state_dir=state, chroma_mode="server", chroma_port=port, embedding_model="fake-model",
        chroma_timeout_s=TIMEOUT, chroma_retry_s=kw.pop("retry", 30.0), **kw,
    )  # fmt: skip


def _ids(hits) -> list[str]:
    return [c.id for c, _ in hits]


def _without_dense(retriever, question: str, k: int) -> list[str]:
    """What the hybrid ranking is with an empty dense leg: keyword and name legs fused."""
    query = retriever.prepare_query(question, {})
    n = retriever.settings.candidate_k
    return [i for i, _ in retriever.fuse(query, {}, [], retriever.keyword.search(query, n, {}), n)[:k]]


@pytest.mark.parametrize("where", ["refused", "black-hole"])
def test_connecting_to_a_server_that_is_down_or_hangs_is_bounded(where, black_hole):
    port = free_port() if where == "refused" else black_hole
    settings = _server_settings(Path("unused"), port)
    start = time.monotonic()
    with pytest.raises(ServiceUnavailableError, match="无法连接") as err:
        make_client(settings)
    assert time.monotonic() - start < TIMEOUT + SLACK
    assert f"127.0.0.1:{port}" in str(err.value) and "chroma run" in str(err.value)


@pytest.mark.parametrize("where", ["refused", "black-hole"])
def test_retrieval_falls_back_to_keyword_search(where, black_hole, keyword_state, fake_embedder):
    port = free_port() if where == "refused" else black_hole
    settings = _server_settings(keyword_state, port)
    start = time.monotonic()
    retriever = open_retriever(settings)
    hits = retriever.retrieve_chunks("科普活动2024年预算是多少", top_k=3)
    assert time.monotonic() - start < TIMEOUT + SLACK
    assert hits and any("科普活动" in c.text for c, _ in hits)
    assert _ids(hits) == _without_dense(retriever, "科普活动2024年预算是多少", 3)
    start = time.monotonic()
    for _ in range(5):  # paused: no further waiting on a dead server
        retriever.retrieve_chunks("公务接待费", top_k=3)
    assert time.monotonic() - start < 2.0


def test_the_engine_answers_a_narrative_question_while_the_server_hangs(black_hole, keyword_state, fake_embedder):
    from ingest.pipeline import ingest
    from ingest.store import FigureStore
    from qa.engine import AnswerEngine

    settings = _server_settings(keyword_state, black_hole)
    ingest([SEED], settings, build_index=False, progress=False)  # the store beside the keyword index
    engine = AnswerEngine(FigureStore(settings.store_path), settings, open_retriever(settings))
    start = time.monotonic()
    answer = engine.answer("行政运行经费增长的原因是什么？")
    assert time.monotonic() - start < TIMEOUT + SLACK
    assert answer.status == "answered" and "「" in answer.text  # a quoted passage, found by keyword


# --- slow: a real Chroma server, paused and killed ----------------------------------------------


@pytest.mark.slow
def test_a_real_server_paused_then_resumed_then_killed(chroma_process, tmp_path, fake_embedder):
    port, proc = chroma_process
    settings = _server_settings(tmp_path / "state", port, retry=1.0)
    build_index([parse_file(SEED)], settings, progress=False)
    retriever = open_retriever(settings)
    question = "科普方面花了多少钱"
    healthy = retriever.retrieve_chunks(question, mode="dense", top_k=3)
    assert healthy and retriever.store.available()

    os.kill(proc.pid, signal.SIGSTOP)  # the server hangs: connections open, nothing answers
    try:
        start = time.monotonic()
        assert retriever.retrieve_chunks(question, mode="dense", top_k=3) == []
        hybrid = retriever.retrieve_chunks(question, top_k=3)
        assert time.monotonic() - start < TIMEOUT + SLACK
        assert _ids(hybrid) == _without_dense(retriever, question, 3)
    finally:
        os.kill(proc.pid, signal.SIGCONT)

    time.sleep(1.2)  # the pause after the failure is over: the server is asked again
    deadline = time.monotonic() + 30
    while retriever.retrieve_chunks(question, mode="dense", top_k=3) != healthy:
        assert time.monotonic() < deadline, "the dense leg did not come back"
        time.sleep(1.2)

    proc.kill()
    proc.wait(timeout=30)
    start = time.monotonic()
    assert retriever.retrieve_chunks(question, top_k=3)  # keyword search, at once
    assert time.monotonic() - start < TIMEOUT + SLACK
