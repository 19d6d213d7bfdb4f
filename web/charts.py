"""The budget at a glance: figures for the charts, HTML bars, and every table for browsing.

Charts are plain HTML bars (no plotting library, nothing fetched): each bar carries the exact
amount as printed in the disclosure, and the table and column it was read from. Tables are
found by role (``ingest.roles``), never by number, so 决算 and other provinces' layouts work too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from core.records import AuditCheck, AuditReport, Document, Row, Table, cn_number
from core.text import format_amount
from ingest.roles import Role, tables_by_role
from web.render import escape_text

_TOTAL_NAME = re.compile(r"合计|总计")
_SUBTOTAL_LEAVES = ("小计", "合计", "总计")


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[Decimal | None, ...]  # one per series (this year, last year); None: not shown


@dataclass(frozen=True)
class Chart:
    title: str
    series: tuple[str, ...]  # e.g. ("2024年", "2023年")
    bars: tuple[Bar, ...]
    unit: str
    source: str  # "表五 2024年…支出预算表 · 2024年预算数/小计"
    note: str = ""

    @property
    def empty(self) -> bool:
        return not self.bars


# --- figures for the charts ----------------------------------------------------------------------


def _value(row: Row, column: str | None) -> Decimal | None:
    if column is None:
        return None
    cell = row.cell(column)
    if cell is None:
        return None
    if cell.kind == "blank":
        return Decimal(0)  # a blank cell in a budget table means no money
    return cell.value if cell.kind == "amount" else None


def _year_column(table: Table, year: int) -> str | None:
    """The table's total column for ``year``: '2024年预算数/小计', '2023年预算数' …"""
    cols = [c for c in table.columns if c.startswith(f"{year}年") and not c.endswith("%") and "增" not in c]
    for c in cols:
        if c.split("/")[-1] in _SUBTOTAL_LEAVES or "/" not in c:
            return c
    return cols[0] if cols else None


def _total_column(table: Table) -> str | None:
    return next((c for c in table.columns if c.split("/")[-1] in _SUBTOTAL_LEAVES), None)


def _source(table: Table, *columns: str | None) -> str:
    cols = "、".join(c for c in columns if c)
    return f"表{cn_number(table.no)} {table.full_title}" + (f" · {cols}" if cols else "")


def _expense_table(doc: Document) -> Table | None:
    for role in (Role.GENERAL_EXPENSE, Role.EXPENSE_TOTAL):
        tables = tables_by_role(doc, role)
        if tables:
            return tables[0]
    return None


def by_function(doc: Document) -> Chart:
    """Expenditure by function 类 (3-digit 科目编码), this year and, where printed, last year."""
    for role in (Role.GENERAL_EXPENSE, Role.EXPENSE_TOTAL):
        for table in tables_by_role(doc, role):
            now = _year_column(table, doc.year) or _total_column(table)
            before = _year_column(table, doc.year - 1)
            rows = [r for r in table.rows if r.code and len(r.code) == 3]
            if not rows or now is None:
                continue
            series = (f"{doc.year}年",) + ((f"{doc.year - 1}年",) if before else ())
            bars = tuple(
                Bar(r.label, (_value(r, now),) + ((_value(r, before),) if before else ())) for r in rows
            )
            return Chart("按功能分类（类）的支出", series, bars, table.unit, _source(table, now, before))
    return Chart("按功能分类（类）的支出", (), (), doc.unit, "", "公开文件中没有按功能分类的支出表。")


def _total_row(table: Table) -> Row | None:
    return next((r for r in table.rows if not r.code and _TOTAL_NAME.search(r.name)), None)


def basic_vs_project(doc: Document) -> Chart:
    """基本支出 vs 项目支出 of the whole budget (total row)."""
    for role in (Role.GENERAL_EXPENSE, Role.EXPENSE_TOTAL):
        for table in tables_by_role(doc, role):
            row = _total_row(table)
            if row is None:
                continue
            basic = next(
                (
                    c
                    for c in table.columns
                    if c.endswith("基本支出") and not c.startswith(f"{doc.year - 1}年")
                ),
                None,
            )
            project = next(
                (
                    c
                    for c in table.columns
                    if c.endswith("项目支出") and not c.startswith(f"{doc.year - 1}年")
                ),
                None,
            )
            if basic is None or project is None:
                continue
            bars = (Bar("基本支出", (_value(row, basic),)), Bar("项目支出", (_value(row, project),)))
            return Chart(
                "基本支出与项目支出", (f"{doc.year}年",), bars, table.unit, _source(table, basic, project),
                "基本支出保障机构运转和人员；项目支出用于完成特定工作任务。",
            )  # fmt: skip
    return Chart("基本支出与项目支出", (), (), doc.unit, "", "公开文件中没有区分基本支出和项目支出的表。")


