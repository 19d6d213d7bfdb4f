"""Which disclosures of the corpus a question is about.

A corpus holds, per department, a 预算 and a 决算 for each year. A question names its
department (full name, short name, abbreviation — read from each document's own name, never
from a list of departments), a year (named, or 今年/去年 relative to the newest document of that
department) and perhaps 决算 words. Several departments named, or '哪个部门…', make a question
across departments; years no one document covers make it across years. A question that names
no department, over a corpus of several, is asked back with the choices.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from core.records import Document, Scope
from core.vocab import vocabulary
from qa.question import department_mentions, department_typos

_YEAR = re.compile(r"(?<!\d)(20\d{2})(?:年度?|(?!\d))")
_OFFSETS = {"current": 0, "previous": -1, "before_previous": -2, "next": 1}


def resolve(text: str, docs: Sequence[Document], covered: Mapping[str, set[int]]) -> Scope:
    """The documents the normalised question ``text`` is about; ``covered`` = the years each
    document has figures for (a 2024 预算 also prints 2023)."""
    by_dept: dict[str, list[Document]] = {}
    for d in sorted(docs, key=lambda d: (-d.year, d.kind != "预算", d.id)):
        by_dept.setdefault(d.department, []).append(d)
    named = _named(text, by_dept)
    spans = tuple(sorted({s for ss in named.values() for s in ss}))
    if named:
        depts = sorted(named, key=lambda dep: min(named[dep]))  # in the order the question names them
    elif len(by_dept) == 1 or _all_asked(text):
        depts = list(by_dept)
    else:
        return Scope((), ask=tuple(ds[0] for ds in by_dept.values()))
    shared = _shared_mentions(named)
    if shared:
        # '科协' fits several departments' short names equally: which one is meant?
        return Scope((), ask=tuple(by_dept[dep][0] for dep in depts if dep in shared), spans=spans)
    chosen: list[Document] = []
    per_doc: list[tuple[int, ...]] = []
    years: set[int] = set()
    for k, dep in enumerate(depts):
        picked, ys = _pick(_own_part(text, named, depts, k), by_dept[dep], covered, alone=len(depts) == 1)
        if not picked:  # one department, several disclosures, and the question says not which
            return Scope((), ask=tuple(by_dept[dep]), spans=spans)
        if len(depts) > 1:
            picked = picked[:1]  # across departments: one document each
        chosen += picked
        per_doc += [tuple(sorted(ys)) if len(picked) == 1 else (d.year,) for d in picked]
        years |= ys
    if not named and _YEAR.search(text) and not _relative(text) and len(depts) > 1:
        # '2024年预算的这几个单位': the departments whose disclosure is of that year (a 2025 预算
        # printing its 2024 column is another year's disclosure); the others are not among 'these'
        # (with fewer than two left, each says what it covers)
        kept = [(d, ys) for d, ys in zip(chosen, per_doc, strict=True) if d.year == max(ys)]
        if len(kept) >= 2:
            chosen, per_doc = [d for d, _ in kept], [ys for _, ys in kept]
            depts = [d.department for d in chosen]
    across = "departments" if len(depts) > 1 else ("years" if len(chosen) > 1 else None)
    return Scope(tuple(chosen), across=across, spans=spans, years=tuple(sorted(years)), doc_years=tuple(per_doc))


def _own_part(text: str, named: Mapping[str, list[tuple[int, int]]], depts: list[str], k: int) -> str:
    """The words about the k-th department named: from its name to the next department's, when
    they say a year of their own ('妇联今年的…比档案馆2024年的'); else the whole question
    ('科协和妇联2024年的…': the year is both's)."""
    if len(depts) < 2 or depts[k] not in named:
        return text
    start = min(named[depts[k]])[0]
    ends = [min(named[d])[0] for d in depts if d in named and min(named[d])[0] > start]
    part = text[start : min(ends, default=len(text))]
    return part if _years_said(part) else text


def _years_said(text: str) -> bool:
    return bool(_YEAR.search(text)) or _relative(text)


def _named(text: str, by_dept: Mapping[str, list[Document]]) -> dict[str, list[tuple[int, int]]]:
    """Departments the text names, with where; a name inside a longer one another department
    matches ('科协' inside '渝北区科协') is that other department's."""
    found = department_mentions(text, [ds[0] for ds in by_dept.values()])
    # '档按馆', '卫建委跟农业农村委': one wrong character in a department's own name, where the
    # text names no other department
    taken = [s for spans in found.values() for s in spans]
    for dep in by_dept:
        if dep not in found:
            spans = [t for t in department_typos(text, dep) if not any(t[0] < e and s < t[1] for s, e in taken)]
            if spans:
                found[dep] = spans
    out = {}
    for dep, spans in found.items():
        others = [s for d, ss in found.items() if d != dep for s in ss]
        kept = [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and o != s for o in others)]
        if kept:
            out[dep] = kept
    return out


