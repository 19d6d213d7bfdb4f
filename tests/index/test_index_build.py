"""Build and retrieve with a fake embedder: idempotence, replacement, removal, state errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.errors import StateMissingError
from core.settings import Settings
from index.build import build_index, content_hash, open_retriever
from index.chunk import chunk_document, dense_text
from index.vector import VectorStore


def _copy(seed_path: Path, tmp_path: Path, name: str, edit=None) -> Path:
    text = seed_path.read_text(encoding="utf-8")
    target = tmp_path / "docs" / name
    target.parent.mkdir(exist_ok=True)
    target.write_text(edit(text) if edit else text, encoding="utf-8")
    return target


def _parse(path: Path):
    from ingest.parse import parse_file

    return parse_file(path)


def _stored(settings: Settings) -> dict[str, str]:
    return VectorStore.for_build(settings).hashes()


def test_reingest_is_idempotent(seed_doc, settings: Settings, fake_embedder) -> None:
    first = build_index([seed_doc], settings, progress=False)
    count = VectorStore.for_build(settings).count()
    before = _stored(settings)
    second = build_index([seed_doc], settings, progress=False)
    assert VectorStore.for_build(settings).count() == count == first.chunks == len(chunk_document(seed_doc))
    assert _stored(settings) == before
    assert (first.added, first.deleted) == (count, 0)
    assert (second.added, second.updated, second.deleted, second.unchanged) == (0, 0, 0, count)


def test_changed_document_replaces_exactly_its_own_chunks(
    seed_path: Path, tmp_path: Path, settings: Settings, fake_embedder
) -> None:
    a = _parse(_copy(seed_path, tmp_path, "dept-a-2024-budget.txt"))
    b_path = _copy(seed_path, tmp_path, "dept-b-2024-budget.txt")
    build_index([a, _parse(b_path)], settings, progress=False)
    before = _stored(settings)

    # One changed phone number and one deleted table row in document B only.
    _copy(
        seed_path,
        tmp_path,
        b_path.name,
        lambda t: t.replace("023-67822496", "023-00000000").replace(
            "30205\t水费\t3,000.00\t\t3,000.00\n", ""
        ),
    )
    b2 = _parse(b_path)
    stats = build_index([a, b2], settings, progress=False)
    after = _stored(settings)

    a_ids = {i for i in before if i.startswith(f"{a.id}:")}
    assert {i: after[i] for i in a_ids} == {i: before[i] for i in a_ids}  # A untouched
    expected_b = {c.id: content_hash(c) for c in chunk_document(b2)}
    assert {i: h for i, h in after.items() if i.startswith(f"{b2.id}:")} == expected_b
    assert stats.deleted >= 1 and stats.updated >= 1
    assert stats.chunks == len(after)
    retriever = open_retriever(settings)
    assert any(
        "023-00000000" in c.text for c, _ in retriever.retrieve_chunks("联系电话", mode="keyword", top_k=10)
    )


def test_removed_document_chunks_go(
    seed_path: Path, tmp_path: Path, settings: Settings, fake_embedder
) -> None:
    a = _parse(_copy(seed_path, tmp_path, "dept-a-2024-budget.txt"))
    b = _parse(_copy(seed_path, tmp_path, "dept-b-2024-budget.txt"))
    build_index([a, b], settings, progress=False)
    stats = build_index([a], settings, progress=False)
    stored = _stored(settings)
    assert stored and all(i.startswith(f"{a.id}:") for i in stored)
    assert stats.deleted == len(chunk_document(b))
    retriever = open_retriever(settings)
    assert {c.doc_id for c, _ in retriever.retrieve_chunks("科普活动", mode="keyword", top_k=20)} == {a.id}


def test_missing_state_raises_with_fix(tmp_path: Path, fake_embedder) -> None:
    settings = Settings(state_dir=tmp_path / "never-built", embedding_model="fake-model")
    with pytest.raises(StateMissingError, match=r"python -m ingest"):
        open_retriever(settings)


def test_corrupt_or_partial_state_raises(seed_doc, settings: Settings, fake_embedder) -> None:
    build_index([seed_doc], settings, progress=False)
    shutil.rmtree(settings.chroma_path)
    with pytest.raises(StateMissingError, match=r"python -m ingest"):
        open_retriever(settings)
    build_index([seed_doc], settings, progress=False)
    (settings.bm25_path / "chunks.json").write_bytes(b"\x00garbage")
    with pytest.raises(StateMissingError, match=r"python -m ingest"):
        open_retriever(settings)


def test_model_change_is_detected(seed_doc, settings: Settings, fake_embedder) -> None:
    build_index([seed_doc], settings, progress=False)
    other = settings.model_copy(update={"embedding_model": "another-model"})
    with pytest.raises(StateMissingError, match="another-model"):
        open_retriever(other)
    stats = build_index([seed_doc], other, progress=False)  # rebuilding re-embeds everything
    assert stats.added == stats.chunks


def test_retriever_contract(seed_doc, settings: Settings, fake_embedder) -> None:
    from llama_index.core.schema import NodeWithScore

    build_index([seed_doc], settings, progress=False)
    retriever = open_retriever(settings)
    assert retriever.retrieve_chunks("") == [] and retriever.retrieve_chunks("   \n ") == []
    assert retriever.retrieve("  ") == []
    long_query = "科普活动预算" * 20_000  # 120,000 characters
    assert len(retriever.retrieve_chunks(long_query)) == settings.top_k

    first = retriever.retrieve_chunks("公务接待费预算", top_k=8)
    assert first == retriever.retrieve_chunks("公务接待费预算", top_k=8)  # same query, same order
    for mode in ("dense", "keyword", "hybrid"):
        assert retriever.retrieve_chunks("科普活动", mode=mode, top_k=3)

    only_t3 = retriever.retrieve_chunks("科普活动", filters={"table_no": 3}, top_k=5)
    assert only_t3 and all(c.metadata["table_no"] == 3 for c, _ in only_t3)
    in_list = retriever.retrieve_chunks(
        "科普活动", filters={"table_no": [3, 5], "doc_id": seed_doc.id}, top_k=5
    )
    assert in_list and all(c.metadata["table_no"] in (3, 5) for c, _ in in_list)

    nodes = retriever.with_filters({"table_no": 5}).retrieve("科普活动")
    assert nodes and all(isinstance(n, NodeWithScore) for n in nodes)
    assert all(n.node.metadata["table_no"] == 5 and n.node.node_id.startswith(seed_doc.id) for n in nodes)


def test_relative_years_and_thesaurus() -> None:
    from index.retrieve import expand_query, resolve_relative_years

    assert resolve_relative_years("去年科普活动预算，今年呢", 2024) == "2023年科普活动预算，2024年呢"
    assert resolve_relative_years("二、上年结转", 2024) == "二、上年结转"  # a row name, not a year
    assert resolve_relative_years("去年", None) == "去年"
    assert expand_query("公车运行费").endswith("公务用车")
    assert expand_query("科普活动") == "科普活动"
    assert expand_query("什么是政府性基金预算").endswith("名词解释 指")


def test_department_name_is_not_a_search_term() -> None:
    from index.retrieve import drop_department

    dept = "重庆市渝北区科学技术协会"
    assert drop_department("科协今年的三公经费是多少", dept).strip() == "今年的三公经费是多少"
    assert "科协" not in drop_department("2023年科协财政拨款支出", dept)
    assert "科协" not in drop_department("重庆市渝北区科学技术协会的收入", dept)
    # 老科协 is a project's words, not the department
    assert drop_department("老科协服务团经费", dept) == "老科协服务团经费"
    assert drop_department("科协的收入", None) == "科协的收入"


def test_prepare_query_and_exact_names(seed_doc, settings: Settings, fake_embedder) -> None:
    build_index([seed_doc], settings, progress=False)
    retriever = open_retriever(settings)
    prepared = retriever.prepare_query("去年邮点费折合多少万元（保留两位小数）？", {"doc_id": seed_doc.id})
    assert "2023年邮电费" in prepared and "保留" not in prepared and "折合" not in prepared
    # One department's disclosure: its name says nothing; over the whole corpus it might.
    assert "科协" not in retriever.prepare_query("科协今年的三公经费", {"doc_id": seed_doc.id})
    assert retriever.context_department({"doc_id": "no-such-doc"}) is None
    # The row named verbatim in the question outranks narratives that mention it in passing.
    top = [c for c, _ in retriever.retrieve_chunks("行政单位医疗2024年基本支出是多少", top_k=3)]
    assert any(c.metadata["row_code"] == "2101101" for c in top)
    names = retriever.names.search("科普经费项目的当年预算", {}, [], 5)
    first = retriever.keyword.by_id[names[0][0]]
    assert (first.metadata["project"], first.metadata["row_name"]) == ("科普经费", "当年预算")


def _counting(fake_embedder, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the build embeds, in order."""
    embedded: list[str] = []
    original = fake_embedder.embed_documents

    def counting(texts: list[str], batch_size: int = 32) -> list[list[float]]:
        embedded.extend(texts)
        return original(texts, batch_size)

    monkeypatch.setattr(fake_embedder, "embed_documents", counting)
    return embedded


