"""The parser on the seed (golden fixture) and on small synthetic quirks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import NotADisclosureError
from ingest.parse import parse_bytes, parse_text
from tests.conftest import SEED


def _table(doc, no, part=1):
    return next(t for t in doc.tables if t.no == no and t.part == part)


def _row(table, code=None, name=None):
    return next(r for r in table.rows if (code and r.code == code) or (name and r.name == name))


def test_document_metadata(seed_doc):
    assert seed_doc.id == "cq-yubei-kexie-2024-budget"
    assert seed_doc.department == "重庆市渝北区科学技术协会"
    assert (seed_doc.year, seed_doc.kind, seed_doc.unit) == (2024, "预算", "元")


def test_all_17_tables_reported_with_status(seed_doc):
    assert [no for no, _ in seed_doc.toc] == list(range(1, 18))
    lines = SEED.read_text(encoding="utf-8").splitlines()
    # the 目录 heading, then one line per entry (表一 … 表十七)
    assert "目录" in lines[seed_doc.toc_lines[0] - 1] and len(seed_doc.toc_lines) == 18
    assert lines[seed_doc.toc_lines[-1] - 1].split("\t")[:2] == ["17", "表十七"]
    status = {t.no: t.status for t in seed_doc.tables if t.part == 1}
    assert set(status) == set(range(1, 18))
    # 表二 and 表十三 are listed in the 目录 but absent from the body; four say 本部门无….
    assert {n for n, s in status.items() if s == "missing"} == {2, 13}
    assert {n for n, s in status.items() if s == "empty"} == {11, 12, 14, 16}
    assert [t.part for t in seed_doc.tables if t.no == 17] == [1, 2, 3]
    assert any("表13" in w.message and "没有这张表" in w.message for w in seed_doc.warnings)


def test_row_after_page_break_stays_in_its_table(seed_doc):
    table = _table(seed_doc, 6)
    row = _row(table, code="30307")
    assert (row.name, row.line, row.parent_code) == ("医疗费补助", 281, "303")
    assert row.cell("2024年基本支出/总计").value == Decimal("20000.00")


def test_separator_lines_are_not_rows(seed_doc):
    names = [r.name for t in seed_doc.tables for r in t.rows]
    assert not any(set(n) <= set("-—") and n for n in names)


def test_blank_is_not_zero_and_errors_are_kept(seed_doc):
    row = _row(_table(seed_doc, 5), code="2012903")
    prev = row.cell("2023年预算数")
    assert prev.kind == "blank" and prev.value is None
    growth = row.cell("2024年预算比2023年预算增幅%")
    assert growth.kind == "error" and growth.raw == "#DIV/0!"
    pct = _row(_table(seed_doc, 5), name="合计").cell("2024年预算比2023年预算增幅%")
    assert (pct.kind, pct.value) == ("percent", Decimal("-2"))


def test_code_hierarchy(seed_doc):
    table = _table(seed_doc, 5)
    assert _row(table, code="2060702").parent_code == "20607"
    assert _row(table, code="20607").parent_code == "206"
    assert _row(table, code="206").parent_code is None


def test_html_tags_are_stripped(seed_doc):
    assert _row(_table(seed_doc, 1), name="合计").name == "合计"
    overview = _row(_table(seed_doc, 17, part=3), name="项目概况")
    assert "<p>" not in overview.cells[0].raw and overview.cells[0].raw.startswith("全区科普管理综合事务经费")


def test_three_level_header_of_the_three_public_table(seed_doc):
    row = _table(seed_doc, 10).rows[0]
    assert row.cell("2024年预算数/公务接待费").value == Decimal("21000.00")
    assert row.cell("2023年预算数/合计").value == Decimal("111000.00")
    assert row.cell("2024年预算数/公务用车购置及运行费/公务用车运行费").value == Decimal("80000.00")
    assert row.cell("2024年预算数/因公出国(境)费").kind == "blank"


def test_side_by_side_table_splits_income_and_expense(seed_doc):
    table = _table(seed_doc, 1)
    income = _row(table, name="一般公共预算财政拨款资金")
    expense = _row(table, name="科学技术支出")
    assert income.group == "收入" and income.cell("收入/预算数").value == Decimal("6059264.63")
    assert expense.group == "支出" and expense.cell("支出/预算数").value == Decimal("3050000.00")


def test_paragraph_broken_across_lines_is_joined(seed_doc):
    duties = next(s for s in seed_doc.sections if s.heading.endswith("职能职责"))
    para = duties.paragraphs[0]
    assert para.lines == (11, 13)
    assert "建设网上科技工作者之家" in para.text


def test_headings_follow_numbering_not_hash_count(seed_doc):
    by_heading = {s.heading: s for s in seed_doc.sections}
    # '## 2.按支出功能科目说明' sits under 三、/（一） although it has fewer '#'.
    assert by_heading["2.按支出功能科目说明"].path[0] == "三、部门预算情况说明"
    assert by_heading["七、预算公开联系方式及信息反馈"].path == ("七、预算公开联系方式及信息反馈",)


def test_empty_table_keeps_its_note(seed_doc):
    table = _table(seed_doc, 11)
    assert table.status == "empty" and "故此表无数据" in table.note


def test_misaligned_indicator_row_is_realigned_with_a_warning(seed_doc):
    row = _row(_table(seed_doc, 15), name="资金")
    assert row.cell("指标值").value == Decimal("6059264.63") and row.cell("计量单位").raw == "元"
    assert any(w.line == 406 for w in seed_doc.warnings)


MINI = """# 某市某区示范局
## 2024年部门预算情况说明
### 一、部门预算总体情况
收入预算１２,３４５.６元，支出预算12,345.60元。
## 2024年部门预算公开表（目录）
编号\t工作表名\t
1\t表一\t2024年部门支出预算总表
2\t表二\t2024年部门“三公”经费支出预算表
## 2024年部门支出预算总表
单位：万元
科目编码\t科目名称\t总计\t基本支出\t项目支出
合计\t\t1.23\t1.23\t
201\t一般公共服务支出\t1.23\t1.23\t
这一行不是表格内容
## 2024年部门“三公”经费支出预算表
单位：元
备注：本部门无“三公”经费，故此表无数据。
"""


def test_wanyuan_unit_fullwidth_digits_and_unreadable_lines():
    doc = parse_text(MINI, "mini.txt")
    table = doc.tables[0]
    assert table.unit == "万元" and doc.unit == "万元"
    assert table.rows[1].cell("总计").value == Decimal("1.23")
    assert doc.tables[1].status == "empty"
    assert any(w.line == 14 and w.path == "mini.txt" and "这一行" in w.message for w in doc.warnings)


def test_pipe_separated_tables():
    text = MINI.replace(
        "科目编码\t科目名称\t总计\t基本支出\t项目支出",
        "| 科目编码 | 科目名称 | 总计 | 基本支出 | 项目支出 |\n|---|---|---|---|---|",
    )
    text = text.replace("合计\t\t1.23\t1.23\t", "| 合计 | | 1.23 | 1.23 | |").replace(
        "201\t一般公共服务支出\t1.23\t1.23\t", "| 201 | 一般公共服务支出 | 1.23 | 1.23 | |"
    )
    doc = parse_text(text, "pipes.txt")
    row = doc.tables[0].rows[1]
    assert (row.code, row.name, row.cell("基本支出").value) == ("201", "一般公共服务支出", Decimal("1.23"))


def test_gbk_encoded_file_is_read():
    doc = parse_bytes(MINI.encode("gb18030"), "gbk.txt")
    assert doc.tables[0].rows[1].name == "一般公共服务支出"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "空"),
        (b"\x00\x01\x02binary", "二进制"),
        ("这是一份会议纪要，没有任何表格。\n".encode(), "表格"),
    ],
)
def test_non_disclosures_get_a_clear_error(data, reason):
    with pytest.raises(NotADisclosureError) as err:
        parse_bytes(data, "notes.txt")
    assert "notes.txt" in str(err.value) and reason in str(err.value)


_TITLED = """湖北省襄江市某区统计局2024年部门预算

