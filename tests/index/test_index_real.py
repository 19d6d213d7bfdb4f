"""With the real embedding model (slow): hybrid finds the right rows; a Chroma server works too."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.records import Chunk
from core.settings import Settings
from tests.conftest import free_port

pytestmark = pytest.mark.slow

Check = Callable[[Chunk], bool]


def _row(tables: tuple[int, ...], code: str) -> Check:
    return lambda c: (
        c.metadata["table_no"] in tables
        and (c.metadata["row_code"] == code or code in str(c.metadata["rows"]).split("|"))
    )


def _line(line: int) -> Check:
    return lambda c: str(line) in str(c.metadata["lines"]).split("|")


def _form(project: str, field: str) -> Check:
    return lambda c: c.metadata["project"] == project and c.metadata["row_name"] == field


def _table(no: int) -> Check:
    return lambda c: c.metadata["table_no"] == no


# Written from reading the disclosure, independently of eval/questions.jsonl.
QUESTIONS: list[tuple[str, Check]] = [
    ("科普活动2024年预算是多少", _row((3, 5), "2060702")),
    ("行政运行2012901的基本支出是多少", _row((3, 5), "2012901")),
    ("机关运行经费是多少", _line(77)),
    ("三公经费预算比上年减少了多少", _line(73)),
    ("基本工资预算多少钱", _row((6,), "30101")),
    ("政府性基金预算财政拨款支出是多少", lambda c: _line(65)(c) or _table(11)(c)),
    ("预算公开的联系电话是多少", _line(105)),
    ("科普经费项目的立项依据是什么", _form("科普经费", "立项依据")),
    ("单位一共有几辆车", lambda c: _line(85)(c) or _line(87)(c)),
    ("科协有哪些内设机构", _line(17)),
    ("职业年金缴费预算", lambda c: _row((6,), "30109")(c) or _row((3, 5), "2080506")(c)),
    ("老科技工作者服务团经费当年预算", _form("老科技工作者服务团经费", "当年预算")),
]


@pytest.mark.parametrize(("question", "check"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_hybrid_finds_the_right_source(real_retriever, question: str, check: Check) -> None:
    top = [c for c, _ in real_retriever.retrieve_chunks(question, top_k=3)]
    assert any(check(c) for c in top), [c.id for c in top]


def test_empty_and_huge_queries(real_retriever) -> None:
    assert real_retriever.retrieve_chunks("") == []
    assert real_retriever.retrieve_chunks(" \t") == []
    huge = "科普活动预算是多少" + "科" * 100_000
    assert len(huge) > 100_000
    start = time.perf_counter()
    assert real_retriever.retrieve_chunks(huge, mode="dense")
    assert real_retriever.retrieve_chunks(huge)
    assert time.perf_counter() - start < 10


def test_real_model_loaded_once(real_retriever) -> None:
    from index import embed

    embed.get_embedder(real_retriever.settings.embedding_model)
    assert embed._load.cache_info().misses == 1
    assert real_retriever.embedder.dim == 512


def test_server_mode(chroma_server: int, tmp_path: Path, seed_doc, real_retriever) -> None:
    from index.build import build_index, open_retriever

    settings = Settings(state_dir=tmp_path / "state", chroma_mode="server", chroma_port=chroma_server)
    first = build_index([seed_doc], settings, progress=False)
    again = build_index([seed_doc], settings, progress=False)
    assert again.unchanged == first.chunks and again.added == 0
    retriever = open_retriever(settings)
    assert retriever.store.count() == first.chunks
    assert not settings.chroma_path.exists()  # vectors live in the server, not under state_dir
    top = [c for c, _ in retriever.retrieve_chunks("科普活动2024年预算是多少", top_k=3)]
    assert any(_row((3, 5), "2060702")(c) for c in top)


def test_server_mode_unreachable(tmp_path: Path, seed_doc) -> None:
    """Nothing listens: the retriever opens on keyword search (tests/index/test_chroma_faults.py)."""
    from index.build import open_retriever

    settings = Settings(state_dir=tmp_path / "state", chroma_mode="server", chroma_port=free_port())
    from index.keyword import KeywordIndex

    KeywordIndex.build([]).save(settings.bm25_path)
    retriever = open_retriever(settings)
    assert not retriever.store.available() and retriever.retrieve_chunks("科普活动") == []
