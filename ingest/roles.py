"""What a table is, from its title: the standard set of 部门预算/决算 tables.

Numbering differs between 预算 and 决算 disclosures (and between provinces), so checks and
lookups identify a table by its role, never by its number.
"""

from __future__ import annotations

from enum import StrEnum

from core.records import Document, Table


class Role(StrEnum):
    INCOME_EXPENSE_TOTAL = "收支总表"
    INCOME_TOTAL = "收入总表"
    EXPENSE_TOTAL = "支出总表"
    APPROPRIATION_TOTAL = "财政拨款收支总表"
    GENERAL_EXPENSE = "一般公共预算支出表"
    BASIC_ECON_DEPT = "基本支出表（部门经济分类）"
    BASIC_ECON_GOV = "基本支出表（政府经济分类）"
    PROJECT_ECON_DEPT = "项目支出表（部门经济分类）"
    PROJECT_ECON_GOV = "项目支出表（政府经济分类）"
    THREE_PUBLIC = "三公经费表"
    FUND_EXPENSE = "政府性基金表"
    SOE_EXPENSE = "国有资本经营表"
    PROJECT_DETAIL = "项目支出明细表"
    PROCUREMENT = "政府采购表"
    PERF_OVERALL = "整体绩效目标表"
    PERF_KEY = "重点项目绩效目标表"
    PERF_GENERAL = "一般项目绩效目标表"
    OTHER = "其他"


def role_of(table: Table) -> Role:
    t = (table.title + (table.subtitle or "")).replace(" ", "")
    gov = "政府预算" in (table.subtitle or "") or "政府预算支出经济分类" in t or "政府经济分类" in t
    rules: list[tuple[bool, Role]] = [
        ("三公" in t, Role.THREE_PUBLIC),
        ("绩效" in t and "整体" in t, Role.PERF_OVERALL),
        ("绩效" in t and "重点" in t, Role.PERF_KEY),
        ("绩效" in t, Role.PERF_GENERAL),
        ("政府采购" in t, Role.PROCUREMENT),
        ("项目支出明细" in t or "项目明细" in t, Role.PROJECT_DETAIL),
        # '项目支出预算表' without an economic classification lists projects, it is no expense total
        ("项目支出" in t and "一般公共预算" not in t and "经济分类" not in t, Role.PROJECT_DETAIL),
        ("政府性基金" in t, Role.FUND_EXPENSE),
        ("国有资本经营" in t, Role.SOE_EXPENSE),
        ("财政拨款收" in t and "总表" in t, Role.APPROPRIATION_TOTAL),
        (("收支" in t and "总表" in t) or ("收入支出" in t and "总表" in t), Role.INCOME_EXPENSE_TOTAL),
        ("收入" in t and ("总表" in t or t.endswith(("收入预算表", "收入决算表"))), Role.INCOME_TOTAL),
        ("基本支出" in t, Role.BASIC_ECON_GOV if gov else Role.BASIC_ECON_DEPT),
        ("项目支出" in t and "一般公共预算" in t, Role.PROJECT_ECON_GOV if gov else Role.PROJECT_ECON_DEPT),
        ("一般公共预算" in t and "支出" in t, Role.GENERAL_EXPENSE),
        ("支出" in t and ("总表" in t or t.endswith(("支出预算表", "支出决算表"))), Role.EXPENSE_TOTAL),
    ]
    return next((role for hit, role in rules if hit), Role.OTHER)


def tables_by_role(doc: Document, role: Role) -> list[Table]:
    return [t for t in doc.tables if t.status == "data" and role_of(t) is role]
