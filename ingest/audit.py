"""The checks a careful staff member makes on a disclosure, run on every ingest.

Each check records pass/fail, a Chinese detail and the cells involved. A check that does not
apply (a growth rate from a zero base, a change whose previous-year figure is not in any table)
is recorded as skipped, never as passed.

Rounding: a stated percentage passes when the exact ratio, rounded half-up to the stated
decimals, equals it — or when rounding first to one more decimal and then to the stated ones
does (spreadsheets that display 13.65% and the narrative that copies it as 13.7%).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from core.records import AuditCheck, AuditReport, Document, Figure, Row, Table
from ingest.roles import Role, role_of, tables_by_role

_TOTAL_LEAVES = ("总计", "合计", "小计")
ROW_NUMBER_COLUMNS = ("行次", "栏次", "序号", "编号")
_TOTAL_NAMES = ("合计", "总计", "收入合计", "支出合计", "收入总计", "支出总计")
_ZERO = Decimal(0)


def audit(doc: Document, figures: list[Figure]) -> AuditReport:
    checks: list[AuditCheck] = []
    for table in doc.tables:
        if table.status != "data" or table.form:
            continue
        if role_of(table) not in (Role.PROJECT_DETAIL, Role.PROCUREMENT):
            # Project and procurement lists carry 科目编码 as a label, not a hierarchy.
            checks += _parent_sums(doc, table)
        checks += _basic_plus_project(doc, table)
        checks += _personnel_plus_public(doc, table)
        checks += _side_totals(doc, table)
    checks += _three_public(doc)
    checks += _cross_table(doc)
    checks += _narrative_matches(doc, figures)
    checks += _stated_changes(doc, figures)
    checks += _stated_shares(doc, figures)
    return AuditReport(doc.id, tuple(checks))


# --- helpers ---------------------------------------------------------------------------------


def _cell_label(doc: Document, table: Table, row: Row, column: str) -> str:
    return f"表{table.no or '?'}:{row.label or '—'}:{column}（第{row.line}行）"


def _val(row: Row, column: str) -> Decimal | None:
    cell = row.cell(column)
    return cell.value if cell is not None and cell.kind == "amount" else None


def _amount_columns(table: Table) -> list[str]:
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


def _yuan(table: Table, value: Decimal) -> Decimal:
    """Compare across tables in 元: a disclosure may mix 元 and 万元 tables."""
    return value * 10000 if table.unit == "万元" else value


def _fmt(value: Decimal | None) -> str:
    return "空" if value is None else f"{value:,}"


def _check(name: str, ok: bool, detail: str, cells: Iterable[str]) -> AuditCheck:
    return AuditCheck(name, ok, detail, tuple(cells))


def _skip(name: str, detail: str, cells: Iterable[str] = ()) -> AuditCheck:
    return AuditCheck(name, True, detail, tuple(cells), skipped=True)


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), _ZERO)


def _prefix_groups(columns: Iterable[str]) -> dict[str, dict[str, str]]:
    """{'2024年预算数': {'小计': col, '基本支出': col, …}} grouped by everything but the leaf."""
    groups: dict[str, dict[str, str]] = {}
    for col in columns:
        prefix, _, leaf = col.rpartition("/")
        groups.setdefault(prefix, {})[leaf] = col
    return groups


def matches_rounded(stated: Decimal, exact: Decimal) -> bool:
    """Stated percentage vs exact value, under the rounding rule in the module docstring."""
    places = max(-stated.as_tuple().exponent, 0) if isinstance(stated.as_tuple().exponent, int) else 0
    q = Decimal(1).scaleb(-places)
    direct = exact.quantize(q, rounding=ROUND_HALF_UP)
    double = exact.quantize(q / 10, rounding=ROUND_HALF_UP).quantize(q, rounding=ROUND_HALF_UP)
    return stated in (direct, double)


# --- within one table ------------------------------------------------------------------------


def _parent_sums(doc: Document, table: Table) -> Iterator[AuditCheck]:
    by_code = {r.code: r for r in table.rows if r.code}
    children: dict[str, list[Row]] = {}
    for row in table.rows:
        if row.parent_code:
            children.setdefault(row.parent_code, []).append(row)
    columns = _amount_columns(table)
    for code, kids in children.items():
        parent = by_code[code]
        yield _sum_check(doc, table, "上级科目等于下级之和", parent, kids, columns)
    total = next((r for r in table.rows if not r.code and r.name in _TOTAL_NAMES), None)
    tops = [r for r in table.rows if r.code and not r.parent_code]
    if total is not None and tops:
        yield _sum_check(doc, table, "合计等于各类之和", total, tops, columns)


def _sum_check(
    doc: Document, table: Table, name: str, parent: Row, kids: list[Row], columns: list[str]
) -> AuditCheck:
    bad = []
    for col in columns:
        expected, got = _sum(_val(k, col) for k in kids), _val(parent, col)
        if (got or _ZERO) != expected:
            bad.append(f"{col}: {parent.label}={_fmt(got)}，下级合计={_fmt(expected)}")
    cells = [_cell_label(doc, table, parent, c) for c in columns]
    cells += [_cell_label(doc, table, k, c) for k in kids for c in columns]
    title = f"表{table.no}"
    if bad:
        return _check(f"{name}：{title} {parent.label}", False, "；".join(bad), cells)
    kid_codes = "、".join(k.label for k in kids)
    return _check(
        f"{name}：{title} {parent.label}", True, f"{parent.label} = {kid_codes}（{len(columns)}列）", cells
    )


def _basic_plus_project(doc: Document, table: Table) -> Iterator[AuditCheck]:
    for leaves in _prefix_groups(_amount_columns(table)).values():
        total = next((leaves[k] for k in _TOTAL_LEAVES if k in leaves), None)
        if total is None or "基本支出" not in leaves or "项目支出" not in leaves:
            continue
        yield _row_identity(
            doc, table, "基本支出+项目支出=合计", total, [leaves["基本支出"], leaves["项目支出"]]
        )


def _personnel_plus_public(doc: Document, table: Table) -> Iterator[AuditCheck]:
    for leaves in _prefix_groups(_amount_columns(table)).values():
        public = leaves.get("日常公用经费") or leaves.get("公用经费")
        total = next((leaves[k] for k in _TOTAL_LEAVES if k in leaves), None)
        if total is None or public is None or "人员经费" not in leaves:
            continue
        yield _row_identity(doc, table, "人员经费+公用经费=基本支出", total, [leaves["人员经费"], public])


def _row_identity(doc: Document, table: Table, name: str, total: str, parts: list[str]) -> AuditCheck:
    bad, cells = [], []
    for row in table.rows:
        got = _val(row, total)
        expected = _sum(_val(row, p) for p in parts)
        if got is None and expected == 0:
            continue
        cells.append(_cell_label(doc, table, row, total))
        if (got or _ZERO) != expected:
            bad.append(f"{row.label}: {total}={_fmt(got)}，{'+'.join(parts)}={_fmt(expected)}")
    return _check(f"{name}：表{table.no}", not bad, "；".join(bad) or f"{len(cells)}行全部相等", cells)


def _side_totals(doc: Document, table: Table) -> Iterator[AuditCheck]:
    if role_of(table) not in (Role.INCOME_EXPENSE_TOTAL, Role.APPROPRIATION_TOTAL):
        return
    income = _side_total(table, "收入")
    expense = _side_total(table, "支出")
    if income is None or expense is None:
        return
    (irow, icol, ival), (erow, ecol, evalue) = income, expense
    yield _check(
        f"收入合计等于支出合计：表{table.no}",
        ival == evalue,
        f"收入 {_fmt(ival)}，支出 {_fmt(evalue)}",
        [_cell_label(doc, table, irow, icol), _cell_label(doc, table, erow, ecol)],
    )


def _side_total(table: Table, side: str, this_year: bool = False) -> tuple[Row, str, Decimal] | None:
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


# --- across tables ---------------------------------------------------------------------------


def _three_public(doc: Document) -> Iterator[AuditCheck]:
    for table in tables_by_role(doc, Role.THREE_PUBLIC):
        for row in table.rows:
            for prefix, leaves in _three_public_groups(table).items():
                yield from _three_public_row(doc, table, row, prefix, leaves)


def _three_public_groups(table: Table) -> dict[str, dict[str, str]]:
    groups: dict[str, dict[str, str]] = {}
    for col in table.columns:
        if not col:
            continue
        top, _, rest = col.partition("/")
        leaf = col.split("/")[-1]
        groups.setdefault(top, {})[leaf if rest else top] = col
    return groups


def _three_public_row(doc: Document, table: Table, row: Row, prefix: str, leaves: dict[str, str]):
    def find(*keys: str) -> str | None:
        return next((c for leaf, c in leaves.items() for k in keys if leaf.startswith(k)), None)

    total, abroad, reception = find("合计"), find("因公出国"), find("公务接待")
    car_sub, car_buy, car_run = find("小计"), find("公务用车购置费", "公务用车购置"), find("公务用车运行")
    if car_sub and car_buy and car_run and car_buy != car_sub:
        got, exp = _val(row, car_sub) or _ZERO, _sum([_val(row, car_buy), _val(row, car_run)])
        yield _check(
            f"公务用车购置及运行费=购置+运行：表{table.no} {prefix}",
            got == exp,
            f"小计 {_fmt(got)}，购置+运行 {_fmt(exp)}",
            [_cell_label(doc, table, row, c) for c in (car_sub, car_buy, car_run)],
        )
    if total and abroad and reception and car_sub:
        got, exp = (
            _val(row, total) or _ZERO,
            _sum([_val(row, abroad), _val(row, car_sub), _val(row, reception)]),
        )
        yield _check(
            f"“三公”经费合计=各项之和：表{table.no} {prefix}",
            got == exp,
            f"合计 {_fmt(got)}，因公出国+公务用车+公务接待 {_fmt(exp)}",
            [_cell_label(doc, table, row, c) for c in (total, abroad, car_sub, reception)],
        )


def _total_row(table: Table) -> Row | None:
    return next((r for r in table.rows if not r.code and r.name.replace(" ", "") in _TOTAL_NAMES), None)


def not_current(column: str, doc: Document) -> bool:
    """A column of last year, or (in a 决算) of the budget the outturn is compared with."""
    if any(p in column for p in (f"{doc.year - 1}年", "上年", "年初预算", "调整预算")):
        return True
    return doc.kind == "决算" and column.split("/")[0] in ("预算数", "预算")


def _current_total_column(table: Table, doc: Document, leaf: str | None = None) -> str | None:
    """The current year's total column ('2024年预算数/小计', '总计', '决算数/小计' …)."""
    for col in _amount_columns(table):
        parts = col.split("/")
        if not_current(col, doc):
            continue
        if (leaf and parts[-1] == leaf) or (not leaf and parts[-1] in _TOTAL_LEAVES):
            return col
    cols = [c for c in _amount_columns(table) if not not_current(c, doc)]
    if leaf is None and len(cols) == 1:
        return cols[0]
    return None


