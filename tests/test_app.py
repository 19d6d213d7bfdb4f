"""app.py: settings → launch, first-start indexing, the /chat API, no files outside the app.

Fast tests run the Gradio app in-process on a fake engine; the slow ones use the real app
(``python app.py`` in a subprocess that builds its own index in a temp state dir).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

import app
from core.records import Answer, Citation, Provenance
from core.settings import Settings
from qa.serialize import render_text
from tests.web import live
from tests.web.conftest import FakeEngine
from web import startup

THREE_PUBLIC = "2024年三公经费是多少？"


@pytest.fixture
def tmp_settings(tmp_path) -> Settings:
    return Settings(state_dir=tmp_path / "state", stream_delay_s=0)


# --- settings and launch ----------------------------------------------------------------------------


def test_host_and_port_come_from_settings_and_gradio_env(monkeypatch):
    for name in ("BUDGETQA_HOST", "BUDGETQA_PORT", "GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT"):
        monkeypatch.delenv(name, raising=False)
    s = Settings()
    assert (s.host, s.port) == ("127.0.0.1", 7860)
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "7999")
    assert (Settings().host, Settings().port) == ("0.0.0.0", 7999)
    monkeypatch.setenv("BUDGETQA_PORT", "8123")  # the project's own name wins
    assert Settings().port == 8123


def test_launch_passes_host_port_queue_and_no_extra_paths(monkeypatch, tmp_settings):
    demo = app.build_demo(FakeEngine(), tmp_settings)
    seen: dict = {}
    monkeypatch.setattr(demo, "launch", lambda **kw: seen.update(kw))
    app.launch(demo, tmp_settings.model_copy(update={"host": "127.0.0.1", "port": 7861}))
    assert seen["server_name"] == "127.0.0.1" and seen["server_port"] == 7861
    assert "allowed_paths" not in seen and not seen.get("share")
    assert seen["head"] and "isComposing" in seen["head"]
    assert demo._queue.default_concurrency_limit == tmp_settings.ui_concurrency
    assert demo._queue.max_size == tmp_settings.ui_queue_size


def test_only_chat_is_a_public_api(tmp_settings):
    demo = app.build_demo(FakeEngine(), tmp_settings)
    public = {f.api_name for f in demo.fns.values() if f.api_visibility == "public"}
    assert public == {"chat"}


def test_analytics_and_telemetry_are_off():
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"
    assert os.environ["HF_HUB_OFFLINE"] == "1"


# --- first start ---------------------------------------------------------------------------------


def test_first_start_builds_the_index_when_missing(monkeypatch, tmp_path):
    settings = Settings(state_dir=tmp_path / "state")
    calls = []

    def fake_ingest(paths, s, build_index=True, progress=True):
        calls.append((list(paths), s.state_dir, build_index))
        for p in (s.store_path, s.bm25_path, s.chroma_path):
            p.parent.mkdir(parents=True, exist_ok=True)
            p.mkdir() if p.suffix == "" else p.write_text("x")
        from ingest.pipeline import IngestResult

        return IngestResult((), None)

    monkeypatch.setattr("ingest.pipeline.ingest", fake_ingest)
    said: list[str] = []
    assert startup.missing_state(settings)
    assert startup.ensure_index(settings, say=said.append) is True
    assert calls == [(list(settings.data_paths), settings.state_dir, True)]
    assert any("首次启动" in s for s in said)
    assert startup.ensure_index(settings, say=said.append) is False  # second start: nothing to do
    assert len(calls) == 1


# --- the app in-process on a fake engine (fast) -------------------------------------------------------


@pytest.fixture(scope="module")
def fake_app(tmp_path_factory):
    settings = Settings(state_dir=tmp_path_factory.mktemp("fake-app"), stream_delay_s=0)
    a = Answer(
        THREE_PUBLIC,
        "表十“三公经费”为101,000.00元。",
        "answered",
        citations=(Citation("c", Provenance("d", 353, 10, "三公表")),),
    )
    engine = FakeEngine({THREE_PUBLIC: a})
    demo = app.build_demo(engine, settings)
    port = live.free_port()
    demo.queue(default_concurrency_limit=settings.ui_concurrency)
    demo.launch(
        server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, ssr_mode=False
    )
    yield f"http://127.0.0.1:{port}/", engine, a
    demo.close()


def test_gradio_client_calls_chat(fake_app):
    from gradio_client import Client

    url, engine, a = fake_app
    client = Client(url, verbose=False)
    assert client.predict(THREE_PUBLIC, api_name="/chat") == render_text(a)
    client.predict("那去年呢？", [THREE_PUBLIC], api_name="/chat")
    assert engine.calls[-1] == ("那去年呢？", [THREE_PUBLIC])


@pytest.mark.parametrize(
    "path", ["file=/etc/passwd", "gradio_api/file=/etc/passwd", "gradio_api/file=../../etc/passwd"]
)
def test_no_file_outside_the_app_is_served(fake_app, path):
    url = fake_app[0]
    r = httpx.get(url + path, timeout=10)
    assert r.status_code in (403, 404) and "root:" not in r.text


# --- the real app (slow) ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    return live.shared_app(tmp_path_factory)


@pytest.mark.slow
def test_app_built_its_index_on_first_start(real_app):
    log = real_app.log()
    assert "首次启动" in log and "嵌入分块" in log  # progress shown in the terminal
    assert (real_app.state_dir / "figures.sqlite3").exists() and (real_app.state_dir / "bm25").exists()


@pytest.mark.slow
def test_gradio_client_answers_like_the_cli(real_app):
    """The same question through gradio_client and `python -m qa` gives the same text."""
    from gradio_client import Client

    env = live.app_env(real_app.state_dir, 0)
    client = Client(real_app.url, verbose=False)
    api = client.predict(THREE_PUBLIC, api_name="/chat")
    cli = subprocess.run(
        [sys.executable, "-m", "qa", THREE_PUBLIC],
        cwd=live.REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 0, cli.stderr
    assert api == cli.stdout.rstrip("\n")
    assert "101,000.00元" in api and "表十" in api

    questions = [
        "科普活动比去年少了多少钱？",
        "办公费是多少？",
        "行政运行经费增长的原因是什么？",
        "",
        "三" * 501,
    ]
    batch = subprocess.run(
        [sys.executable, "-m", "qa", "--json"],
        input="\n".join(questions[:3]) + "\n",
        cwd=live.REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert batch.returncode == 0, batch.stderr
    for line, question in zip(batch.stdout.splitlines(), questions[:3], strict=True):
        expected = json.loads(line)["answer"]
        assert client.predict(question, api_name="/chat").startswith(expected), question
    assert "请输入" in client.predict("", api_name="/chat")
    assert "问题太长" in client.predict("三" * 501, api_name="/chat")


@pytest.mark.slow
def test_follow_up_through_the_api(real_app):
    from gradio_client import Client

    answer = Client(real_app.url, verbose=False).predict("那去年呢？", [THREE_PUBLIC], api_name="/chat")
    assert "111,000.00元" in answer


@pytest.mark.slow
def test_concurrent_users_get_their_own_answers(real_app):
    from gradio_client import Client

    questions = [THREE_PUBLIC, "科普活动比去年少了多少钱？"] * 4

    def ask(q: str) -> tuple[str, str]:
        return q, Client(real_app.url, verbose=False).predict(q, api_name="/chat")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(ask, questions))
    for q, a in results:
        assert ("101,000.00元" if q == THREE_PUBLIC else "1,360,000.00元") in a


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", ["file=/etc/passwd", "gradio_api/file=/etc/passwd", "gradio_api/file=%2Fetc%2Fpasswd"]
)
def test_real_app_serves_no_file_outside_its_assets(real_app, path):
    r = httpx.get(real_app.url + path, timeout=10)
    assert r.status_code in (403, 404) and "root:" not in r.text
    store = real_app.state_dir / "figures.sqlite3"
    r = httpx.get(f"{real_app.url}gradio_api/file={store}", timeout=10)
    assert r.status_code in (403, 404)  # not even the app's own state
