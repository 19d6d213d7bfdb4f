"""What every audit check shares: reading a cell, labelling it for staff, comparing in 元,
recording a result, and finding a table's totals (the current year's, by role)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from core.records import AuditCheck, Document, Row, Table
from ingest.roles import Role, tables_by_role

TOTAL_LEAVES = ("总计", "合计", "小计")
ROW_NUMBER_COLUMNS = ("行次", "栏次", "序号", "编号")
TOTAL_NAMES = ("合计", "总计", "收入合计", "支出合计", "收入总计", "支出总计")
ZERO = Decimal(0)
MONEY = ("元", "万元")


def cell_label(doc: Document, table: Table, row: Row, column: str) -> str:
    return f"表{table.no or '?'}:{row.label or '—'}:{column}（第{row.line}行）"


def amount_at(row: Row, column: str) -> Decimal | None:
    cell = row.cell(column)
    return cell.value if cell is not None and cell.kind == "amount" else None


def amount_columns(table: Table) -> list[str]:
    cols = []
    for col in table.columns:
        if (
            not col
            or col.endswith("%")
            or col.split("/")[-1] in ("科目编码", "科目名称", "项目", *ROW_NUMBER_COLUMNS)
        ):
            continue
        if any(r.cell(col) is not None and r.cell(col).kind == "amount" for r in table.rows):
            cols.append(col)
    return cols


def in_yuan(table: Table, value: Decimal) -> Decimal:
    """Compare across tables in 元: a disclosure may mix 元 and 万元 tables."""
    return value * 10000 if table.unit == "万元" else value


def fmt(value: Decimal | None) -> str:
    return "空" if value is None else f"{value:,}"


def check(name: str, ok: bool, detail: str, cells: Iterable[str]) -> AuditCheck:
    return AuditCheck(name, ok, detail, tuple(cells))


def skip(name: str, detail: str, cells: Iterable[str] = ()) -> AuditCheck:
    return AuditCheck(name, True, detail, tuple(cells), skipped=True)


def add_up(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def prefix_groups(columns: Iterable[str]) -> dict[str, dict[str, str]]:
    """{'2024年预算数': {'小计': col, '基本支出': col, …}} grouped by everything but the leaf."""
    groups: dict[str, dict[str, str]] = {}
    for col in columns:
        prefix, _, leaf = col.rpartition("/")
        groups.setdefault(prefix, {})[leaf] = col
    return groups


def matches_rounded(stated: Decimal, exact: Decimal) -> bool:
    """A stated percentage against the exact ratio: it passes when the exact value, rounded
    half-up to the stated decimals, equals it — or when rounding first to one more decimal and
    then to the stated ones does (spreadsheets that display 13.65% and the narrative that copies
    it as 13.7%)."""
    places = max(-stated.as_tuple().exponent, 0) if isinstance(stated.as_tuple().exponent, int) else 0
    q = Decimal(1).scaleb(-places)
    direct = exact.quantize(q, rounding=ROUND_HALF_UP)
    double = exact.quantize(q / 10, rounding=ROUND_HALF_UP).quantize(q, rounding=ROUND_HALF_UP)
    return stated in (direct, double)


def side_total(table: Table, side: str, this_year: bool = False) -> tuple[Row, str, Decimal] | None:
    rows = [r for r in table.rows if r.group == side and ("合计" in r.name or "总计" in r.name)]
    if this_year and any("本年" in r.name for r in rows):
        rows = [r for r in rows if "本年" in r.name]  # without carry-overs
    for row in reversed(rows):  # the final 收入合计/支出合计 row includes carry-overs
        for cell in row.cells:
            if (
                cell.kind == "amount"
                and cell.value is not None
                and cell.column.split("/")[-1] not in ROW_NUMBER_COLUMNS
            ):
                return row, cell.column, cell.value
    return None


def three_public_groups(table: Table) -> dict[str, dict[str, str]]:
    groups: dict[str, dict[str, str]] = {}
    for col in table.columns:
        if not col:
            continue
        top, _, rest = col.partition("/")
        leaf = col.split("/")[-1]
        groups.setdefault(top, {})[leaf if rest else top] = col
    return groups


def total_row(table: Table) -> Row | None:
    return next((r for r in table.rows if not r.code and r.name.replace(" ", "") in TOTAL_NAMES), None)


def not_current(column: str, doc: Document) -> bool:
    """A column of last year, or (in a 决算) of the budget the outturn is compared with."""
    if any(p in column for p in (f"{doc.year - 1}年", "上年", "年初预算", "调整预算")):
        return True
    return doc.kind == "决算" and column.split("/")[0] in ("预算数", "预算")


def current_total_column(table: Table, doc: Document, leaf: str | None = None) -> str | None:
    """The current year's total column ('2024年预算数/小计', '总计', '决算数/小计' …)."""
    for col in amount_columns(table):
        parts = col.split("/")
        if not_current(col, doc):
            continue
        if (leaf and parts[-1] == leaf) or (not leaf and parts[-1] in TOTAL_LEAVES):
            return col
    cols = [c for c in amount_columns(table) if not not_current(c, doc)]
    if leaf is None and len(cols) == 1:
        return cols[0]
    return None


def table_total(doc: Document, role: Role, leaf: str | None = None) -> tuple[str, Decimal] | None:
    for table in tables_by_role(doc, role):
        row, col = total_row(table), current_total_column(table, doc, leaf)
        if row is not None and col is not None:
            return cell_label(doc, table, row, col), in_yuan(table, amount_at(row, col) or ZERO)
    return None


def general_only(doc: Document) -> bool:
    """All the money is 一般公共预算: no 政府性基金 or 国有资本经营 table has data, and no income
    other than 财政拨款 (a 决算's 支出决算表 also spends 其他收入, which the 财政拨款 tables omit)."""
    if tables_by_role(doc, Role.FUND_EXPENSE) or tables_by_role(doc, Role.SOE_EXPENSE):
        return False
    for table in tables_by_role(doc, Role.INCOME_TOTAL):
        total = total_row(table)
        for cell in total.cells if total is not None else ():
            leaf = cell.column.split("/")[-1]
            if cell.kind == "amount" and cell.value and not re.search(r"合计|总计|财政拨款|一般公共预算", leaf):
                return False
    return True


def side_total_of(
    doc: Document, role: Role, side: str, this_year: bool = False
) -> tuple[str, Decimal] | None:
    for table in tables_by_role(doc, role):
        found = side_total(table, side, this_year)
        if found:
            row, col, value = found
            return cell_label(doc, table, row, col), in_yuan(table, value)
    return None
