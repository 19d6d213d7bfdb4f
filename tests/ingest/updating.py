"""Helpers of the update tests (add / remove / list)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.settings import Settings
from tests.conftest import FIXTURES, REPO
from tests.fakes import FakeEmbedder

SEED_ID = "cq-yubei-kexie-2024-budget"
GBK = FIXTURES / "gbk-budget-2024.txt"
WORKBOOK = FIXTURES / "workbook-budget-2024.xlsx"


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, counting the texts it embeds (to see what an update re-embeds)."""

    def __init__(self) -> None:
        self.embedded = 0

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        self.embedded += len(texts)
        return super().embed_documents(texts, batch_size)


def snapshot(settings: Settings) -> dict[str, bytes]:
    """Every file of the serving state (store, Chroma, BM25), by path."""
    parts = [settings.store_path, settings.bm25_path, settings.chroma_path]
    files = [p for part in parts for p in ([part] if part.is_file() else sorted(part.rglob("*")))]
    return {str(p.relative_to(settings.state_dir)): p.read_bytes() for p in files if p.is_file()}


def edited_seed(seed_path: Path, folder: Path) -> Path:
    """The seed under its own name (so the same document id) with one narrative figure changed."""
    folder.mkdir(parents=True, exist_ok=True)
    text = seed_path.read_text(encoding="utf-8")
    assert "公务接待费 21,000 元" in text
    target = folder / seed_path.name
    target.write_text(text.replace("公务接待费 21,000 元", "公务接待费 25,000 元"), encoding="utf-8")
    return target


def run_ingest(args: list[str], state_dir: Path) -> subprocess.CompletedProcess:
    """``python -m ingest ARGS`` as a user runs it, on ``state_dir``."""
    env = {**os.environ, "BUDGETQA_STATE_DIR": str(state_dir)}
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args], cwd=REPO, env=env, capture_output=True, text=True
    )
