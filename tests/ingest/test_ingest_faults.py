"""Faults during a full ingest (issue #14): ``python -m ingest`` builds the next state aside and
switches it in, as ``add``/``remove`` do. Killed half way through the index build (SIGKILL of a
real subprocess), failing, or interrupted, it leaves the previous state serving; the next run
cleans up and completes. A fake embedder stands in for the model."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.errors import StateBusyError
from core.settings import Settings
from index.build import open_retriever
from ingest.pipeline import ingest
from ingest.state import exclusive
from ingest.store import FigureStore
from qa.engine import AnswerEngine
from tests.conftest import REPO
from tests.ingest.updating import GBK, SEED_ID, snapshot


def _serves_the_seed(settings: Settings) -> None:
    """The state answers as the seed's state does: store, keyword index and vectors agree."""
    assert [d.id for d in FigureStore(settings.store_path).documents] == [SEED_ID]
    retriever = open_retriever(settings)
    assert retriever.store.count() == len(retriever.keyword.chunks) > 100
    assert {c.doc_id for c in retriever.keyword.chunks} == {SEED_ID}
    engine = AnswerEngine(FigureStore(settings.store_path), settings, retriever)
    answer = engine.answer("2024年三公经费是多少？")
    assert answer.status == "answered" and "101,000.00元" in answer.text
    retriever.store.close()  # Chroma caches one client per folder: let go before the folder is switched


def test_an_ingest_killed_half_way_leaves_the_previous_state_serving(
    settings: Settings, seed_path: Path, embedder, tmp_path: Path
) -> None:
    ingest([seed_path], settings, progress=False)
    before = snapshot(settings)
    marker = tmp_path / "half-way"
    env = {
        **os.environ,
        "BUDGETQA_STATE_DIR": str(settings.state_dir),
        "BUDGETQA_EMBEDDING_MODEL": settings.embedding_model,
        "PYTHONPATH": str(REPO),
    }
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "ingest" / "slow_ingest.py"), str(marker), "--quiet", str(seed_path), str(GBK)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the ingest never reached its index build"
            time.sleep(0.1)
        assert list(settings.state_dir.glob(".next-*"))  # it was building aside …
        proc.send_signal(signal.SIGKILL)  # … and dies there, with no chance to clean up
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert snapshot(settings) == before  # not one byte of the serving state changed
    _serves_the_seed(settings)

    result = ingest([seed_path, GBK], settings, progress=False)  # the next run: cleans up, completes
    assert sorted(p.document.id for p in result.parsed) == [SEED_ID, "gbk-budget-2024"]
    assert not list(settings.state_dir.glob(".next-*"))
    retriever = open_retriever(settings)
    assert retriever.store.count() == len(retriever.keyword.chunks)
    assert {c.doc_id for c in retriever.keyword.chunks} == {SEED_ID, "gbk-budget-2024"}


def test_a_failed_index_build_leaves_the_previous_state(
    settings: Settings, seed_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest([seed_path], settings, progress=False)
    before = snapshot(settings)

    def broken(*args, **kwargs):
        raise RuntimeError("index build failed")

    monkeypatch.setattr("index.build.build_index", broken)
    with pytest.raises(RuntimeError, match="index build failed"):
        ingest([seed_path, GBK], settings, progress=False)
    assert snapshot(settings) == before and not list(settings.state_dir.glob(".next-*"))
    monkeypatch.undo()
    monkeypatch.setattr("index.build.get_embedder", lambda name: embedder)
    monkeypatch.setattr("index.retrieve.get_embedder", lambda name: embedder)
    _serves_the_seed(settings)


def test_a_full_ingest_is_incremental_on_a_copy(settings: Settings, seed_path: Path, embedder) -> None:
    first = ingest([seed_path], settings, progress=False).index_stats
    done = embedder.embedded
    again = ingest([seed_path, GBK], settings, progress=False).index_stats
    assert first.added == done and again.unchanged == first.chunks  # the seed is not embedded again
    # only the new document's chunks are embedded — fewer when a text is already in the index
    # (a vector is keyed by its text's hash: shared boilerplate is copied, not embedded again)
    assert 0 < embedder.embedded - done <= again.added


def test_an_ingest_while_another_update_runs_is_refused(settings: Settings, seed_path: Path, embedder) -> None:
    ingest([seed_path], settings, progress=False)
    before = snapshot(settings)
    with exclusive(settings), pytest.raises(StateBusyError, match="正由另一个"):
        ingest([seed_path, GBK], settings, progress=False)
    assert snapshot(settings) == before
