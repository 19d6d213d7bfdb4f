"""Other common layouts parse and audit cleanly: 万元, pipe tables with 政府性基金, a 决算, and a
file full of real-world quirks. Expected values are read from the fixture files by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.pipeline import parse_one
from tests.conftest import FIXTURES

LAYOUTS = {
    "wanyuan-budget-2024": ("云岭示范区文化和旅游发展委员会", 2024, "预算", "万元", 13),
    "pipe-fund-budget-2025": ("重庆市南岭区住房和城乡建设委员会", 2025, "预算", "元", 14),
    "final-accounts-2023": ("重庆市云峰区农业农村委员会", 2023, "决算", "元", 10),
    "quirks-budget-2024": ("重庆市石溪区档案馆", 2024, "预算", "元", 14),
}


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def parsed(request):
    return request.param, parse_one(FIXTURES / f"{request.param}.txt")


def test_metadata_tables_and_clean_audit(parsed):
    name, p = parsed
    department, year, kind, unit, tables = LAYOUTS[name]
    d = p.document
    assert (d.department, d.year, d.kind, d.unit) == (department, year, kind, unit)
    assert len(d.toc) == tables and {t.no for t in d.tables} == set(range(1, tables + 1))
    assert not [t for t in d.tables if t.status == "missing"]
    assert p.audit.failed == 0, [c for c in p.audit.checks if not c.passed and not c.skipped]
    assert p.audit.passed >= 40


def _cell(p, table_no, row, column):
    table = next(t for t in p.document.tables if t.no == table_no)
    r = next(r for r in table.rows if r.code == row or r.name == row)
    return r.cell(column)


@pytest.mark.parametrize(
    ("name", "table", "row", "column", "value"),
    [
        ("wanyuan-budget-2024", 5, "2070101", "2024年预算数/小计", "1060.78"),
        ("wanyuan-budget-2024", 5, "2070101", "2023年预算数", "1012.46"),
        ("pipe-fund-budget-2025", 11, "2120803", "本年政府性基金预算财政拨款支出/总计", "62386500.00"),
        ("pipe-fund-budget-2025", 5, "2210108", "2025年预算数/小计", "8600000.00"),
        ("final-accounts-2023", 5, "2130119", "年初预算数", "600000.00"),
        ("final-accounts-2023", 5, "2130119", "决算数/小计", "1035000.00"),
        ("quirks-budget-2024", 5, "2012604", "2024年预算数/小计", "2393177.77"),
    ],
)
def test_key_cells(name, table, row, column, value):
    p = parse_one(FIXTURES / f"{name}.txt")
    cell = _cell(p, table, row, column)
    assert cell is not None, [c.column for c in next(t for t in p.document.tables if t.no == table).columns]
    assert cell.value == Decimal(value)


def test_wanyuan_figures_keep_their_unit():
    p = parse_one(FIXTURES / "wanyuan-budget-2024.txt")
    fig = next(f for f in p.figures if f.item_code == "2070101" and f.measure == "2024年预算数/小计")
    assert fig.unit == "万元" and fig.yuan == Decimal("10607800.00")


def test_quirks_are_handled_with_provenance():
    p = parse_one(FIXTURES / "quirks-budget-2024.txt")
    d = p.document
    # a row pushed past a page break (blank line) stays in its table
    assert any(r.code == "30305" and r.line == 255 for t in d.tables for r in t.rows)
    # spreadsheet errors are kept as errors, not numbers
    assert _cell(p, 5, "2080506", "2024年预算比2023年预算增幅%").kind == "error"
    # one table in 万元 among 元 tables
    assert {t.unit for t in d.tables if t.status == "data" and not t.form} == {"元", "万元"}
    # a full-width narrative amount is read exactly, on its own line
    assert any(f.source.line == 33 and f.value == Decimal("372506.5") for f in p.figures)
    # no HTML survives
    assert not any("<" in r.name for t in d.tables for r in t.rows)


@pytest.mark.parametrize(
    ("name", "old", "new", "check"),
    [
        ("wanyuan-budget-2024", "1,060.78", "1,060.79", "正文数字与表格一致：第26行"),
        ("pipe-fund-budget-2025", "62,386,500.00", "62,386,501.00", "上级科目等于下级之和：表2"),
    ],
)
def test_a_planted_error_is_caught_in_other_layouts(tmp_path, name, old, new, check):
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{name}.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    failed = [c.name for c in parse_one(path).audit.checks if not c.passed and not c.skipped]
    assert any(f.startswith(check) for f in failed), failed


def test_each_indicator_of_a_many_project_table_names_its_project():
    # notoc-budget-2024 表11: the 项目名称 column is printed on a project's first indicator only
    # (line 262 '妇女创业就业技能培训经费 | 产出指标 | 数量指标 | 培训妇女人数 | ≥ | 600 | 人'; lines
    # 263-266 leave it blank); every row keeps the project named last above it
    doc = parse_one(FIXTURES / "notoc-budget-2024.txt").document
    table = next(t for t in doc.tables if t.no == 11)
    project, of = None, {}
    for row in table.rows:
        if row.name == "项目名称":
            project = row.cells[0].raw
        elif row.cell("指标值") is not None:
            of[row.name] = project
    assert of["培训妇女人数"] == of["培训后实现就业创业人数"] == "妇女创业就业技能培训经费"
    assert of["资助困境女童人数"] == of["每人每年资助标准"] == "春蕾计划助学及困境儿童关爱经费"
    assert of["婚姻家庭纠纷调解场次"] == "妇女儿童权益保障服务经费"
