"""Chunks built from the document model: ids, fact lines, forms, empty tables, metadata."""

from __future__ import annotations

import re

from core.records import Chunk
from index.chunk import chunk_document, dense_text, short_title, split_sentences


def _by_id(chunks: list[Chunk]) -> dict[str, Chunk]:
    return {c.id: c for c in chunks}


def test_ids_are_deterministic_and_unique(seed_doc) -> None:
    first = chunk_document(seed_doc)
    second = chunk_document(seed_doc)
    assert [c.id for c in first] == [c.id for c in second]
    assert [c.text for c in first] == [c.text for c in second]
    assert len({c.id for c in first}) == len(first)
    assert all(c.id.startswith(f"{seed_doc.id}:{c.kind}:") for c in first)


def test_row_fact_keeps_amounts_exactly_with_unit(seed_doc) -> None:
    rows = [c for c in chunk_document(seed_doc) if c.kind == "row" and c.metadata["row_code"] == "2060702"]
    t5 = next(c for c in rows if c.metadata["table_no"] == 5)
    assert t5.text.startswith("表五 2024年 一般公共预算财政拨款支出预算表 · 2060702 科普活动")
    assert "2024年预算数/小计 2,300,000.00 元" in t5.text
    assert "2023年预算数 3,660,000.00 元" in t5.text
    assert "基本支出" not in t5.text  # blank cell omitted, not written as 0
    assert t5.metadata["row_name"] == "科普活动" and t5.metadata["line"] == 222


def test_total_row_yields_one_fact_per_column(seed_doc) -> None:
    totals = [
        c
        for c in chunk_document(seed_doc)
        if c.metadata["table_no"] == 6 and c.metadata["row_name"] == "合计"
    ]
    texts = [c.text for c in totals if c.kind == "row"]
    assert any(t.endswith("2024年基本支出/人员经费 2,202,175.07 元") for t in texts)
    assert any(t.endswith("2024年基本支出/日常公用经费 557,089.56 元") for t in texts)


def test_table_group_restates_title_unit_header_and_lists_rows(seed_doc) -> None:
    groups = [c for c in chunk_document(seed_doc) if c.kind == "table" and c.metadata["table_no"] == 5]
    assert len(groups) >= 2
    for g in groups:
        assert g.text.startswith("表五 2024年 一般公共预算财政拨款支出预算表（单位：元）")
        assert "2024年预算数/小计" in g.text.splitlines()[1]
        assert 6 <= len(g.metadata["rows"].split("|")) <= 12
    assert any("2060702" in g.metadata["rows"].split("|") for g in groups)


def test_empty_and_missing_tables_say_so(seed_doc) -> None:
    chunks = _by_id(chunk_document(seed_doc))
    fund = chunks[f"{seed_doc.id}:table:T11.1:status"]
    assert fund.text.startswith("表十一 ") and "本部门无政府性基金收支，故此表无数据" in fund.text
    missing = chunks[f"{seed_doc.id}:table:T13.1:status"]
    assert "目录列出但正文未提供" in missing.text and missing.metadata["status"] == "missing"


def test_form_rows_restate_the_project(seed_doc) -> None:
    forms = [c for c in chunk_document(seed_doc) if c.metadata["table_no"] == 17]
    assert {c.metadata["project"] for c in forms} == {
        "科普经费",
        "老科技工作者服务团经费",
        "科普综合事务业务经费",
    }
    budget = next(
        c for c in forms if c.metadata["project"] == "科普经费" and c.metadata["row_name"] == "当年预算"
    )
    assert budget.text.endswith("科普经费 · 当年预算 2,300,000.00 元")
    indicator = next(
        c for c in forms if c.metadata["project"] == "科普经费" and c.metadata["row_name"] == "科普资金"
    )
    assert "指标值 230" in indicator.text and "计量单位 万元" in indicator.text


def test_narrative_restates_section_path_and_splits_long_paragraphs(seed_doc) -> None:
    narrative = [c for c in chunk_document(seed_doc) if c.kind == "narrative" and c.metadata["line"] == 11]
    assert len(narrative) > 1  # the 575-character 职能职责 paragraph is cut at sentence ends
    assert all(c.text.startswith("一、单位基本情况 > (一) 职能职责：") for c in narrative)
    assert all(len(c.text) < 400 for c in narrative)
    three = next(c for c in chunk_document(seed_doc) if c.kind == "narrative" and c.metadata["line"] == 73)
    assert "101,000 元" in three.text and three.metadata["lines"] == "73"


def test_metadata_is_chroma_safe(seed_doc) -> None:
    for chunk in chunk_document(seed_doc):
        for key in (
            "doc_id",
            "department",
            "year",
            "kind",
            "table_no",
            "table_title",
            "row_code",
            "row_name",
            "section",
            "line",
            "chunk_kind",
        ):
            assert key in chunk.metadata, (chunk.id, key)
        assert all(isinstance(v, str | int | float | bool) for v in chunk.metadata.values()), chunk.id
        assert chunk.metadata["chunk_kind"] == chunk.kind


def test_helpers() -> None:
    assert short_title("2024年渝北区部门收支预算总表") == "2024年 收支预算总表"
    assert split_sentences("短句。") == ["短句。"]
    pieces = split_sentences("甲" * 150 + "。" + "乙" * 150 + "。" + "丙" * 10 + "。", 200)
    assert pieces == ["甲" * 150 + "。", "乙" * 150 + "。" + "丙" * 10 + "。"]


def test_toc_chunk_cites_the_toc_lines(seed_doc) -> None:
    toc = _by_id(chunk_document(seed_doc))[f"{seed_doc.id}:narrative:toc"]
    assert "共17张表" in toc.text and "表十七" in toc.text
    assert toc.metadata["lines"].split("|") == [str(n) for n in seed_doc.toc_lines]
    assert toc.metadata["line"] == seed_doc.toc_lines[0]


def test_dense_text_is_the_chunk_without_its_amounts(seed_doc) -> None:
    chunks = chunk_document(seed_doc)
    row = next(
        c for c in chunks if c.kind == "row" and c.metadata["row_code"] == "2060702" and c.metadata["table_no"] == 5
    )
    # the 科目 code, the year in a column name and the labels stay; the printed amounts go
    assert dense_text(row) == (
        "表五 2024年 一般公共预算财政拨款支出预算表 · 2060702 科普活动 · 2023年预算数 · 2024年预算数/小计"
        " · 2024年预算数/项目支出 · 2024年预算比2023年预算增幅%"
    )
    group = next(c for c in chunks if c.kind == "table" and c.metadata["table_no"] == 5)
    lines = dense_text(group).splitlines()
    assert lines[0] == group.text.splitlines()[0] and lines[1] == group.text.splitlines()[1]  # title, columns
    assert lines[2:] and not any("|" in line or "," in line for line in lines[2:])  # one 科目 per line
    assert len(lines) == len(group.text.splitlines())
    # a passage keeps its figures: they are part of what the sentence says
    passage = next(c for c in chunks if c.kind == "narrative" and "6,059,264.63" in c.text)
    assert dense_text(passage) == passage.text


def test_dense_text_is_shared_by_the_same_row_of_two_departments(seed_doc) -> None:
    from dataclasses import replace

    row = next(c for c in chunk_document(seed_doc) if c.kind == "row" and re.search(r"\d,\d{3}\.\d\d ", c.text))
    other = replace(row, id="other:" + row.id, text=re.sub(r"\d[\d,]*\.\d\d", "1,234.50", row.text))
    assert other.text != row.text and dense_text(other) == dense_text(row)
