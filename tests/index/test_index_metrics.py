"""Hit rules of the retrieval metrics, and the metrics over the eval file with a fake embedder."""

from __future__ import annotations

import json
from pathlib import Path

from core.records import Chunk
from core.settings import Settings
from index.build import build_index, open_retriever
from index.metrics import chunk_matches, gold_sources, retrieval_metrics

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
