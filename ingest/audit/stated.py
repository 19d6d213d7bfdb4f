"""Changes and shares the narrative states, recomputed from the tables: '比上年减少X元',
'增长Y%', '占Z%'."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from core.records import AuditCheck, Document, Figure, Row, Table
from ingest.audit.common import (
    MONEY,
    ZERO,
    amount_at,
    amount_columns,
    cell_label,
    check,
    current_total_column,
    fmt,
    general_only,
    in_yuan,
    matches_rounded,
    side_total_of,
    skip,
    table_total,
    three_public_groups,
    total_row,
)
from ingest.roles import Role, tables_by_role


def _prev_cur(doc: Document, subject: str) -> tuple[Decimal, Decimal, list[str]] | None:
    """(previous, current, cells) for a subject from the tables that show both years."""
    label = subject.replace("（", "(").replace("）", ")").replace(" ", "")
    named = re.findall(r"([^()]+)\(项\)", label)
    target = named[-1] if named else label
    prev_col_mark = f"{doc.year - 1}年"
    for table in tables_by_role(doc, Role.THREE_PUBLIC):
        groups = three_public_groups(table)
        cur_g = next((g for k, g in groups.items() if str(doc.year) in k), None)
        prev_g = next((g for k, g in groups.items() if prev_col_mark in k), None)
        if not cur_g or not prev_g or not table.rows:
            continue
        key = _three_public_key(target)
        if key:
            row = table.rows[0]
            cur_c = next((c for leaf, c in cur_g.items() if leaf.startswith(key)), None)
            prev_c = next((c for leaf, c in prev_g.items() if leaf.startswith(key)), None)
            if cur_c and prev_c:
                cells = [cell_label(doc, table, row, cur_c), cell_label(doc, table, row, prev_c)]
                return (
                    in_yuan(table, amount_at(row, prev_c) or ZERO),
                    in_yuan(table, amount_at(row, cur_c) or ZERO),
                    cells,
                )
    for table in tables_by_role(doc, Role.GENERAL_EXPENSE):
        prev_c = next((c for c in amount_columns(table) if prev_col_mark in c), None)
        cur_c = current_total_column(table, doc)
        if not prev_c or not cur_c:
            continue
        row = _row_for(table, target, general_only(doc))
        if row is not None:
            cells = [cell_label(doc, table, row, cur_c), cell_label(doc, table, row, prev_c)]
            return in_yuan(table, amount_at(row, prev_c) or ZERO), in_yuan(table, amount_at(row, cur_c) or ZERO), cells
    return None


def _three_public_key(target: str) -> str | None:
    for word, key in (
        ("三公", "合计"),
        ("因公出国", "因公出国"),
        ("公务接待", "公务接待"),
        ("公务用车购置", "公务用车购置费"),
        ("公务用车运行", "公务用车运行"),
    ):
        if word in target:
            return key
    return None


def _row_for(table: Table, target: str, whole: bool = True) -> Row | None:
    if target in ("一般公共预算财政拨款支出", "一般公共预算财政拨款收入"):
        return total_row(table)
    if target in ("收入", "支出", "总支出", "总收入"):
        return total_row(table) if whole else None
    matches = [r for r in table.rows if r.name and r.name in target]
    return max(matches, key=lambda r: (len(r.name), len(r.code or "")), default=None)


def _relation_sign(measure: str) -> int | None:
    if measure.endswith(("增加", "增长")):
        return 1
    if measure.endswith(("减少", "下降")):
        return -1
    return None


def stated_changes(doc: Document, figures: list[Figure]) -> Iterator[AuditCheck]:
    for fig in figures:
        sign = _relation_sign(fig.measure)
        if fig.origin != "narrative" or sign is None or fig.source.table_no:
            continue
        name = f"增减额/增幅可复算：第{fig.source.line}行 {fig.item} {fig.measure}{fmt(fig.value)}{fig.unit}"
        found = _prev_cur(doc, fig.item)
        if found is None:
            yield skip(name, "上年数未在表格中公开，无法复算", [fig.source.label()])
            continue
        prev, cur, cells = found
        diff = cur - prev
        if fig.unit == "%":
            if prev == 0:
                yield skip(name, "上年数为 0 或空，增幅无法计算", [fig.source.label(), *cells])
                continue
            exact = abs(diff) / prev * 100
            ok = matches_rounded(fig.value, exact) and (diff >= 0) == (sign > 0)
            detail = f"({fmt(cur)} - {fmt(prev)}) / {fmt(prev)} = {exact:.4f}%"
        else:
            ok = diff == sign * (fig.yuan or ZERO)
            detail = f"{fmt(cur)} - {fmt(prev)} = {fmt(diff)}"
        yield check(name, ok, detail, [fig.source.label(), *cells])


def _sentence_bases(fig: Figure, figures: list[Figure]) -> list[tuple[str, Decimal]]:
    """Money stated just before, in the same sentence or the one before it: '采购支出总额X元。…
    授予中小企业合同金额Y元，占采购支出总额的94.8%'."""
    return [
        (f.source.label(), f.yuan or ZERO)
        for f in figures
        if f.origin == "narrative"
        and (f.sentence == fig.sentence or fig.source.line - 3 <= f.source.line <= fig.source.line)
        and f.source.section == fig.source.section
        and f.unit in MONEY
        and f.measure == "金额"
    ]


def _budget_bases(doc: Document) -> list[tuple[str, Decimal]]:
    """The grand total's other columns (年初预算数 in a 决算): '决算数占年初预算的100.9%'."""
    out = []
    for table in tables_by_role(doc, Role.GENERAL_EXPENSE):
        row = total_row(table)
        if row is not None:
            out += [
                (cell_label(doc, table, row, c.column), in_yuan(table, c.value))
                for c in row.cells
                if c.kind == "amount" and c.value
            ]
    return out


def stated_shares(doc: Document, figures: list[Figure]) -> Iterator[AuditCheck]:
    found = (
        side_total_of(doc, Role.INCOME_EXPENSE_TOTAL, "支出"),
        side_total_of(doc, Role.INCOME_EXPENSE_TOTAL, "支出", this_year=True),
        side_total_of(doc, Role.INCOME_EXPENSE_TOTAL, "收入", this_year=True),
        table_total(doc, Role.GENERAL_EXPENSE),
    )
    totals = [t for t in found if t]
    previous: Figure | None = None
    for fig in figures:
        if fig.origin != "narrative" or fig.source.table_no:
            continue
        if fig.unit in MONEY and fig.measure == "金额":
            previous = fig
            continue
        if fig.measure != "占" or fig.unit != "%" or previous is None or previous.sentence != fig.sentence:
            continue
        name = f"占比可复算：第{fig.source.line}行 {previous.item} 占{fig.value}%"
        bases = [(label, v) for label, v in totals + _sentence_bases(fig, figures) + _budget_bases(doc) if v]
        part = previous.yuan or ZERO
        ok = any(matches_rounded(fig.value, part / v * 100) for _, v in bases)
        detail = "；".join(f"{fmt(part)} / {fmt(v)} = {part / v * 100:.4f}%" for _, v in bases)
        if not bases:
            yield skip(name, "表格中没有总额可作分母", [fig.source.label()])
        else:
            yield check(
                name, ok, detail, [fig.source.label(), previous.source.label(), *(b for b, _ in bases)]
            )