def test_a_text_is_embedded_once_for_every_chunk_and_document_printing_it(
    seed_path: Path, tmp_path: Path, settings: Settings, fake_embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded = _counting(fake_embedder, monkeypatch)
    a = _parse(_copy(seed_path, tmp_path, "dept-a-2024-budget.txt"))
    b = _parse(_copy(seed_path, tmp_path, "dept-b-2024-budget.txt"))  # the same texts, other ids
    stats = build_index([a, b], settings, progress=False)
    texts = {dense_text(c) for c in chunk_document(a)}
    assert stats.added == 2 * len(chunk_document(a)) and sorted(embedded) == sorted(texts)
    store = VectorStore.for_build(settings)
    got = store.collection.get(include=["embeddings", "documents"])
    by_text: dict[str, list] = {}
    for text, vector in zip(got["documents"], got["embeddings"], strict=True):
        by_text.setdefault(text, []).append([round(float(x), 6) for x in vector])
    assert all(len(vs) == 2 and vs[0] == vs[1] for vs in by_text.values())  # both documents' chunks


def test_chunks_that_moved_keep_their_vectors_without_embedding(
    seed_path: Path, tmp_path: Path, settings: Settings, fake_embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy(seed_path, tmp_path, "dept-a-2024-budget.txt")
    build_index([_parse(path)], settings, progress=False)
    embedded = _counting(fake_embedder, monkeypatch)
    _copy(seed_path, tmp_path, path.name, lambda t: "\n\n" + t)  # every line two further down
    moved = _parse(path)
    stats = build_index([moved], settings, progress=False)
    # new ids and line numbers (so new chunks and hashes), the same texts: nothing is embedded
    assert stats.added > 0 and stats.deleted > 0 and embedded == []
    assert set(_stored(settings)) == {c.id for c in chunk_document(moved)}
    top = open_retriever(settings).retrieve_chunks("科普活动", mode="dense", top_k=3)
    assert top and all(c.doc_id == moved.id for c, _ in top)


def test_embedding_batches_hold_texts_of_like_length_within_the_caps() -> None:
    from index.build import _length_batches

    class Tokens:  # an embedder whose texts are as long in tokens as their number says
        def token_lengths(self, texts: list[str]) -> list[int]:
            return [int(t) for t in texts]

    lengths = [5, 300, 40, 41, 600, 42, 5, 39, 2000]
    keys = [f"k{i}" for i in range(len(lengths))]
    settings = Settings(embedding_batch_size=3, embedding_batch_tokens=1000)
    batches = _length_batches(Tokens(), keys, [str(n) for n in lengths], settings)
    of = dict(zip(keys, lengths, strict=True))
    assert sorted(k for b in batches for k in b) == sorted(keys)  # each text once
    flat = [of[k] for b in batches for k in b]
    assert flat == sorted(lengths)  # shortest first, so a batch's texts are alike
    assert all(len(b) <= 3 for b in batches)
    # padded to its longest text, a batch stays within the token cap — unless one text alone is longer
    assert all(len(b) * max(of[k] for k in b) <= 1000 or len(b) == 1 for b in batches)
    assert [of[k] for k in batches[-1]] == [2000] and [of[k] for k in batches[-2]] == [600]
