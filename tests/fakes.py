"""Test doubles shared by several test folders."""

from __future__ import annotations

import hashlib

import numpy as np


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
