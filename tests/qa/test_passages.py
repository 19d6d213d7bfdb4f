"""Passage choice for narrative answers: term coverage first, the retriever's rank among near-ties."""

from __future__ import annotations

from qa.passages import Passage, best_passages, doc_passages


def _ranked(doc, *needles: str) -> list[Passage]:
    """The document's passages containing each needle, scored as the engine scores retrieved
    ones: 1/rank in the order given."""
    out = []
    for rank, needle in enumerate(needles, start=1):
        p = next(p for p in doc_passages(doc) if needle in p.text)
        out.append(Passage(p.text, p.provenance, 1 / rank, p.context))
    return out


QUESTION = "科普经费主要用于哪些方面？"
OVERVIEW = "全区科普经费，主要用于全区科普宣传"  # 表十七 项目概况 of the 科普经费 project
PROJECT_SPENDING = "（2）项目支出 3,300,000 元"  # the 情况说明 sentence on 项目支出


def test_retriever_rank_decides_between_passages_that_cover_the_question(seed_doc) -> None:
    overview_first = best_passages(QUESTION, seed_doc, _ranked(seed_doc, OVERVIEW, PROJECT_SPENDING))
    spending_first = best_passages(QUESTION, seed_doc, _ranked(seed_doc, PROJECT_SPENDING, OVERVIEW))
    assert overview_first[0].text.startswith(OVERVIEW)
    assert spending_first[0].text.startswith(PROJECT_SPENDING)
    assert overview_first[0].provenance.table_no == 17


def test_retrieval_weight_zero_is_term_coverage_alone(seed_doc) -> None:
    a = best_passages(QUESTION, seed_doc, _ranked(seed_doc, OVERVIEW), retrieval_weight=0)
    b = best_passages(QUESTION, seed_doc, _ranked(seed_doc, PROJECT_SPENDING), retrieval_weight=0)
    assert [p.text for p in a] == [p.text for p in b]


def test_a_retrieved_passage_must_still_cover_the_question(seed_doc) -> None:
    contact = _ranked(seed_doc, "部门预算公开联系人")  # ranked first, about something else
    chosen = best_passages(QUESTION, seed_doc, contact, retrieval_weight=10)
    assert chosen and all("联系人" not in p.text for p in chosen)
    assert best_passages("科协的无人机采购计划是什么？", seed_doc, contact, retrieval_weight=10) == []