def _shared_mentions(named: Mapping[str, list[tuple[int, int]]]) -> set[str]:
    """The departments a mention of the question fits together with another one ('科协' when
    the corpus has several 科协): none of them is meant more than the others."""
    by_span: dict[tuple[int, int], set[str]] = {}
    for dep, spans in named.items():
        for s in spans:
            by_span.setdefault(s, set()).add(dep)
    return {dep for deps in by_span.values() if len(deps) > 1 for dep in deps}


# '这几个单位', '这么多单位里', '几个部门', '每家': every department, as a construction (the
# vocabulary's all_departments list names the fixed phrases)
_EVERY = re.compile(r"(?:这|那)?(?:几|些|么多|多|所有|全部|各|每)(?:个|家|所)?(?:单位|部门|机构)|每一?家")


def all_departments(text: str) -> list[tuple[int, int]]:
    """Spans of the words asking about every department of the corpus."""
    words = vocabulary().corpus.get("all_departments", ())
    spans = [m.span() for w in words for m in re.finditer(re.escape(w), text)]
    return spans + [m.span() for m in _EVERY.finditer(text)]


def _all_asked(text: str) -> bool:
    return bool(all_departments(text))


def _pick(
    text: str, docs: list[Document], covered: Mapping[str, set[int]], alone: bool = True
) -> tuple[list[Document], set[int]]:
    """One department's document(s) for the question: 决算 when it asks for one; one per year
    when no single document covers the years asked. A question about this department alone
    that names no year, while it has several disclosures, gets none (the caller asks back);
    beside other departments it is the newest."""
    v = vocabulary()
    final = any(w in text for w in v.corpus.get("final", ()))
    pool = [d for d in docs if d.kind == "决算"] if final else docs
    pool = pool or docs
    years = _years(text, docs[0])
    if not years:
        if alone and len(pool) > 1:
            return [], years
        return [next((d for d in pool if d.kind == "预算"), pool[0]) if "预算" in text else pool[0]], years
    covering = [d for d in pool if years <= covered.get(d.id, {d.year})]
    if covering:
        # the document of the latest year asked, else the newest that prints it
        budget = "预算" in text and not final  # '2023年预算': the 预算 that prints it, before the 决算
        best = sorted(covering, key=lambda d: (budget and d.kind != "预算", d.year != max(years), -d.year))[0]
        return [best], years
    per_year = []
    for y in sorted(years):
        # '2023年决算比2024年预算': the 决算 where there is one, else the year's own document
        d = next((d for ds in (pool, docs) for d in ds if d.year == y), None)
        d = d or next((d for d in docs if y in covered.get(d.id, ())), None)
        if d is None:
            return [pool[0]], years  # a year no document has: the newest says what it covers
        per_year.append(d)
    return list(dict.fromkeys(per_year)), years


def absolute_years(text: str, picked: Document, docs: Sequence[Document]) -> str:
    """'档案馆去年接待费预算' over its 2025 and 2024 disclosures: 去年 is 2024 (relative to the
    department's newest), and the 2024 document that answers must read it so, not as its own
    去年 (2023). The relative words become the years they stood for; unchanged when the picked
    document is the newest."""
    mine = sorted((d for d in docs if d.department == picked.department), key=lambda d: (-d.year, d.kind != "预算"))
    newest = mine[0] if mine else picked
    if newest.id == picked.id:
        return text
    v = vocabulary()
    words = {w: key for key in _OFFSETS for w in v.years.get(key, ())}
    pattern = "|".join(sorted(map(re.escape, words), key=len, reverse=True))

    def year_of(m: re.Match[str]) -> str:
        offset = _OFFSETS[words[m.group()]]
        y = newest.year if newest.kind == "决算" and offset in (0, -1) else newest.year + offset
        return f"{y}年"

    return re.sub(pattern, year_of, text) if pattern else text


def _relative(text: str) -> bool:
    """Does the text say a year relative to now ('今年', '上一年')?"""
    v = vocabulary()
    return any(w in text for key in (*_OFFSETS, "both") for w in v.years.get(key, ()))


def _years(text: str, newest: Document) -> set[int]:
    """Years named, and 今年/去年 … relative to the department's newest document (a 决算 is read
    the year after: its 今年/去年 is its own year)."""
    v = vocabulary()
    out = {int(m.group(1)) for m in _YEAR.finditer(text)}
    for key, offset in _OFFSETS.items():
        if any(w in text for w in v.years.get(key, ())):
            out.add(newest.year if newest.kind == "决算" and offset in (0, -1) else newest.year + offset)
    if any(w in text for w in v.years.get("both", ())):  # '这两年': the newest year and the one before
        out |= {newest.year, newest.year - 1}
    return out