def _table_total(doc: Document, role: Role, leaf: str | None = None) -> tuple[str, Decimal] | None:
    for table in tables_by_role(doc, role):
        row, col = _total_row(table), _current_total_column(table, doc, leaf)
        if row is not None and col is not None:
            return _cell_label(doc, table, row, col), _yuan(table, _val(row, col) or _ZERO)
    return None


def general_only(doc: Document) -> bool:
    """All the money is 一般公共预算: no 政府性基金 or 国有资本经营 table has data, and no income
    other than 财政拨款 (a 决算's 支出决算表 also spends 其他收入, which the 财政拨款 tables omit)."""
    if tables_by_role(doc, Role.FUND_EXPENSE) or tables_by_role(doc, Role.SOE_EXPENSE):
        return False
    for table in tables_by_role(doc, Role.INCOME_TOTAL):
        total = _total_row(table)
        for cell in total.cells if total is not None else ():
            leaf = cell.column.split("/")[-1]
            if cell.kind == "amount" and cell.value and not re.search(r"合计|总计|财政拨款|一般公共预算", leaf):
                return False
    return True


def _cross_table(doc: Document) -> Iterator[AuditCheck]:
    expense_side = _side_total_of(doc, Role.INCOME_EXPENSE_TOTAL, "支出")
    # The 支出总表 spans every fund; it equals the 一般公共预算 tables only when that is all there is.
    whole = general_only(doc)
    groups = {
        "支出总额在各表一致": [expense_side, _table_total(doc, Role.EXPENSE_TOTAL)],
        "基本支出在各表一致": [
            _table_total(doc, Role.EXPENSE_TOTAL, "基本支出") if whole else None,
            _table_total(doc, Role.GENERAL_EXPENSE, "基本支出"),
            _table_total(doc, Role.BASIC_ECON_DEPT),
            _table_total(doc, Role.BASIC_ECON_GOV),
        ],
        "项目支出在各表一致": [
            _table_total(doc, Role.EXPENSE_TOTAL, "项目支出") if whole else None,
            _table_total(doc, Role.GENERAL_EXPENSE, "项目支出"),
            _table_total(doc, Role.PROJECT_ECON_DEPT),
            _table_total(doc, Role.PROJECT_ECON_GOV),
        ],
    }
    for name, found in groups.items():
        present = [f for f in found if f is not None]
        if len(present) >= 2:
            values = {v for _, v in present}
            detail = "；".join(f"{label} = {_fmt(v)}" for label, v in present)
            yield _check(name, len(values) == 1, detail, [label for label, _ in present])
    yield from _appropriation_split(doc)