def three_public(doc: Document) -> Chart:
    """“三公”经费, each part, this year vs last year (as the 三公 table prints them)."""
    for table in tables_by_role(doc, Role.THREE_PUBLIC):
        row = _total_row(table) or (table.rows[0] if table.rows else None)
        if row is None:
            continue
        years = [y for y in (doc.year, doc.year - 1) if any(c.startswith(f"{y}年") for c in table.columns)]
        if not years:
            continue
        parts: dict[str, list[Decimal | None]] = {}
        for col in table.columns:
            segments = col.split("/")
            year = next((y for y in years if segments[0].startswith(f"{y}年")), None)
            if year is None or len(segments) < 2 or segments[-1] == "小计":
                continue
            leaf = segments[-1]
            parts.setdefault(leaf, [None] * len(years))[years.index(year)] = _value(row, col)
        if not parts:
            continue
        # The total first ("合计"), then the parts in the table's order.
        ordered = sorted(parts.items(), key=lambda kv: kv[0] not in _SUBTOTAL_LEAVES)
        bars = tuple(Bar("三公经费合计" if k in _SUBTOTAL_LEAVES else k, tuple(v)) for k, v in ordered)
        return Chart(
            "“三公”经费：今年与去年", tuple(f"{y}年" for y in years), bars, table.unit, _source(table),
            "因公出国（境）费、公务用车购置及运行费、公务接待费。",
        )  # fmt: skip
    return Chart("“三公”经费：今年与去年", (), (), doc.unit, "", "公开文件中没有“三公”经费表。")


def key_figures(doc: Document) -> list[tuple[str, Decimal, str, str]]:
    """Headline numbers: (label, value, unit, where)."""
    out: list[tuple[str, Decimal, str, str]] = []
    table = _expense_table(doc)
    if table is not None and (row := _total_row(table)) is not None:
        now = _year_column(table, doc.year) or _total_column(table)
        before = _year_column(table, doc.year - 1)
        for label, col in ((f"{doc.year}年支出合计", now), (f"{doc.year - 1}年支出合计", before)):
            v = _value(row, col)
            if v is not None and col:
                out.append((label, v, table.unit, _source(table, col)))
    tp = three_public(doc)
    if tp.bars and tp.bars[0].values and tp.bars[0].values[0] is not None:
        out.append((f"{doc.year}年“三公”经费", tp.bars[0].values[0], tp.unit, tp.source))
    return out


# --- HTML ----------------------------------------------------------------------------------------


def _money(value: Decimal | None, unit: str) -> str:
    return "—" if value is None else escape_text(format_amount(value, unit))


def _change(now: Decimal | None, before: Decimal | None, unit: str) -> str:
    if now is None or before is None:
        return ""
    diff = now - before
    if diff == 0:
        return "<span class='bq-same'>持平</span>"
    word, cls = ("增加", "bq-up") if diff > 0 else ("减少", "bq-down")
    pct = f"（{abs(diff) / before * 100:.1f}%）" if before else ""
    return f"<span class='{cls}'>{word}{escape_text(format_amount(abs(diff), unit))}{pct}</span>"


def chart_html(chart: Chart) -> str:
    head = f"<div class='bq-chart'><h3>{escape_text(chart.title)}</h3>"
    if chart.empty:
        return head + f"<p class='bq-note'>{escape_text(chart.note or '没有数据。')}</p></div>"
    legend = "".join(
        f"<span class='bq-key'><i class='bq-s{i}'></i>{escape_text(s)}</span>"
        for i, s in enumerate(chart.series)
    )
    top = max((v for b in chart.bars for v in b.values if v is not None), default=Decimal(0))
    total = (
        sum((b.values[0] or Decimal(0) for b in chart.bars), Decimal(0)) if len(chart.series) == 1 else None
    )
    rows = []
    for bar in chart.bars:
        lines = []
        for i, v in enumerate(bar.values):
            width = 0.0 if v is None or top <= 0 else max(0.5, float(v / top * 100))
            share = f" · {float(v / total * 100):.1f}%" if total and v is not None else ""
            lines.append(
                f"<div class='bq-line'><div class='bq-bar bq-s{i}' style='width:{width:.2f}%'></div>"
                f"<span class='bq-amt'>{_money(v, chart.unit)}{share}</span></div>"
            )
        change = _change(bar.values[0], bar.values[1], chart.unit) if len(bar.values) > 1 else ""
        rows.append(
            f"<div class='bq-row'><div class='bq-label'>{escape_text(bar.label)}"
            f"{'<br>' + change if change else ''}</div><div class='bq-lines'>{''.join(lines)}</div></div>"
        )
    note = f"<p class='bq-note'>{escape_text(chart.note)}</p>" if chart.note else ""
    return (
        head + note + f"<div class='bq-legend'>{legend}<span class='bq-unit'>单位：{escape_text(chart.unit)}</span></div>"
        + "".join(rows) + f"<p class='bq-src'>数据来源：{escape_text(chart.source)}</p></div>"
    )  # fmt: skip


