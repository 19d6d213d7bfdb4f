"""A missing or corrupted state directory (issue #14): the CLI says what is wrong and the
command that rebuilds it (exit 2, no stack trace); the app still starts, says so on the page
and in the terminal, and answers every question politely."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from core.settings import Settings
from ingest.pipeline import ingest
from tests.conftest import REPO, SEED
from tests.web import live
from web import startup

NARRATIVE = "行政运行经费增长的原因是什么？"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Settings:
    """A complete state with its index (the fake embedder: no model)."""
    from tests.fakes import FakeEmbedder

    settings = Settings(state_dir=tmp_path_factory.mktemp("built") / "state", embedding_model="fake-model")
    mp = pytest.MonkeyPatch()
    mp.setattr("index.build.get_embedder", lambda name: FakeEmbedder())
    try:
        ingest([SEED], settings, progress=False)
    finally:
        mp.undo()
    return settings


def _copy(built: Settings, tmp_path) -> Settings:
    target = tmp_path / "state"
    shutil.copytree(built.state_dir, target)
    return built.model_copy(update={"state_dir": target})


def _corrupt(path) -> None:
    if path.is_dir():
        for f in path.rglob("*"):
            if f.is_file():
                f.write_bytes(b"\x00garbage\xff" * 100)
    else:
        path.write_bytes(b"this is not a SQLite database\x00" * 100)


def _qa(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BUDGETQA_STATE_DIR": str(settings.state_dir), "BUDGETQA_EMBEDDING_MODEL": settings.embedding_model}
    return subprocess.run(
        [sys.executable, "-m", "qa", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("part", ["store", "store-deleted", "state-deleted"])
def test_cli_with_a_broken_store_names_it_and_the_command(built, tmp_path, part):
    settings = _copy(built, tmp_path)
    if part == "store":
        _corrupt(settings.store_path)
    elif part == "store-deleted":
        settings.store_path.unlink()
    else:
        shutil.rmtree(settings.state_dir)
    out = _qa(settings, "--no-retriever", "--json", "2024年三公经费是多少？")
    assert out.returncode == 2 and out.stdout == ""
    assert "python -m ingest" in out.stderr and str(settings.state_dir) in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("part", ["bm25", "chroma"])
def test_cli_with_a_broken_index_names_it_and_the_command(built, tmp_path, part):
    settings = _copy(built, tmp_path)
    if part == "bm25":
        _corrupt(settings.bm25_path)
    else:
        shutil.rmtree(settings.chroma_path)
    out = _qa(settings, "--json", NARRATIVE)  # a narrative question waits for the retriever
    assert out.returncode == 2 and "python -m ingest" in out.stderr and "Traceback" not in out.stderr
    assert ("关键词索引" if part == "bm25" else "向量库") in out.stderr
    figure = _qa(settings, "--json", "2024年三公经费是多少？")  # a figure answer needs no index
    assert figure.returncode == 0 and json.loads(figure.stdout)["status"] == "answered"


def test_the_app_starts_on_a_corrupted_store_and_says_so(built, tmp_path):
    settings = _copy(built, tmp_path)
    _corrupt(settings.store_path)
    said: list[str] = []
    engine = startup.open_engine(settings, say=said.append)
    assert isinstance(engine, startup.UnavailableEngine)
    assert any("python -m ingest" in s and "数字库" in s for s in said), said
    answer = engine.answer("2024年三公经费是多少？")
    assert answer.status == "not_found" and "暂时不可用" in answer.text and "python -m ingest" in answer.text
    assert str(settings.state_dir) not in answer.text  # no server path for the public

    import app

    demo = app.build_demo(engine, settings)
    notices = [b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "bq-unavailable"]
    assert len(notices) == 1 and "暂时不可用" in notices[0].value


def test_the_app_starts_when_the_data_to_build_from_is_missing(tmp_path):
    settings = Settings(state_dir=tmp_path / "state", data_paths=(tmp_path / "no-such-folder",))
    said: list[str] = []
    engine = startup.open_engine(settings, say=said.append)
    assert isinstance(engine, startup.UnavailableEngine)
    assert any("不存在" in s for s in said) and any("python -m ingest" in s for s in said)


def test_a_retriever_that_cannot_load_is_reported_and_figures_still_answer(built, tmp_path):
    settings = _copy(built, tmp_path)
    _corrupt(settings.bm25_path)
    said: list[str] = []
    engine = startup.open_engine(settings, say=said.append)
    assert not isinstance(engine, startup.UnavailableEngine)
    startup.watch_retriever(engine, said.append).join(timeout=120)
    assert any("检索索引无法加载" in s and "python -m ingest" in s for s in said), said
    from web.handlers import ChatHandlers

    h = ChatHandlers(engine, settings)
    assert "101,000.00元" in h.api_chat("2024年三公经费是多少？")
    reply = h.api_chat(NARRATIVE)
    assert "检索索引暂时不可用" in reply and str(settings.state_dir) not in reply


@pytest.mark.slow
def test_the_real_app_starts_on_a_corrupted_store(built, tmp_path):
    from gradio_client import Client

    settings = _copy(built, tmp_path)
    _corrupt(settings.store_path)
    app = live.start_app(settings.state_dir, tmp_path / "app.log", timeout=180)
    try:
        page = live.httpx.get(app.url, timeout=10).text
        assert "bq-unavailable" in page or "暂时不可用" in page
        reply = Client(app.url, verbose=False).predict("2024年三公经费是多少？", api_name="/chat")
        assert "暂时不可用" in reply and "python -m ingest" in reply
        assert "python -m ingest" in app.log() and "数字库" in app.log()
    finally:
        app.stop()