def _side_total_of(
    doc: Document, role: Role, side: str, this_year: bool = False
) -> tuple[str, Decimal] | None:
    for table in tables_by_role(doc, role):
        found = _side_total(table, side, this_year)
        if found:
            row, col, value = found
            return _cell_label(doc, table, row, col), _yuan(table, value)
    return None


def _appropriation_split(doc: Document) -> Iterator[AuditCheck]:
    """财政拨款支出合计 = 一般公共预算 + 政府性基金 + 国有资本经营 (each from its own table)."""
    total = _side_total_of(doc, Role.APPROPRIATION_TOTAL, "支出", this_year=True)
    parts = [
        _table_total(doc, Role.GENERAL_EXPENSE),
        _table_total(doc, Role.FUND_EXPENSE),
        _table_total(doc, Role.SOE_EXPENSE),
    ]
    present = [p for p in parts if p is not None]
    if total is None or not present:
        return
    expected = _sum(v for _, v in present)
    detail = f"财政拨款支出合计 {_fmt(total[1])}，各类财政拨款支出表合计 {_fmt(expected)}"
    yield _check(
        "财政拨款支出合计等于分表之和", total[1] == expected, detail, [total[0]] + [p[0] for p in present]
    )


# --- narrative against tables ----------------------------------------------------------------

