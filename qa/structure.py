"""Counts the disclosure shows by its structure rather than as a printed number: the tables its
目录 lists, the 科目 under a code, a project's 绩效 indicators, the numbered items of a section,
the 类/项 of the classification. Each count lists what it counted, with a formula."""

from __future__ import annotations

import re
from decimal import Decimal

from core.records import Document, Result
from core.vocab import fold
from ingest.roles import Role, role_of
from qa import calc as C
from qa import compose as W
from qa.match import Mention
from qa.ops import Env
from qa.question import Question
from qa.readings import Draft, Reading


def structural_counts(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    doc = env.doc
    found: list[tuple[list[str], str, list[tuple[int, int]]]] = []
    if re.search(r"(多少|几)张(表|报表)|表格.{0,4}(多少|几)", q.text) and doc.toc:
        found.append(([t for _, t in doc.toc], "目录列出的表", [m.span() for m in re.finditer(r"张表|表格|报表|部门预算公开表|公开表|目录", q.text)]))
    for m in ms:
        for e in m.entries:
            if e.code and re.search(r"下面|下级|明细|包括|列了|几个科目|多少个科目|几项科目", q.text):
                table = next((t for t in doc.tables if t.no == e.table_no and t.part == e.part), None)
                kids = [r.label for r in table.rows if r.parent_code == e.code] if table else []
                if kids:
                    found.append((kids, f"表{W.cn(e.table_no)}中{e.code}下的明细科目", [m.span]))
                    break
    if re.search(r"(?:几|多少)(?:个|项|条)?(?:绩效)?指标|指标.{0,3}(?:几|多少)(?:个|项|条)", q.text):
        project = next((h.entry.project for m in ms for h in m.hits if h.entry.project), None)
        role = Role.PERF_OVERALL if "整体" in q.text else None
        names = [
            e.name
            for e in env.entries()
            if e.kind == "indicator" and ((project and e.project == project) or (role and e.role is role))
        ]
        if names:
            spans = [m.span for m in ms] + [(s.start(), s.end()) for s in re.finditer("绩效指标|指标|整体", q.text)]
            found.append((names, f"{project or '部门整体绩效目标'}的绩效指标", spans))
    if re.search(r"(几|多少)条", q.text):
        section = _section_named(q, doc)
        if section is not None:
            body = "".join(p.text for p in section.paragraphs)
            pieces = re.split(r"(?:^|(?<=[。；;]))\s*\d{1,2}[.．、]", body)
            items = [re.split(r"[。；;，,]", p)[0] for p in pieces if p.strip()]
            heading = re.sub(r"^[(（][一二三四五六七八九十]+[)）]\s*", "", section.heading)
            found.append((items, f"“{section.heading}”列出的条目", [(q.text.find(fold(heading)), q.text.find(fold(heading)) + len(fold(heading)))]))
    if re.search(r"项级科目", q.text):
        found.append((_codes_of_length(doc, 7), "功能分类项级科目", [(q.text.find("项级科目"), q.text.find("项级科目") + 4)]))
    elif re.search(r"类级|几类|多少类|“类”", q.text):
        found.append((_codes_of_length(doc, 3), "功能分类类级科目", [m.span() for m in re.finditer(r"类级|几类|多少类", q.text)]))
    out = []
    for items, what, spans in found:
        if not items:
            continue
        n = len(items)
        unit = "张" if "张" in q.text else "条" if "条" in q.text else "个"
        calc = C.tally(n, unit)
        text = f"{what}共{n}{unit}：{'、'.join(items[:25])}。"
        draft = Draft("answered", text, results=[Result(Decimal(n), unit, what)], calcs=[calc])
        out.append(Reading("count", draft, spans=[s for s in spans if s[0] >= 0], quality=0.95))
    return out


def _section_named(q: Question, doc: Document):
    for s in doc.sections:
        heading = fold(re.sub(r"^[(（][一二三四五六七八九十]+[)）]\s*", "", s.heading))
        if s.heading and heading and heading in q.text:
            return s
    return None


def _codes_of_length(doc: Document, n: int) -> list[str]:
    for t in doc.tables:
        if role_of(t) is Role.GENERAL_EXPENSE:
            return [r.label for r in t.rows if r.code and len(r.code) == n]
    return []
