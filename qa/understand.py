"""Read a Chinese question: normalise it, find what it asks (intent), about which items,
for which year and which table. Deterministic: rules and the catalogue, no model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.text import cn_to_int, department_aliases, normalize_question
from ingest.roles import Role
from qa.catalog import Catalog, Entry, fold

# Colloquial words → the disclosure's terms. Applied before matching; the original question is
# kept for display.
SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"请客吃饭|吃吃喝喝|招待费|接待客人", "公务接待费"),
    (r"(?:买|购买|购置|新购)(?:公车|车子|新车|车辆|车)", "公务用车购置费"),
    (
        r"(?:公车|车子)(?:的|一年的?)?(?:运行维护费|运行费|维护费|运行|维护|经费|开销|开支|花费)?",
        "公务用车运行维护费",
    ),
    (r"(?<!因公)出国(?:出境)?(?:的钱|费)?(?![(（]境)", "因公出国(境)费"),
    (r"养人的钱|人头费|人员开支", "人员经费"),
    (r"看病", "卫生健康支出"),
    (r"新车|车子(?!的?(?:运行|维护))", "车辆"),
    (r"发工资", "工资"),
    (r"三工经费|三公费用|三公开支", "三公经费"),
    (r"(?<!三)公用经费", "日常公用经费"),
    (r"日常日常公用经费", "日常公用经费"),
    (r"机关运行费(?!用)", "机关运行经费"),
    (r"出差", "差旅"),
    (r"开会的?", ""),
)

_CUR_WORDS = ("今年", "本年", "当年", "本年度", "今年度")
_PREV_WORDS = ("去年", "上年", "上一年", "前一年", "上年度", "上一年度")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CODE = re.compile(r"(?<!\d)(\d{3}|\d{5}|\d{7})(?!\d)")
_TABLE_NO = re.compile(r"表\s*([一二三四五六七八九十]+|\d{1,2})(?![\u4e00-\u9fff]*总表)")

INTENT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("reason", r"为什么|为啥|原因|怎么会|何故|缘故"),
    (
        "define",
        r"什么是|是什么意思|指的是|指什么|的定义|定义是|包括哪些|包括什么|含义|主要包括|用在哪些|用于哪些|干什么用|是干什么的|包含哪些|做什么|干什么|干啥|用途",
    ),
    ("share", r"占.{0,20}(?:比|百分|多少|几)|比重|占比|比例"),
    ("growth", r"增长率|增幅|百分之|百分比|变化了?百分|降了百分|增长了?多少%|下降了?多少%"),
    (
        "diff",
        r"(?:比|较).{0,10}(?:少了|多了|增加了|减少了|降了|涨了|下降了|增长了)(?!多少%)|增长了?多少(?!%|百分)|增加了?多少|减少了?多少|多了多少|少了多少|多多少|少多少|多出多少|相差|差多少|差额|减去|变化了?多少|降了多少|涨了多少",
    ),
    (
        "sum",
        r"加起来|合起来|加在一起|加上|总和|加(?!起来).{1,30}(?:一共|共计|总共|合计)|两年.{0,6}(?:合计|一共|共)|(?:和|与|、).{1,30}(?:合计|一共|共计|总共)",
    ),
    ("count", r"几个|几辆|几台|几项|几次|几张|几条|几类|多少个|多少辆|多少张|多少条|多少项|多少次|多少台"),
    (
        "text",
        r"哪些|是谁|叫什么|哪个|哪里|怎么样|如何|什么关系|什么目标|什么文件|什么类型|有什么|是什么|有没有|吗[?？]?$",
    ),
)


@dataclass
class Match:
    entry: Entry
    start: int
    end: int
    fuzzy: bool = False
    exact: bool = True  # the whole name (or the code), not a shortened variant


@dataclass
class Query:
    raw: str
    text: str  # normalised and with synonyms applied
    doc_year: int
    intent: str = "value"
    years: list[int] = field(default_factory=list)
    other_years: list[int] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    table_nos: list[int] = field(default_factory=list)
    roles: set[Role] = field(default_factory=set)
    wants_wan: bool = False
    places: int | None = None
    signed: bool = False
    matches: list[Match] = field(default_factory=list)

    @property
    def prev_year(self) -> int:
        return self.doc_year - 1

    def has(self, *words: str) -> bool:
        return any(w in self.text for w in words)


def normalise(question: str) -> str:
    text = fold(normalize_question(question))
    for pattern, repl in SYNONYMS:
        text = re.sub(pattern, repl, text)
    return text


def understand(question: str, catalog: Catalog, doc_id: str) -> Query:
    doc = catalog.docs[doc_id]
    projects = {e.project for e in catalog.entries_of(doc_id) if e.project}
    text = expand_project_abbreviations(normalise(question), projects, catalog.texts.get(doc_id, ""))
    q = Query(raw=question, text=text, doc_year=doc.year)
    q.years, q.other_years = _years(text, doc.year)
    q.codes = _CODE.findall(text)
    q.table_nos = [_cn(m) for m in _TABLE_NO.findall(text)]
    q.roles = _roles(text)
    q.intent = _intent(text)
    q.wants_wan = bool(re.search(r"万元|多少万|几万|万块", text))
    q.places = _places(text)
    q.signed = bool(re.search(r"正负|负数|负号|减去|变化|增长率", text))
    q.matches = match_entries(text, catalog, doc_id, q.codes)
    return q


def expand_project_abbreviations(text: str, projects: Iterable[str], source: str = "") -> str:
    """'老科技服务团' → '老科技工作者服务团经费'. People shorten a 绩效 project's name by dropping
    characters and keeping the rest in order. A run of the question that starts like exactly one
    project's name, is an in-order subsequence of it, holds at least 4 characters and half the
    name, and is not itself a phrase of the disclosure ('科普经费' is a project of its own) is read
    as that project."""
    names = sorted({fold(p) for p in projects if p}, key=len, reverse=True)
    for name in names:
        if name in text:
            continue
        runs = {run for i in range(len(text)) if (run := _subsequence_run(text, i, name))}
        for run in sorted(runs, key=len, reverse=True):
            others = [n for n in names if n != name and _subsequence_run(run, 0, n) == run]
            if len(run) >= max(4, len(name) / 2) and run not in source and not others:
                text = text.replace(run, name)
                break
    return text


def _subsequence_run(text: str, start: int, name: str) -> str:
    """The longest run text[start:j] whose characters occur in ``name`` in order, name[0] first."""
    if not text[start:] or text[start] != name[0]:
        return ""
    pos, j = 1, start + 1
    while j < len(text) and (found := name.find(text[j], pos)) >= 0:
        pos, j = found + 1, j + 1
    return text[start:j]


def _years(text: str, doc_year: int) -> tuple[list[int], list[int]]:
    years: list[int] = []
    other: list[int] = []
    stripped = re.sub(r"截至\s*\d{4}\s*年\s*\d{1,2}\s*月底?|〔\d{4}〕|\[\d{4}\]", "", text)
    for m in _YEAR.finditer(stripped):
        y = int(m.group(1))
        (years if y in (doc_year, doc_year - 1) else other).append(y)
    # '当年' after an explicit year means that year, not the disclosure's.
    cur_words = _CUR_WORDS if not years else tuple(w for w in _CUR_WORDS if w != "当年")
    if any(w in text for w in cur_words):
        years.append(doc_year)
    if any(w in text for w in _PREV_WORDS):
        years.append(doc_year - 1)
    return list(dict.fromkeys(years)), other


_ROLE_HINTS: tuple[tuple[str, tuple[Role, ...]], ...] = (
    (r"财政拨款收支", (Role.APPROPRIATION_TOTAL,)),
    (r"(?<!财政拨款)收支(?:预算)?总表", (Role.INCOME_EXPENSE_TOTAL,)),
    (r"支出(?:预算)?总表", (Role.EXPENSE_TOTAL,)),
    (r"收入(?:预算)?总表", (Role.INCOME_TOTAL,)),
    (r"三公经费(?:支出)?(?:预算)?表", (Role.THREE_PUBLIC,)),
    (r"整体绩效", (Role.PERF_OVERALL,)),
    (r"重点项目绩效", (Role.PERF_KEY,)),
    (r"一般项目|项目绩效", (Role.PERF_GENERAL,)),
    (r"政府(?:预算)?(?:支出)?经济(?:分类|科目)", (Role.BASIC_ECON_GOV, Role.PROJECT_ECON_GOV)),
    (r"部门(?:预算)?(?:支出)?经济(?:分类|科目)", (Role.BASIC_ECON_DEPT, Role.PROJECT_ECON_DEPT)),
    (r"政府性基金", (Role.FUND_EXPENSE,)),
    (r"国有资本", (Role.SOE_EXPENSE,)),
)


def _roles(text: str) -> set[Role]:
    roles: set[Role] = set()
    for pattern, found in _ROLE_HINTS:
        if re.search(pattern, text):
            roles.update(found)
    return roles


def _intent(text: str) -> str:
    for intent, pattern in INTENT_PATTERNS:
        if re.search(pattern, text):
            return intent
    return "value"


def _places(text: str) -> int | None:
    m = re.search(r"(?:保留|精确到)\s*(?:([一二两三0-9])\s*位小数|0\.(0*)1)", text)
    if not m:
        return None
    if m.group(1):
        return {"一": 1, "二": 2, "两": 2, "三": 3}.get(
            m.group(1), int(m.group(1)) if m.group(1).isdigit() else 1
        )
    return len(m.group(2)) + 1


def _cn(token: str) -> int:
    return cn_to_int(token)


# --- matching entries ------------------------------------------------------------------------


def match_entries(text: str, catalog: Catalog, doc_id: str, codes: list[str]) -> list[Match]:
    entries = catalog.entries_of(doc_id)
    text = _blank_department(text, catalog.docs[doc_id].department)
    found: list[Match] = []
    for e in entries:
        full = fold(e.name)
        for v in e.variants:
            start = text.find(v)
            while start >= 0:
                found.append(Match(e, start, start + len(v), exact=v == full))
                start = text.find(v, start + 1)
        if e.code and e.code in codes:
            pos = text.find(e.code)
            found.append(Match(e, pos, pos + len(e.code)))
    # '三公经费表里' names the table, not the item.
    found = [
        m for m in _drop_contained(found) if not text.startswith("表", m.end) or m.entry.kind == "column"
    ]
    found = [m for m in found if not _names_the_department(m, text, catalog.docs[doc_id].department, codes)]
    if not any(m.entry.kind != "narrative" for m in found):
        found += _fuzzy(text, entries, catalog.texts.get(doc_id, ""))
    return found


def _blank_department(text: str, department: str) -> str:
    """The department's own name or abbreviation ('农业农村委', '文旅委') is not an item: blank it
    out (same length, so positions stay valid)."""
    for name in sorted({fold(department), *map(fold, department_aliases(department))}, key=len, reverse=True):
        if len(name) >= 3:
            text = text.replace(name, "　" * len(name))
    return text


def _names_the_department(m: Match, text: str, department: str, codes: list[str]) -> bool:
    """'档案馆2024年预算总收入' is about the 档案馆 (the department), not its 2012604 档案馆 row."""
    name = fold(m.entry.name)
    return (
        m.entry.kind != "narrative"
        and len(name) >= 3
        and fold(department).endswith(name)
        and not (m.entry.code and m.entry.code in codes)
    )


def _drop_contained(matches: list[Match]) -> list[Match]:
    """'公务用车运行维护费' wins over '运行维护费' inside it; equal spans all stay (several tables)."""
    keep = []
    for m in matches:
        longer = any(
            o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start) for o in matches
        )
        # On the same words, a whole-name match beats a shortened variant of a longer name.
        shadowed = not m.exact and any(o.exact and (o.start, o.end) == (m.start, m.end) for o in matches)
        if not longer and not shadowed:
            keep.append(m)
    return keep


_FUNCTION_CHARS = set("多少几是的了么吗呢啊吧和与及在有为")


def _fuzzy(text: str, entries: list[Entry], source: str) -> list[Match]:
    """One wrong character ('公无接待费', '住房公基金'): the same length, one substitution.

    A window that is itself a word of the disclosure ('办公室', '机关运行') is not a typo, and a
    question word in the differing place ('培训多') is not one either.
    """
    best: list[Match] = []
    best_len = 0
    for e in entries:
        if e.kind == "narrative":
            continue
        for v in e.variants:
            n = len(v)
            if n < 3 or n < best_len:
                continue
            for i in range(len(text) - n + 1):
                window = text[i : i + n]
                diff = [k for k in range(n) if window[k] != v[k]]
                if len(diff) == 1 and diff[0] > 0 and window[diff[0]] not in _FUNCTION_CHARS:
                    if window in source:
                        continue
                    if n > best_len:
                        best, best_len = [], n
                    best.append(Match(e, i, i + n, fuzzy=True))
    return best
