"""The budget at a glance, on the seed disclosure: chart figures, HTML, table browsing, audit."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from core.records import AuditCheck, AuditReport
from tests.web.test_render import shown
from web import charts


@pytest.fixture(scope="module")
def doc(seed_store):
    return seed_store.documents[0]


def test_expenditure_by_function_class(doc):
    chart = charts.by_function(doc)
    assert chart.series == ("2024年", "2023年")
    assert [b.label for b in chart.bars] == [
        "201 一般公共服务支出",
        "206 科学技术支出",
        "208 社会保障和就业支出",
        "210 卫生健康支出",
        "221 住房保障支出",
    ]
    values = {b.label[:3]: b.values for b in chart.bars}
    assert values["201"] == (Decimal("2139707.00"), Decimal("1752522.33"))
    assert values["206"] == (Decimal("3050000.00"), Decimal("3660000.00"))
    # the classes add up to the table's total
    assert sum(v[0] for v in values.values()) == Decimal("6059264.63")
    assert chart.source.startswith("表五 ") and "2024年预算数/小计" in chart.source


def test_basic_vs_project(doc):
    chart = charts.basic_vs_project(doc)
    assert [(b.label, b.values[0]) for b in chart.bars] == [
        ("基本支出", Decimal("2759264.63")),
        ("项目支出", Decimal("3300000.00")),
    ]


def test_three_public_each_part_this_year_and_last(doc):
    chart = charts.three_public(doc)
    parts = {b.label: b.values for b in chart.bars}
    assert chart.series == ("2024年", "2023年")
    assert chart.bars[0].label == "三公经费合计"
    assert parts["三公经费合计"] == (Decimal("101000.00"), Decimal("111000.00"))
    assert parts["公务用车运行费"] == (Decimal("80000.00"), Decimal("90000.00"))
    assert parts["公务接待费"] == (Decimal("21000.00"), Decimal("21000.00"))
    assert parts["因公出国(境)费"] == (Decimal(0), Decimal(0))  # blank cells: no money
    assert chart.source.startswith("表十 ")


def test_overview_html_shows_exact_amounts_and_changes(doc):
    out = charts.overview_html(doc)
    text = shown(out)
    for amount in ("6,059,264.63元", "101,000.00元", "111,000.00元", "2,759,264.63元", "3,050,000.00元"):
        assert amount in text
    assert "减少10,000.00元（9.0%）" in text  # 三公 2024 vs 2023
    assert "按功能分类（类）的支出" in text and "基本支出与项目支出" in text and "“三公”经费" in text
    assert "width:100.00%" in out  # the largest bar fills its track


def test_chart_without_data_says_so(doc):
    bare = replace(doc, tables=())
    text = shown(charts.overview_html(bare))
    assert "公开文件中没有“三公”经费表" in text and "没有按功能分类的支出表" in text


def test_document_text_is_escaped_in_charts(doc):
    t5 = doc.table(5)
    row = next(r for r in t5.rows if r.code == "201")
    evil = replace(row, name="<script>alert(1)</script>**x**")
    t = replace(t5, rows=tuple(evil if r is row else r for r in t5.rows))
    out = charts.chart_html(charts.by_function(replace(doc, tables=(t,))))
    assert "<script" not in out and "**" not in out and "<script>alert(1)</script>**x**" in shown(out)


def test_every_table_is_listed(doc):
    labels = [label for label, _ in charts.table_choices(doc)]
    assert len(labels) == len(doc.tables) == 19
    assert labels[0].startswith("表一 ") and any(lbl.endswith("（无数据）") for lbl in labels)
    assert any(lbl.endswith("（正文缺失）") for lbl in labels) and any("（之2）" in lbl for lbl in labels)
    keys = [key for _, key in charts.table_choices(doc)]
    assert len(set(keys)) == len(keys)
    assert charts.find_table(doc, "10-1").no == 10


def test_table_frame_has_header_rows_and_search(doc):
    frame = charts.table_frame(doc.table(5))
    assert list(frame.columns) == [
        "功能分类科目/科目编码",
        "功能分类科目/科目名称",
        "2023年预算数",
        "2024年预算数/小计",
        "2024年预算数/基本支出",
        "2024年预算数/项目支出",
        "2024年预算比2023年预算增幅%",
        "原文行号",
    ]
    assert len(frame) == 22
    first = frame.iloc[0].tolist()
    assert first[1] == "合计" and first[3] == "6,059,264.63" and first[-1] == "212"
    hit = charts.table_frame(doc.table(5), "科普")
    assert hit["功能分类科目/科目编码"].tolist() == ["2060702"]
    assert charts.table_frame(doc.table(5), "2,300,000.00")["原文行号"].tolist() == ["222"]
    assert charts.table_frame(doc.table(5), "不存在的科目").empty


def test_side_by_side_table_keeps_one_line_per_printed_line(doc):
    frame = charts.table_frame(doc.table(1))
    assert list(frame.columns) == ["收入/项目", "支出/项目", "收入/预算数", "支出/预算数", "原文行号"]
    line = frame[frame["原文行号"] == "140"].iloc[0]
    assert line["收入/项目"] == "一般公共预算财政拨款资金" and line["支出/项目"] == "一般公共服务支出"
    assert line["支出/预算数"] == "2,139,707.00"


def test_three_public_table_and_empty_table(doc):
    frame = charts.table_frame(doc.table(10))
    assert frame.iloc[0]["2024年预算数/合计"] == "101,000.00" and len(frame) == 1
    empty = next(t for t in doc.tables if t.status == "empty")
    frame = charts.table_frame(empty)  # as printed: a 合计 line with no amounts
    amounts = frame.drop(columns=[c for c in frame.columns if "科目" in c or c == "原文行号"])
    assert (amounts == "").all().all()


def test_audit_status_per_document_and_table(doc, seed_store):
    report = seed_store.audits[doc.id]
    text = shown(charts.audit_html(report, doc.table(3)))
    assert f"通过 {report.passed}" in text and "未通过 0" in text
    mine = charts.checks_for(report, doc.table(3))
    assert mine and all("表3" in c.name or any(x.startswith("表3:") for x in c.cells) for c in mine)
    assert not any(c.name.startswith("表30") for c in mine)
    assert "本表相关审核 ✓" in text
    empty = next(t for t in doc.tables if t.status == "empty")
    assert "本表无数据" in shown(charts.audit_html(report, empty))


def test_failed_checks_are_named(doc):
    bad = AuditCheck(
        "上级科目等于下级之和：表5 206 科学技术支出",
        False,
        "206 ≠ 20601 + 20607（差 1.00）",
        ("表5:206:x（第217行）",),
    )
    ok = AuditCheck("收入合计等于支出合计：表1", True, "相等", ("表1:合计（第138行）",))
    report = AuditReport(doc.id, (bad, ok))
    text = shown(charts.audit_html(report, doc.table(5)))
    assert "未通过 1" in text and "本表相关审核 ✗" in text
    assert "上级科目等于下级之和：表5 206 科学技术支出：206 ≠ 20601 + 20607（差 1.00）" in text
    assert "本表相关审核 ✓" in shown(charts.audit_html(report, doc.table(1)))
