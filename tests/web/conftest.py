"""Fixtures for the web tests: the seed's figure store (no index, no model) and a real engine on
it for the fast tests; the live app and headless Chromium for the slow ones."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from core.records import Answer
from core.settings import Settings
from tests.conftest import SEED
from tests.web import live


@pytest.fixture(scope="session")
def web_settings(tmp_path_factory) -> Settings:
    from ingest.pipeline import ingest

    settings = Settings(state_dir=tmp_path_factory.mktemp("web-state"), stream_delay_s=0)
    ingest([SEED], settings, build_index=False, progress=False)
    return settings


@pytest.fixture(scope="session")
def seed_store(web_settings):
    from ingest.store import FigureStore

    return FigureStore(web_settings.store_path)


@pytest.fixture(scope="session")
def real_engine(seed_store, web_settings):
    """The real engine on the seed, without the retriever (figures need no model)."""
    from qa.engine import AnswerEngine

    return AnswerEngine(seed_store, web_settings)


class FakeEngine:
    """Records what it was asked; answers from a dict (or echoes)."""

    def __init__(self, answers: dict[str, Answer] | None = None, error: Exception | None = None) -> None:
        self.answers = answers or {}
        self.error = error
        self.calls: list[tuple[str, list[str]]] = []
        self.doc_ids: list[str | None] = []

    def answer(self, question: str, history: Sequence[str] = (), doc_id: str | None = None) -> Answer:
        self.calls.append((question, list(history)))
        self.doc_ids.append(doc_id)
        if self.error is not None:
            raise self.error
        if not question.strip():
            return Answer(question, "请输入一个问题。", "invalid")
        return self.answers.get(question) or Answer(question, f"回答：{question}", "answered")


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def tmp_settings(tmp_path) -> Settings:
    return Settings(state_dir=tmp_path / "state", stream_delay_s=0)


# --- slow: the real app and a real browser ---------------------------------------------------------


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator[live.LiveApp]:
    app = live.shared_app(tmp_path_factory)
    yield app
    app.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = live.launch_browser(p)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_app):
    """A fresh browser context (its own Gradio session) on the live app; every request that
    leaves 127.0.0.1 is blocked and recorded: the app must need nothing from the internet."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.outside_requests = outside  # type: ignore[attr-defined]
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    pg.goto(live_app.url)
    pg.wait_for_selector("#bq-question textarea")
    yield pg
    context.close()