目  录
第一部分  部门概况
    一、主要职能
第二部分  2024年部门预算情况说明

第一部分  部门概况
一、主要职能
（一）贯彻执行国家统计法律法规和统计工作方针政策，组织领导和协调全区
统计工作。（二）组织实施全区重大普查。
二、部门预算单位构成
本部门内设4个股室。
2024年部门支出预算总表
单位：元
科目编码\t科目名称\t总计\t基本支出\t项目支出
合计\t\t1.23\t1.23\t
201\t一般公共服务支出\t1.23\t1.23\t
"""


def test_title_line_does_not_swallow_the_headings_below_it():
    # the title has no sentence punctuation: it is a line of its own, not a paragraph broken
    # by a page; a 目录 that lists only the parts is skipped, not read as headings
    doc = parse_text(_TITLED, "titled.txt")
    by_heading = {s.heading: s for s in doc.sections}
    duties = by_heading["一、主要职能"]
    assert duties.path[-1] == "一、主要职能"
    assert duties.paragraphs[0].text.startswith("（一）贯彻执行") and duties.paragraphs[0].text.endswith("全区重大普查。")
    assert duties.line == 9  # the body's heading, not the 目录's line 5
    assert [s.heading for s in doc.sections].count("一、主要职能") == 1
    assert "本部门内设4个股室。" in by_heading["二、部门预算单位构成"].paragraphs[0].text
    assert all("目" not in p.text[:3] for s in doc.sections for p in s.paragraphs)
