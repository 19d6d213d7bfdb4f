"""Chunk index of the disclosures: structure-aware chunks (``chunk``), dense vectors in Chroma
(``embed``, ``vector``), BM25 over jieba tokens (``keyword``), hybrid retrieval (``retrieve``),
incremental build (``build``), quality metrics (``metrics``) and speed (``python -m index.bench``).

Nothing is imported here on purpose: importing the package loads no model and creates no files.
"""
