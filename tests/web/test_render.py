"""Rendering of answers: escaped, one HTML block, sources and formula shown."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest

from core.records import Answer, Citation, Figure, Provenance, Result, UsedFigure
from qa.serialize import render_text
from web import render

TABLE_PROV = Provenance(
    "doc", 353, 10, "2024年渝北区部门一般公共预算“三公”经费支出预算表", None, "2024年预算数/合计"
)
SECTION_PROV = Provenance("doc", 43, section="三、部门预算情况说明 > （一）一般公共预算")
FIG = Figure("doc", "三公经费", "2024年预算数/合计", Decimal("101000.00"), "元", TABLE_PROV, year=2024)


def three_public_answer() -> Answer:
    return Answer(
        question="2024年三公经费是多少？",
        text="表十“三公经费”（2024年预算数/合计）为101,000.00元。",
        status="answered",
        figures=(UsedFigure("表十 · 三公经费 · 2024年预算数/合计", FIG),),
        results=(Result(Decimal("101000.00"), "元", "三公经费"),),
        citations=(Citation("表十 · 三公经费 · 2024年预算数/合计", TABLE_PROV),),
        doc_id="doc",
    )


def shown(fragment: str) -> str:
    """What a person sees: tags dropped, character references decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment.replace("<br>", "\n")))


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "**粗体**",
        "<img src=x onerror=alert(1)>",
        "[链接](javascript:alert(1))",
        "`代码` _斜体_ ~~删除~~ # 标题 > 引用 | 表 |",
        "$x^2$ 与 $$y$$",
        "1. 列表\n- 列表\n\n段落",
        "&lt;已转义&gt; &amp; \\*",
        "http://example.com/x.png www.example.com",
    ],
)
def test_escape_text_shows_exactly_the_text(text):
    out = render.escape_text(text)
    assert "<" not in out.replace("<br>", "")  # no tag but line breaks
    bare = re.sub(r"&#\d+;", "", out).replace("<br>", "")
    for markup in "*_`[]$#>|~&":
        assert markup not in bare, markup  # markdown never sees its punctuation
    assert shown(out) == text


def test_user_message_is_escaped_and_shortened():
    msg = render.user_message("<script>alert(1)</script>**粗体**")
    assert "<script" not in msg and "**" not in msg
    assert shown(msg) == "<script>alert(1)</script>**粗体**"
    long = render.user_message("字" * 5000, limit=600)
    assert "共5000字" in shown(long) and len(shown(long)) < 700


def test_answer_message_has_text_sources_and_no_blank_line():
    msg = render.answer_message(three_public_answer())
    text = shown(msg)
    assert "101,000.00元" in text
    assert "<details class='bq-sources'>" in msg and "<summary>来源与依据（1条）</summary>" in msg
    assert "表十" in text and "2024年预算数/合计" in text and "原文第353行" in text
    assert "行：三公经费" in text  # the row comes from the figure when the cell has no row name
    assert "\n\n" not in msg  # one HTML block: markdown leaves its inside alone
    assert msg.startswith("<div")


def test_computed_answer_shows_formula():
    a = Answer(
        "科普活动比去年少了多少钱？",
        "减少1,360,000.00元。",
        "answered",
        formula="abs(2300000.00 - 3660000.00) = 1360000.00元",
    )
    text = shown(render.answer_message(a))
    assert "计算：abs(2300000.00 - 3660000.00) = 1360000.00元" in text


def test_narrative_source_shows_section_and_sentence():
    sentence = "行政运行2024年预算数为1,889,707元，主要原因是人员变动调入经费增加。"
    a = Answer("为什么？", "根据公开文件……", "answered", citations=(Citation(sentence, SECTION_PROV),))
    text = shown(render.answer_message(a))
    assert "正文" in text and "三、部门预算情况说明 > （一）一般公共预算" in text
    assert "原文第43行" in text and sentence in text


def test_streamed_piece_has_no_sources_yet():
    a = three_public_answer()
    partial = render.answer_message(a, a.text[:5], final=False)
    assert "bq-sources" not in partial and shown(partial).startswith(a.text[:5])


def test_engine_text_is_escaped_too():
    """The engine may quote the question back ('没有涉及“<b>x</b>”'): that is user text."""
    a = Answer("q", "没有涉及“<img src=x onerror=alert(1)>”和“**粗体**”的数据。", "not_found")
    msg = render.answer_message(a)
    assert "<img" not in msg and "**" not in msg
    assert "<img src=x onerror=alert(1)>" in shown(msg)


def test_invalid_answer_is_a_hint():
    msg = render.answer_message(Answer("", "请输入一个问题，例如：“2024年三公经费是多少？”", "invalid"))
    assert "bq-invalid" in msg and "提示" in shown(msg)


def test_follow_up_shows_how_it_was_understood():
    a = Answer("那去年呢？", "……", "answered", resolved_question="去年三公经费是多少？")
    assert "问题补全为：去年三公经费是多少？" in shown(render.answer_message(a))


def test_plain_text_is_the_cli_text():
    a = three_public_answer()
    assert render.plain_text(a) == render_text(a)


def test_header_names_the_documents(seed_store):
    out = render.header_html(seed_store.documents)
    assert "重庆市渝北区科学技术协会 2024年部门预算" in shown(out)
