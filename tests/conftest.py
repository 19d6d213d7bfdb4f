"""Shared fixtures. The seed disclosure is the golden fixture; tests write only to tmp_path."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Offline by default, and no telemetry, for every test process and the subprocesses it starts.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

# Property-based tests (hypothesis): no example database (tests write only to tmp_path), no
# per-example deadline (the first example pays for imports). CI runs a fixed, derandomised set
# bounded in count; HYPOTHESIS_PROFILE=deep runs many more random examples, to hunt for bugs.
hypothesis_settings.register_profile("ci", database=None, deadline=None, derandomize=True, print_blob=True)
hypothesis_settings.register_profile("deep", database=None, deadline=None, max_examples=2000, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def fuzz(max_examples: int) -> hypothesis_settings:
    """The settings of one property test: ``max_examples`` in CI (bounded: the suite has a time
    budget), the profile's own count under another profile. Function-scoped fixtures are fine:
    every example builds what it changes itself."""
    ci = os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci"
    return hypothesis_settings(
        max_examples=max_examples if ci else hypothesis_settings.default.max_examples,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )

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
def chroma_server(chroma_process: tuple[int, subprocess.Popen]) -> int:
    """The port of a real `chroma run` subprocess (slow tests only)."""
    return chroma_process[0]


@pytest.fixture
def chroma_process(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen]]:
    """A real `chroma run` subprocess on a free port and the process itself (to stop, pause or
    kill it), stopped whatever happens (slow tests only)."""
    from index.server import chroma_server as running

    with running(tmp_path / "server-data") as server:
        yield server.port, server.process
