"""Checks across tables: the “三公” parts add up, and the same total (支出, 基本支出, 项目支出,
财政拨款 by fund) is the same in every table that shows it."""

from __future__ import annotations

from collections.abc import Iterator

from core.records import AuditCheck, Document, Row, Table
from ingest.audit.common import (
    ZERO,
    add_up,
    amount_at,
    cell_label,
    check,
    fmt,
    general_only,
    side_total_of,
    table_total,
    three_public_groups,
)
from ingest.roles import Role, tables_by_role


def three_public(doc: Document) -> Iterator[AuditCheck]:
    for table in tables_by_role(doc, Role.THREE_PUBLIC):
        for row in table.rows:
            for prefix, leaves in three_public_groups(table).items():
                yield from _three_public_row(doc, table, row, prefix, leaves)


def _three_public_row(doc: Document, table: Table, row: Row, prefix: str, leaves: dict[str, str]):
    def find(*keys: str) -> str | None:
        return next((c for leaf, c in leaves.items() for k in keys if leaf.startswith(k)), None)

    total, abroad, reception = find("合计"), find("因公出国"), find("公务接待")
    car_sub, car_buy, car_run = find("小计"), find("公务用车购置费", "公务用车购置"), find("公务用车运行")
    if car_sub and car_buy and car_run and car_buy != car_sub:
        got, exp = amount_at(row, car_sub) or ZERO, add_up([amount_at(row, car_buy), amount_at(row, car_run)])
        yield check(
            f"公务用车购置及运行费=购置+运行：表{table.no} {prefix}",
            got == exp,
            f"小计 {fmt(got)}，购置+运行 {fmt(exp)}",
            [cell_label(doc, table, row, c) for c in (car_sub, car_buy, car_run)],
        )
    if total and abroad and reception and car_sub:
        got, exp = (
            amount_at(row, total) or ZERO,
            add_up([amount_at(row, abroad), amount_at(row, car_sub), amount_at(row, reception)]),
        )
        yield check(
            f"“三公”经费合计=各项之和：表{table.no} {prefix}",
            got == exp,
            f"合计 {fmt(got)}，因公出国+公务用车+公务接待 {fmt(exp)}",
            [cell_label(doc, table, row, c) for c in (total, abroad, car_sub, reception)],
        )


def cross_table(doc: Document) -> Iterator[AuditCheck]:
    expense_side = side_total_of(doc, Role.INCOME_EXPENSE_TOTAL, "支出")
    # The 支出总表 spans every fund; it equals the 一般公共预算 tables only when that is all there is.
    whole = general_only(doc)
    groups = {
        "支出总额在各表一致": [expense_side, table_total(doc, Role.EXPENSE_TOTAL)],
        "基本支出在各表一致": [
            table_total(doc, Role.EXPENSE_TOTAL, "基本支出") if whole else None,
            table_total(doc, Role.GENERAL_EXPENSE, "基本支出"),
            table_total(doc, Role.BASIC_ECON_DEPT),
            table_total(doc, Role.BASIC_ECON_GOV),
        ],
        "项目支出在各表一致": [
            table_total(doc, Role.EXPENSE_TOTAL, "项目支出") if whole else None,
            table_total(doc, Role.GENERAL_EXPENSE, "项目支出"),
            table_total(doc, Role.PROJECT_ECON_DEPT),
            table_total(doc, Role.PROJECT_ECON_GOV),
        ],
    }
    for name, found in groups.items():
        present = [f for f in found if f is not None]
        if len(present) >= 2:
            values = {v for _, v in present}
            detail = "；".join(f"{label} = {fmt(v)}" for label, v in present)
            yield check(name, len(values) == 1, detail, [label for label, _ in present])
    yield from _appropriation_split(doc)


def _appropriation_split(doc: Document) -> Iterator[AuditCheck]:
    """财政拨款支出合计 = 一般公共预算 + 政府性基金 + 国有资本经营 (each from its own table)."""
    total = side_total_of(doc, Role.APPROPRIATION_TOTAL, "支出", this_year=True)
    parts = [
        table_total(doc, Role.GENERAL_EXPENSE),
        table_total(doc, Role.FUND_EXPENSE),
        table_total(doc, Role.SOE_EXPENSE),
    ]
    present = [p for p in parts if p is not None]
    if total is None or not present:
        return
    expected = add_up(v for _, v in present)
    detail = f"财政拨款支出合计 {fmt(total[1])}，各类财政拨款支出表合计 {fmt(expected)}"
    yield check(
        "财政拨款支出合计等于分表之和", total[1] == expected, detail, [total[0]] + [p[0] for p in present]
    )
