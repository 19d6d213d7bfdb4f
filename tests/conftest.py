"""Shared fixtures. The seed disclosure is the golden fixture; tests write only to tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


def free_port() -> int:
    from index.server import free_port as port

    return port()


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    """A real `chroma run` subprocess on a free port, stopped whatever happens (slow tests only)."""
    from index.server import chroma_server as server

    with server(tmp_path / "server-data") as running:
        yield running.port