_MONEY = ("元", "万元")
_ALIASES: dict[str, tuple[Role, str | None, str | None]] = {
    # narrative word → (table role, row name or None for the total row, column leaf)
    "三公经费": (Role.THREE_PUBLIC, None, "合计"),
    "预算总收入": (Role.INCOME_EXPENSE_TOTAL, None, None),
    "预算总支出": (Role.INCOME_EXPENSE_TOTAL, None, None),
    "总收入": (Role.INCOME_EXPENSE_TOTAL, None, None),
    "总支出": (Role.INCOME_EXPENSE_TOTAL, None, None),
    "机关运行经费": (Role.BASIC_ECON_DEPT, None, "日常公用经费"),
    "本年财政拨款支出": (Role.APPROPRIATION_TOTAL, None, None),
    "本年财政拨款收入": (Role.APPROPRIATION_TOTAL, None, None),
    "本年支出合计": (Role.INCOME_EXPENSE_TOTAL, None, None),
    "本年收入合计": (Role.INCOME_EXPENSE_TOTAL, None, None),
    "公用经费": (Role.BASIC_ECON_DEPT, None, "日常公用经费"),
}


def _table_money(figures: list[Figure], doc: Document) -> list[Figure]:
    return [f for f in figures if f.origin == "table" and f.unit in _MONEY and not not_current(f.source.column or "", doc)]


_SUFFIXES = ("收入", "支出", "预算", "资金", "费用", "费")


def _head(text: str) -> str:
    """Compare names by their head noun: '一般公共服务支出' ~ '一般公共服务', '因公出国（境）费用' ~ '因公出国(境)'."""
    text = text.replace("（", "(").replace("）", ")").replace(" ", "")
    text = re.sub(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\))", "", text)
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


def _names_match(narrative: str, table_name: str, exact: bool = False) -> bool:
    a, b = _head(narrative), _head(table_name)
    if exact:
        return len(b) >= 2 and a == b
    return len(b) >= 2 and (a == b or (len(b) >= 4 and a.endswith(b) and len(b) >= 0.6 * len(a)))


def _candidates(fig: Figure, table_figs: list[Figure], doc: Document) -> list[Figure]:
    label = fig.item.replace("（", "(").replace("）", ")").replace(" ", "")
    named = re.findall(r"([^()]+)\(项\)", label)
    target = named[-1] if named else label
    out = [
        t
        for t in table_figs
        if _names_match(target, t.item) or _names_match(target, (t.source.column or "").split("/")[-1])
    ]
    for word, (role, _row, leaf) in _ALIASES.items():
        if word in label:
            titles = {t.full_title for t in tables_by_role(doc, role)}
            out += [
                t
                for t in table_figs
                if t.source.table_title in titles
                and (leaf is None or (t.source.column or "").split("/")[-1] == leaf or t.item == leaf)
            ]
    return out


