"""Fixtures for the eval tests: the seed and fixture disclosures ingested once per session
(figure store only, no index) into tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings


@pytest.fixture(scope="session")
def eval_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from eval.dataset import corpus_paths
    from ingest.pipeline import ingest

    settings = Settings(state_dir=tmp_path_factory.mktemp("eval-store") / "state")
    ingest(corpus_paths(), settings, build_index=False, progress=False)
    return settings


@pytest.fixture(scope="session")
def figure_store(eval_settings: Settings):
    from ingest.store import FigureStore

    return FigureStore(eval_settings.store_path)


@pytest.fixture(scope="session")
def gold_store(figure_store):
    from eval.gold import Store

    return Store.of(figure_store)


@pytest.fixture(scope="session")
def questions() -> list[dict]:
    from eval.dataset import load_sets

    return load_sets(("dev",))


@pytest.fixture(scope="session")
def state_dir(eval_settings: Settings) -> Path:
    return eval_settings.state_dir
