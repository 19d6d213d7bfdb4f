"""Fixtures for the index tests. Everything is written under tmp_path; the real embedding model
is loaded once per session (``real_state``), the fast tests use a deterministic fake embedder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from tests.fakes import FakeEmbedder


@pytest.fixture
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    fake = FakeEmbedder()
    monkeypatch.setattr("index.build.get_embedder", lambda name: fake)
    monkeypatch.setattr("index.retrieve.get_embedder", lambda name: fake)
    return fake


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(state_dir=tmp_path / "state", embedding_model="fake-model")


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(state_dir=tmp_path_factory.mktemp("real") / "state")


@pytest.fixture(scope="session")
def real_retriever(real_settings: Settings, seed_doc) -> Iterator:
    """The seed indexed with the real model, once for the whole session."""
    from index.build import build_index, open_retriever

    build_index([seed_doc], real_settings, progress=False)
    yield open_retriever(real_settings)
