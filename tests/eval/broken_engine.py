"""A deliberately broken engine for the gate test: the app's engine, every result + 1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core.records import Answer
from core.settings import Settings


class AddOne:
    def __init__(self, engine) -> None:
        self.engine = engine
        self.retriever = getattr(engine, "retriever", None)

    def answer(self, question: str, history: Sequence[str] = (), doc_id: str | None = None) -> Answer:
        a = self.engine.answer(question, history, doc_id=doc_id)
        return replace(a, results=tuple(replace(r, value=r.value + 1) for r in a.results))


def add_one(settings: Settings, with_retriever: bool) -> AddOne:
    from eval.run import app_engine

    return AddOne(app_engine(settings, with_retriever))
