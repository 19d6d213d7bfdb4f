from __future__ import annotations

import pytest

from core.settings import Settings
from ingest.pipeline import ingest
from ingest.store import FigureStore
from qa.engine import AnswerEngine
from tests.conftest import FIXTURES, SEED


@pytest.fixture(scope="session")
def qa_settings(tmp_path_factory) -> Settings:
    state = tmp_path_factory.mktemp("qa-state")
    settings = Settings(state_dir=state)
    ingest([SEED, FIXTURES], settings, build_index=False, progress=False)
    return settings


@pytest.fixture(scope="session")
def engine(qa_settings) -> AnswerEngine:
    # The figure path needs no retriever; the retriever's own tests cover it.
    return AnswerEngine(FigureStore(qa_settings.store_path), qa_settings)


SEED_ID = "cq-yubei-kexie-2024-budget"