def overview_html(doc: Document) -> str:
    cards = "".join(
        f"<div class='bq-card' title='{escape_text(where)}'><div class='bq-card-label'>{escape_text(label)}</div>"
        f"<div class='bq-card-value'>{_money(value, unit)}</div></div>"
        for label, value, unit, where in key_figures(doc)
    )
    charts = "".join(chart_html(c) for c in (by_function(doc), basic_vs_project(doc), three_public(doc)))
    title = escape_text(f"{doc.department} {doc.year}年部门{doc.kind}")
    return f"<div class='bq-glance'><h2>{title}</h2><div class='bq-cards'>{cards}</div><div class='bq-charts'>{charts}</div></div>"


# --- tables --------------------------------------------------------------------------------------

_STATUS = {"data": "", "empty": "（无数据）", "missing": "（正文缺失）"}


def table_key(t: Table) -> str:
    return f"{t.no or 0}-{t.part}"


def table_label(t: Table) -> str:
    part = f"（之{t.part}）" if t.part > 1 else ""
    return f"表{cn_number(t.no) if t.no else '？'}{part} {t.full_title}{_STATUS.get(t.status, '')}"


def table_choices(doc: Document) -> list[tuple[str, str]]:
    return [(table_label(t), table_key(t)) for t in doc.tables]


def find_table(doc: Document, key: str | None) -> Table | None:
    return next((t for t in doc.tables if table_key(t) == key), None)


def table_frame(table: Table, query: str = "") -> pd.DataFrame:
    """A table as a person reads it: its own header, one line per printed line, as printed,
    plus the line of the source file (what the chat's sources cite). ``query`` keeps only the
    lines that contain it (科目名称, 编码, an amount …)."""
    data_cols = [c for c in table.columns if any(cell.column == c for r in table.rows for cell in r.cells)]
    label_cols = [c for c in table.columns if c not in data_cols]
    code_col = next((c for c in label_cols if "编码" in c or "代码" in c), None)
    name_cols = [c for c in label_cols if c != code_col]
    extra_name = "项目" if not name_cols and any(r.name for r in table.rows) else None
    columns = [*label_cols, *([extra_name] if extra_name else []), *data_cols, "原文行号"]
    lines: dict[int, dict[str, str]] = {}
    for r in table.rows:
        line = lines.setdefault(r.line, {"原文行号": str(r.line)})
        if r.code and code_col:
            line[code_col] = r.code
        name_col = _name_column(name_cols, r) or extra_name
        if name_col and r.name:
            line[name_col] = r.name if (r.code and code_col) or not r.code else f"{r.code} {r.name}"
        for cell in r.cells:
            line[cell.column] = cell.raw
    frame = pd.DataFrame([[line.get(c, "") for c in columns] for line in lines.values()], columns=columns)
    query = (query or "").strip()
    if query and not frame.empty:
        mask = frame.apply(lambda row: any(query.lower() in str(v).lower() for v in row), axis=1)
        frame = frame[mask]
    return frame


def _name_column(name_cols: list[str], row: Row) -> str | None:
    if not name_cols:
        return None
    if row.group:
        return next((c for c in name_cols if c.startswith(row.group)), name_cols[0])
    return next((c for c in name_cols if "名称" in c), name_cols[0])


def checks_for(report: AuditReport | None, table: Table) -> list[AuditCheck]:
    """Audit checks that involve this table's cells ('表5:…' in their cells or name)."""
    if report is None or table.no is None:
        return []
    mark = re.compile(rf"表{table.no}(?!\d)")
    return [c for c in report.checks if mark.search(c.name) or any(mark.match(cell) for cell in c.cells)]


def audit_html(report: AuditReport | None, table: Table | None) -> str:
    """The document's audit counts, then this table's: passed / failed / skipped and what failed."""
    if report is None:
        return "<div class='bq-audit'>这份文件没有审核记录。</div>"
    skipped = sum(c.skipped for c in report.checks)
    parts = [
        "<div class='bq-audit'>",
        f"<div>整份文件自动审核：<b class='bq-ok'>通过 {report.passed}</b> · "
        f"<b class='{'bq-bad' if report.failed else 'bq-ok'}'>未通过 {report.failed}</b> · 不适用 {skipped}</div>",
    ]
    if table is not None:
        mine = checks_for(report, table)
        passed = sum(c.passed and not c.skipped for c in mine)
        failed = [c for c in mine if not c.passed and not c.skipped]
        skip = sum(c.skipped for c in mine)
        if table.status != "data":
            what = "本表无数据" if table.status == "empty" else "目录列出了本表，但正文中没有提供"
            note = f"：{table.note}" if table.note else "。"
            parts.append(f"<div>{escape_text(what + note)}</div>")
        elif mine:
            icon = "✗" if failed else "✓"
            parts.append(
                f"<div>本表相关审核 {icon}：通过 {passed} · 未通过 {len(failed)} · 不适用 {skip}"
                "（合计等于分项之和、上下级科目一致、表间一致等）</div>"
            )
        else:
            parts.append("<div>本表没有适用的自动审核规则。</div>")
        if failed:
            items = "".join(f"<li>{escape_text(c.name)}：{escape_text(c.detail)}</li>" for c in failed)
            parts.append(f"<ul class='bq-failed'>{items}</ul>")
    parts.append("</div>")
    return "".join(parts)
