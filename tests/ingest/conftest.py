"""Fixtures for the update tests (add / remove / list): a state under tmp_path, and a fake
embedder that counts what it embeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from tests.ingest.updating import CountingEmbedder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(state_dir=tmp_path / "state", embedding_model="fake-model")


@pytest.fixture
def embedder(monkeypatch: pytest.MonkeyPatch) -> CountingEmbedder:
    fake = CountingEmbedder()
    monkeypatch.setattr("index.build.get_embedder", lambda name: fake)
    monkeypatch.setattr("index.retrieve.get_embedder", lambda name: fake)
    return fake
