"""``python tests/ingest/slow_ingest.py MARKER [ARGS ...]``: ``python -m ingest ARGS`` with the
fake embedder, which writes MARKER once its first batch is stored and then stalls, so that a
test can kill the ingest half way through the index build (tests/ingest/test_ingest_faults.py).
The state directory and the embedding model name come from the environment, as for a user."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import index.build
from ingest.__main__ import main
from tests.fakes import FakeEmbedder


class Stalling(FakeEmbedder):
    def __init__(self, marker: Path) -> None:
        self.marker = marker
        self.batches = 0

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        self.batches += 1
        if self.batches == 2:  # the first batch is in the (staged) vector store by now
            self.marker.write_text("half way", encoding="utf-8")
            time.sleep(600)  # killed here
        return super().embed_documents(texts, batch_size)


if __name__ == "__main__":
    stalling = Stalling(Path(sys.argv[1]))
    index.build.get_embedder = lambda name: stalling
    sys.exit(main(sys.argv[2:]))
