"""Hit rules of the retrieval metrics, and the metrics over the eval file with a fake embedder."""

from __future__ import annotations

import json
from pathlib import Path

from core.records import Chunk
from core.settings import Settings
from index.build import build_index, open_retriever
from index.metrics import chunk_matches, evidence_for, evidence_matches, gold_sources, retrieval_metrics

DOC = "cq-yubei-kexie-2024-budget"
FIXTURE = Path(__file__).parent / "questions_fixture.jsonl"


def _chunk(**meta) -> Chunk:
    base = {
        "doc_id": DOC,
        "table_no": -1,
        "row_code": "",
        "row_name": "",
        "rows": "",
        "lines": "",
        "status": "",
    }
    return Chunk(id="x", doc_id=DOC, kind="row", text="", metadata=base | meta)


def test_table_row_rules() -> None:
    src = {"table": 5, "row": "2060702", "column": "2024年预算数/小计"}
    assert chunk_matches(_chunk(table_no=5, row_code="2060702", rows="2060702"), src, DOC)
    assert not chunk_matches(_chunk(table_no=3, row_code="2060702", rows="2060702"), src, DOC)
    assert not chunk_matches(_chunk(table_no=5, row_code="2060702", rows="2060702"), src, "other-doc")
    assert chunk_matches(_chunk(table_no=5, rows="合计|201|2060702"), src, DOC)  # table group holding it
    named = {"table": 4, "row": "一、本年收入/一般公共预算财政拨款"}
    assert chunk_matches(
        _chunk(table_no=4, row_name="一般公共预算财政拨款", rows="一般公共预算财政拨款"), named
    )
    assert chunk_matches(_chunk(table_no=11, status="empty"), {"table": 11, "row": "备注"})


def test_section_and_form_rules() -> None:
    assert chunk_matches(_chunk(lines="81|83"), {"section": "五、…", "line": 83})
    assert not chunk_matches(_chunk(lines="81|83"), {"section": "五、…", "line": 85})
    form = {"table": 17, "row": "当年预算", "column": "当年预算", "project": "科普经费"}
    assert chunk_matches(_chunk(table_no=17, row_name="当年预算", rows="当年预算", project="科普经费"), form)
    assert not chunk_matches(
        _chunk(table_no=17, row_name="当年预算", rows="当年预算", project="科普综合事务业务经费"), form
    )


def test_gold_sources_kinds() -> None:
    assert gold_sources({"source": {"note": "refusal"}}) == []
    inputs = {"source": {"inputs": [{"table": 5, "row": "206"}, {"section": "x", "line": 35}]}}
    assert len(gold_sources(inputs)) == 2


def test_metrics_on_fixture_questions(seed_doc, settings: Settings, fake_embedder) -> None:
    build_index([seed_doc], settings, progress=False)
    questions = [
        json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    result = retrieval_metrics(open_retriever(settings), questions)
    assert result["questions"] == len(questions)
    for leg in ("dense", "keyword", "hybrid"):
        assert 0 <= result[leg]["hit@1"] <= result[leg]["hit@3"] <= 1
        assert result[leg]["hit@1"] <= result[leg]["mrr"] <= 1
    assert result["keyword"]["hit@3"] >= 0.8  # the keyword leg does not depend on the fake embedder


def test_metrics_rank_exactly_as_the_retriever(seed_doc, settings: Settings, fake_embedder) -> None:
    from index.metrics import leg_rankings

    build_index([seed_doc], settings, progress=False)
    retriever = open_retriever(settings).with_filters({"doc_id": seed_doc.id})
    for question in ("去年科普活动预算多少", "邮点费是多少", "三公经费占比", "2060702"):
        legs = leg_rankings(retriever, question, 8)
        for mode in ("dense", "keyword", "hybrid"):
            got = [c.id for c, _ in retriever.retrieve_chunks(question, mode=mode, top_k=8)]
            assert got == [c.id for c in legs[mode]], (question, mode)


# --- evidence equivalence, on the seed's real figures (lines checked against the file) --------


def _evidence_lines(seed_parsed, source: dict, value: str) -> set[int]:
    q = {"doc": DOC, "gold": {"value": value, "unit": "元"}, "source": source}
    return {e.line for e in evidence_for(q, {DOC: seed_parsed.figures})}


def test_same_figure_elsewhere_is_evidence(seed_parsed) -> None:
    # 科普活动 2024: 表五 line 222 (gold), 表三 line 171, and sentence (5) on line 51 all print 2,300,000
    lines = _evidence_lines(
        seed_parsed, {"table": 5, "row": "2060702", "column": "2024年预算数/小计"}, "2300000.00"
    )
    assert {222, 171, 51} <= lines
    assert 431 not in lines  # 表十七's 当年预算 of the 科普经费 project: same amount, another thing
    # 三公经费 2024: the 合计 of 表十 (line 353) is the sentence "“三公”经费预算 101,000 元" (line 73)
    assert 73 in _evidence_lines(
        seed_parsed, {"table": 10, "row": "", "column": "2024年预算数/合计"}, "101000"
    )


def test_same_amount_of_another_item_is_not_evidence(seed_parsed) -> None:
    # 20601 科学技术管理事务 and its only 项 2060199 are both 450,000 (表五 lines 218, 219)
    item = _evidence_lines(
        seed_parsed, {"table": 5, "row": "2060199", "column": "2024年预算数/小计"}, "450000"
    )
    parent = _evidence_lines(
        seed_parsed, {"table": 5, "row": "20601", "column": "2024年预算数/小计"}, "450000"
    )
    assert {219, 168, 47} <= item and not {218, 167} & item
    assert {218, 167} <= parent and not {219, 168, 47} & parent
    # 表五's 合计 (expenditure) = 6,059,264.63 = 表四's income row 一般公共预算财政拨款 (line 193)
    total = _evidence_lines(
        seed_parsed, {"table": 5, "row": "合计", "column": "2024年预算数/小计"}, "6059264.63"
    )
    assert {212, 202, 161} <= total  # 表五/表四 支出合计/表三 合计
    assert 193 not in total and 23 not in total  # 收入 rows and the 预算总收入 sentence


def test_evidence_chunk_must_print_the_figure_and_its_name(seed_parsed) -> None:
    q = {"doc": DOC, "gold": {"value": "6059264.63", "unit": "元"},
         "source": {"table": 1, "row": "一、本年支出合计", "column": "支出/预算数"}}  # fmt: skip
    evidence = evidence_for(q, {DOC: seed_parsed.figures})
    spending = _chunk(lines="139")
    spending = Chunk(
        "a", DOC, "row", "表一 · 一、本年支出合计 · 支出/预算数 6,059,264.63 元", spending.metadata
    )
    income = Chunk(
        "b", DOC, "row", "表一 · 一、本年收入合计 · 收入/预算数 6,059,264.63 元", spending.metadata
    )
    other_line = Chunk("c", DOC, "row", spending.text, {**spending.metadata, "lines": "140"})
    assert evidence_matches(spending, evidence)
    assert not evidence_matches(income, evidence)  # same line and number, the 收入 half
    assert not evidence_matches(other_line, evidence)
