"""Checks within one table: parent 科目 = Σ children, 合计 = Σ 类, 基本+项目 = 合计,
人员+公用 = 基本支出, and 收入合计 = 支出合计 on a 收支总表."""

from __future__ import annotations

from collections.abc import Iterator

from core.records import AuditCheck, Document, Row, Table
from ingest.audit.common import (
    TOTAL_LEAVES,
    TOTAL_NAMES,
    ZERO,
    add_up,
    amount_at,
    amount_columns,
    cell_label,
    check,
    fmt,
    prefix_groups,
    side_total,
)
from ingest.roles import Role, role_of


def parent_sums(doc: Document, table: Table) -> Iterator[AuditCheck]:
    by_code = {r.code: r for r in table.rows if r.code}
    children: dict[str, list[Row]] = {}
    for row in table.rows:
        if row.parent_code:
            children.setdefault(row.parent_code, []).append(row)
    columns = amount_columns(table)
    for code, kids in children.items():
        parent = by_code[code]
        yield _sum_check(doc, table, "上级科目等于下级之和", parent, kids, columns)
    total = next((r for r in table.rows if not r.code and r.name in TOTAL_NAMES), None)
    tops = [r for r in table.rows if r.code and not r.parent_code]
    if total is not None and tops:
        yield _sum_check(doc, table, "合计等于各类之和", total, tops, columns)


def _sum_check(
    doc: Document, table: Table, name: str, parent: Row, kids: list[Row], columns: list[str]
) -> AuditCheck:
    bad = []
    for col in columns:
        expected, got = add_up(amount_at(k, col) for k in kids), amount_at(parent, col)
        if (got or ZERO) != expected:
            bad.append(f"{col}: {parent.label}={fmt(got)}，下级合计={fmt(expected)}")
    cells = [cell_label(doc, table, parent, c) for c in columns]
    cells += [cell_label(doc, table, k, c) for k in kids for c in columns]
    title = f"表{table.no}"
    if bad:
        return check(f"{name}：{title} {parent.label}", False, "；".join(bad), cells)
    kid_codes = "、".join(k.label for k in kids)
    return check(
        f"{name}：{title} {parent.label}", True, f"{parent.label} = {kid_codes}（{len(columns)}列）", cells
    )


def basic_plus_project(doc: Document, table: Table) -> Iterator[AuditCheck]:
    for leaves in prefix_groups(amount_columns(table)).values():
        total = next((leaves[k] for k in TOTAL_LEAVES if k in leaves), None)
        if total is None or "基本支出" not in leaves or "项目支出" not in leaves:
            continue
        yield _row_identity(
            doc, table, "基本支出+项目支出=合计", total, [leaves["基本支出"], leaves["项目支出"]]
        )


def personnel_plus_public(doc: Document, table: Table) -> Iterator[AuditCheck]:
    for leaves in prefix_groups(amount_columns(table)).values():
        public = leaves.get("日常公用经费") or leaves.get("公用经费")
        total = next((leaves[k] for k in TOTAL_LEAVES if k in leaves), None)
        if total is None or public is None or "人员经费" not in leaves:
            continue
        yield _row_identity(doc, table, "人员经费+公用经费=基本支出", total, [leaves["人员经费"], public])


def _row_identity(doc: Document, table: Table, name: str, total: str, parts: list[str]) -> AuditCheck:
    bad, cells = [], []
    for row in table.rows:
        got = amount_at(row, total)
        expected = add_up(amount_at(row, p) for p in parts)
        if got is None and expected == 0:
            continue
        cells.append(cell_label(doc, table, row, total))
        if (got or ZERO) != expected:
            bad.append(f"{row.label}: {total}={fmt(got)}，{'+'.join(parts)}={fmt(expected)}")
    return check(f"{name}：表{table.no}", not bad, "；".join(bad) or f"{len(cells)}行全部相等", cells)


def side_totals(doc: Document, table: Table) -> Iterator[AuditCheck]:
    if role_of(table) not in (Role.INCOME_EXPENSE_TOTAL, Role.APPROPRIATION_TOTAL):
        return
    income = side_total(table, "收入")
    expense = side_total(table, "支出")
    if income is None or expense is None:
        return
    (irow, icol, ival), (erow, ecol, evalue) = income, expense
    yield check(
        f"收入合计等于支出合计：表{table.no}",
        ival == evalue,
        f"收入 {fmt(ival)}，支出 {fmt(evalue)}",
        [cell_label(doc, table, irow, icol), cell_label(doc, table, erow, ecol)],
    )
