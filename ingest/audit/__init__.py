"""The checks a careful staff member makes on a disclosure, run on every ingest.

Each check records pass/fail, a Chinese detail and the cells involved. A check that does not
apply (a growth rate from a zero base, a change whose previous-year figure is not in any table)
is recorded as skipped, never as passed.

One module per kind of check: ``tables`` (within one table), ``totals`` (across tables),
``narrative`` (the narrative's amounts against the tables), ``stated`` (stated changes and
shares recomputed); ``common`` holds what they share, including the rounding rule for stated
percentages (``matches_rounded``).
"""

from __future__ import annotations

from core.records import AuditCheck, AuditReport, Document, Figure
from ingest.audit.common import matches_rounded
from ingest.audit.narrative import narrative_matches
from ingest.audit.stated import stated_changes, stated_shares
from ingest.audit.tables import basic_plus_project, parent_sums, personnel_plus_public, side_totals
from ingest.audit.totals import cross_table, three_public
from ingest.roles import Role, role_of

__all__ = ["audit", "matches_rounded"]


def audit(doc: Document, figures: list[Figure]) -> AuditReport:
    checks: list[AuditCheck] = []
    for table in doc.tables:
        if table.status != "data" or table.form:
            continue
        if role_of(table) not in (Role.PROJECT_DETAIL, Role.PROCUREMENT):
            # Project and procurement lists carry 科目编码 as a label, not a hierarchy.
            checks += parent_sums(doc, table)
        checks += basic_plus_project(doc, table)
        checks += personnel_plus_public(doc, table)
        checks += side_totals(doc, table)
    checks += three_public(doc)
    checks += cross_table(doc)
    checks += narrative_matches(doc, figures)
    checks += stated_changes(doc, figures)
    checks += stated_shares(doc, figures)
    return AuditReport(doc.id, tuple(checks))
