"""Fixtures for the index tests. Everything is written under tmp_path; the real embedding model
is loaded once per session (``real_state``), the fast tests use a deterministic fake embedder."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from core.settings import Settings


class FakeEmbedder:
    """Bag-of-characters vectors: deterministic, instant, similar texts stay similar."""

    name = "fake"
    max_tokens = 512
    dim = 64

    def _vector(self, text: str) -> list[float]:
        v = np.zeros(self.dim)
        for ch in text:
            v[int(hashlib.md5(ch.encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = np.linalg.norm(v) or 1.0
        return (v / norm).tolist()

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text[: self.max_tokens * 4])


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
