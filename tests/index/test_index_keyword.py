"""Keyword leg: tokens, the budget dictionary, BM25 persistence."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import StateMissingError
from index.chunk import chunk_document
from index.keyword import ChineseTokenizer, KeywordIndex, budget_terms


@pytest.fixture(scope="module")
def seed_index(seed_doc) -> KeywordIndex:
    return KeywordIndex.build(chunk_document(seed_doc), budget_terms([seed_doc]))


def test_codes_and_amounts_are_single_tokens() -> None:
    tokens = ChineseTokenizer().query_tokens("2012901行政运行 6,059,264.63元")
    assert "2012901" in tokens
    assert "6,059,264.63" in tokens and "6059264.63" in tokens  # as printed + a comma-free alias
    assert not {"059", "264", "63", "201", "2901"} & set(tokens)


def test_fullwidth_and_traditional_queries_match_document_tokens() -> None:
    tok = ChineseTokenizer(["公务接待费"])
    assert "2060702" in tok.query_tokens("２０６０７０２")
    assert "公务接待费" in tok.query_tokens("公務接待費")


def test_budget_terms_come_from_tables(seed_doc) -> None:
    terms = set(budget_terms([seed_doc]))
    assert {
        "科普活动",
        "机关事业单位基本养老保险缴费支出",
        "日常公用经费",
        "三公经费",
        "机关运行经费",
    } <= terms
    tok = ChineseTokenizer(terms)
    assert "公务用车运行维护费" in tok.query_tokens("公务用车运行维护费是多少")
    assert "维护费" in tok.query_tokens("公务用车运行维护费")  # parts too (search mode)


def test_stopwords_and_punctuation_dropped() -> None:
    assert ChineseTokenizer().query_tokens("请问，是多少？！") == []


def test_finds_kepu_by_code(seed_index: KeywordIndex) -> None:
    hits = seed_index.search("2060702", 3)
    assert hits and all(seed_index.by_id[i].metadata["rows"].split("|").count("2060702") for i, _ in hits)
    top = seed_index.by_id[hits[0][0]]
    assert top.metadata["row_code"] == "2060702" or "2060702" in top.metadata["rows"]


def test_filters_and_empty_results(seed_index: KeywordIndex) -> None:
    hits = seed_index.search("科普活动", 10, {"table_no": 3})
    assert hits and all(seed_index.by_id[i].metadata["table_no"] == 3 for i, _ in hits)
    assert seed_index.search("量子纠缠", 5) == []
    assert seed_index.search("", 5) == []


def test_save_load_roundtrip_and_corruption(seed_index: KeywordIndex, tmp_path: Path) -> None:
    path = tmp_path / "bm25"
    seed_index.save(path)
    loaded = KeywordIndex.load(path)
    assert loaded.search("公务接待费", 5) == seed_index.search("公务接待费", 5)
    (path / "chunks.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StateMissingError, match="python -m ingest"):
        KeywordIndex.load(path)
    with pytest.raises(StateMissingError, match="python -m ingest"):
        KeywordIndex.load(tmp_path / "nowhere")


def test_jieba_prints_nothing(seed_doc, capsys: pytest.CaptureFixture[str]) -> None:
    KeywordIndex.build(chunk_document(seed_doc)[:5], ["测试词"]).search("测试", 1)
    out = capsys.readouterr()
    assert out.out == ""
    assert "Building prefix dict" not in out.err


def test_quotes_inside_terms_are_folded() -> None:
    tok = ChineseTokenizer(["三公经费"])
    assert "三公经费" in tok.document_tokens("2024年“三公”经费预算")
    assert "三公经费" in tok.query_tokens("“三公”經費")


def test_typo_correction_uses_the_disclosure_vocabulary(seed_doc) -> None:
    fix = ChineseTokenizer(budget_terms([seed_doc])).corrector.correct
    assert fix("邮点费预算是多少") == "邮电费预算是多少"
    assert fix("科普活东今年预算多少") == "科普活动今年预算多少"
    assert fix("今年公务接代费预算多少") == "今年公务接待费预算多少"
    for fine in (
        "机构运行的项目支出",
        "科普活动开展的社会效指标值",
        "基本工资预算折合多少元",
        "今年预算是多少",
    ):
        assert fix(fine) == fine  # valid words and word-straddling windows are left alone