def _firm(fig: Figure, cands: list[Figure], doc: Document) -> bool:
    """Some candidate is the same item by name (or by a standard alias), not merely by a suffix."""
    label = fig.item.replace("（", "(").replace("）", ")").replace(" ", "")
    named = re.findall(r"([^()]+)\(项\)", label)
    target = named[-1] if named else label
    if any(word in label for word in _ALIASES):
        return True
    return any(
        _names_match(target, c.item, exact=True)
        or _names_match(target, (c.source.column or "").split("/")[-1], exact=True)
        for c in cands
    )


def _narrative_matches(doc: Document, figures: list[Figure]) -> Iterator[AuditCheck]:
    table_figs = _table_money(figures, doc)
    for fig in figures:
        if (
            fig.origin != "narrative"
            or fig.unit not in _MONEY
            or fig.measure != "金额"
            or fig.source.table_no
        ):
            continue
        cands = _candidates(fig, table_figs, doc)
        name = f"正文数字与表格一致：第{fig.source.line}行 {fig.item} {_fmt(fig.value)}{fig.unit}"
        if not cands:
            yield _skip(name, "表格中没有可对照的项目（仅在正文中说明）", [fig.source.label()])
            continue
        equal = [c for c in cands if c.yuan == fig.yuan]
        factor = [c for c in cands if c.yuan and fig.yuan and fig.yuan in (c.yuan * 10000, c.yuan / 10000)]
        if not equal and factor:
            # the same item, 10,000 times larger or smaller: a 元 table read as 万元 or the reverse
            detail = f"与{factor[0].source.label()}相差一万倍（{_fmt(factor[0].value)}{factor[0].unit}）：单位读错了"
            cells = [fig.source.label(), factor[0].source.label()]
            yield AuditCheck(name, False, detail, tuple(cells), misread=True)
            continue
        if not equal and not _firm(fig, cands, doc):
            # only a loose name match ('涉及一般公共预算拨款' ~ '一般公共预算拨款收入'): it may
            # confirm a figure, not refute one
            yield _skip(name, "表格中只有名称相近的项目，无法确认是否同一项", [fig.source.label()])
            continue
        if not equal and fig.value == 0:
            yield _skip(name, "正文为0，表格中对应项为空（空白即无此项金额）", [fig.source.label()])
            continue
        cells = [fig.source.label()] + [c.source.label() for c in (equal or cands)[:6]]
        detail = (
            f"与{equal[0].source.label()}一致"
            if equal
            else "表格中同名项目的数为 " + "、".join(sorted({_fmt(c.value) for c in cands})[:6])
        )
        yield _check(name, bool(equal), detail, cells)


def _prev_cur(doc: Document, subject: str) -> tuple[Decimal, Decimal, list[str]] | None:
    """(previous, current, cells) for a subject from the tables that show both years."""
    label = subject.replace("（", "(").replace("）", ")").replace(" ", "")
    named = re.findall(r"([^()]+)\(项\)", label)
    target = named[-1] if named else label
    prev_col_mark = f"{doc.year - 1}年"
    for table in tables_by_role(doc, Role.THREE_PUBLIC):
        groups = _three_public_groups(table)
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
                cells = [_cell_label(doc, table, row, cur_c), _cell_label(doc, table, row, prev_c)]
                return (
                    _yuan(table, _val(row, prev_c) or _ZERO),
                    _yuan(table, _val(row, cur_c) or _ZERO),
                    cells,
                )
    for table in tables_by_role(doc, Role.GENERAL_EXPENSE):
        prev_c = next((c for c in _amount_columns(table) if prev_col_mark in c), None)
        cur_c = _current_total_column(table, doc)
        if not prev_c or not cur_c:
            continue
        row = _row_for(table, target, general_only(doc))
        if row is not None:
            cells = [_cell_label(doc, table, row, cur_c), _cell_label(doc, table, row, prev_c)]
            return _yuan(table, _val(row, prev_c) or _ZERO), _yuan(table, _val(row, cur_c) or _ZERO), cells
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
        return _total_row(table)
    if target in ("收入", "支出", "总支出", "总收入"):
        return _total_row(table) if whole else None
    matches = [r for r in table.rows if r.name and r.name in target]
    return max(matches, key=lambda r: (len(r.name), len(r.code or "")), default=None)


