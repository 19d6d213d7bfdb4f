"""Shared fixtures. The seed disclosure is the golden fixture; tests write only to tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Offline by default, and no telemetry, for every test process and the subprocesses it starts.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "data" / "cq-yubei-kexie-2024-budget.txt"
FIXTURES = REPO / "tests" / "fixtures" / "disclosures"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_doc():
    from ingest.parse import parse_file

    return parse_file(SEED)


@pytest.fixture(scope="session")
def seed_parsed():
    from ingest.pipeline import parse_one

    return parse_one(SEED)
