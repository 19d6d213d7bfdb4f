"""The narrative's amounts against the tables: a sentence's 元/万元 figure must be in a table
under the same name. A loose name match only confirms; a ×10,000 difference is a misread."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from core.records import AuditCheck, Document, Figure
from ingest.audit.common import MONEY, check, fmt, not_current, skip
from ingest.roles import Role, tables_by_role

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
    return [f for f in figures if f.origin == "table" and f.unit in MONEY and not not_current(f.source.column or "", doc)]


_SUFFIXES = ("收入", "支出", "预算", "资金", "费用", "费")


# Asked for every narrative amount × every table amount (40,000 times a disclosure, half of its
# parse time) of names that repeat: each name is worked out once.
@lru_cache(maxsize=65536)
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


def narrative_matches(doc: Document, figures: list[Figure]) -> Iterator[AuditCheck]:
    table_figs = _table_money(figures, doc)
    for fig in figures:
        if (
            fig.origin != "narrative"
            or fig.unit not in MONEY
            or fig.measure != "金额"
            or fig.source.table_no
        ):
            continue
        cands = _candidates(fig, table_figs, doc)
        name = f"正文数字与表格一致：第{fig.source.line}行 {fig.item} {fmt(fig.value)}{fig.unit}"
        if not cands:
            yield skip(name, "表格中没有可对照的项目（仅在正文中说明）", [fig.source.label()])
            continue
        equal = [c for c in cands if c.yuan == fig.yuan]
        factor = [c for c in cands if c.yuan and fig.yuan and fig.yuan in (c.yuan * 10000, c.yuan / 10000)]
        if not equal and factor:
            # the same item, 10,000 times larger or smaller: a 元 table read as 万元 or the reverse
            detail = f"与{factor[0].source.label()}相差一万倍（{fmt(factor[0].value)}{factor[0].unit}）：单位读错了"
            cells = [fig.source.label(), factor[0].source.label()]
            yield AuditCheck(name, False, detail, tuple(cells), misread=True)
            continue
        if not equal and not _firm(fig, cands, doc):
            # only a loose name match ('涉及一般公共预算拨款' ~ '一般公共预算拨款收入'): it may
            # confirm a figure, not refute one
            yield skip(name, "表格中只有名称相近的项目，无法确认是否同一项", [fig.source.label()])
            continue
        if not equal and fig.value == 0:
            yield skip(name, "正文为0，表格中对应项为空（空白即无此项金额）", [fig.source.label()])
            continue
        cells = [fig.source.label()] + [c.source.label() for c in (equal or cands)[:6]]
        detail = (
            f"与{equal[0].source.label()}一致"
            if equal
            else "表格中同名项目的数为 " + "、".join(sorted({fmt(c.value) for c in cands})[:6])
        )
        yield check(name, bool(equal), detail, cells)