def _relation_sign(measure: str) -> int | None:
    if measure.endswith(("增加", "增长")):
        return 1
    if measure.endswith(("减少", "下降")):
        return -1
    return None


def _stated_changes(doc: Document, figures: list[Figure]) -> Iterator[AuditCheck]:
    for fig in figures:
        sign = _relation_sign(fig.measure)
        if fig.origin != "narrative" or sign is None or fig.source.table_no:
            continue
        name = f"增减额/增幅可复算：第{fig.source.line}行 {fig.item} {fig.measure}{_fmt(fig.value)}{fig.unit}"
        found = _prev_cur(doc, fig.item)
        if found is None:
            yield _skip(name, "上年数未在表格中公开，无法复算", [fig.source.label()])
            continue
        prev, cur, cells = found
        diff = cur - prev
        if fig.unit == "%":
            if prev == 0:
                yield _skip(name, "上年数为 0 或空，增幅无法计算", [fig.source.label(), *cells])
                continue
            exact = abs(diff) / prev * 100
            ok = matches_rounded(fig.value, exact) and (diff >= 0) == (sign > 0)
            detail = f"({_fmt(cur)} - {_fmt(prev)}) / {_fmt(prev)} = {exact:.4f}%"
        else:
            ok = diff == sign * (fig.yuan or _ZERO)
            detail = f"{_fmt(cur)} - {_fmt(prev)} = {_fmt(diff)}"
        yield _check(name, ok, detail, [fig.source.label(), *cells])


def _sentence_bases(fig: Figure, figures: list[Figure]) -> list[tuple[str, Decimal]]:
    """Money stated just before, in the same sentence or the one before it: '采购支出总额X元。…
    授予中小企业合同金额Y元，占采购支出总额的94.8%'."""
    return [
        (f.source.label(), f.yuan or _ZERO)
        for f in figures
        if f.origin == "narrative"
        and (f.sentence == fig.sentence or fig.source.line - 3 <= f.source.line <= fig.source.line)
        and f.source.section == fig.source.section
        and f.unit in _MONEY
        and f.measure == "金额"
    ]


def _budget_bases(doc: Document) -> list[tuple[str, Decimal]]:
    """The grand total's other columns (年初预算数 in a 决算): '决算数占年初预算的100.9%'."""
    out = []
    for table in tables_by_role(doc, Role.GENERAL_EXPENSE):
        row = _total_row(table)
        if row is not None:
            out += [
                (_cell_label(doc, table, row, c.column), _yuan(table, c.value))
                for c in row.cells
                if c.kind == "amount" and c.value
            ]
    return out


def _stated_shares(doc: Document, figures: list[Figure]) -> Iterator[AuditCheck]:
    found = (
        _side_total_of(doc, Role.INCOME_EXPENSE_TOTAL, "支出"),
        _side_total_of(doc, Role.INCOME_EXPENSE_TOTAL, "支出", this_year=True),
        _side_total_of(doc, Role.INCOME_EXPENSE_TOTAL, "收入", this_year=True),
        _table_total(doc, Role.GENERAL_EXPENSE),
    )
    totals = [t for t in found if t]
    previous: Figure | None = None
    for fig in figures:
        if fig.origin != "narrative" or fig.source.table_no:
            continue
        if fig.unit in _MONEY and fig.measure == "金额":
            previous = fig
            continue
        if fig.measure != "占" or fig.unit != "%" or previous is None or previous.sentence != fig.sentence:
            continue
        name = f"占比可复算：第{fig.source.line}行 {previous.item} 占{fig.value}%"
        bases = [(label, v) for label, v in totals + _sentence_bases(fig, figures) + _budget_bases(doc) if v]
        part = previous.yuan or _ZERO
        ok = any(matches_rounded(fig.value, part / v * 100) for _, v in bases)
        detail = "；".join(f"{_fmt(part)} / {_fmt(v)} = {part / v * 100:.4f}%" for _, v in bases)
        if not bases:
            yield _skip(name, "表格中没有总额可作分母", [fig.source.label()])
        else:
            yield _check(
                name, ok, detail, [fig.source.label(), previous.source.label(), *(b for b, _ in bases)]
            )
