"""Read a question once: normalise it and find its cue words — years, operations, units,
columns, table hints, fillers — each with its position, so a reading can say which words of
the question it accounts for. Deterministic; the vocabulary is data (core/vocabulary.toml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from core.records import Document
from core.text import (
    cn_to_int,
    department_aliases,
    department_core,
    normalize_question,
    place_ends,
    short_department,
)
from core.vocab import fold, vocabulary
from ingest.roles import Role
from qa.approx import Approx, approximate_amounts

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?(?:度)?")
_CODE = re.compile(r"(?<![\d.])(\d{3}|\d{5}|\d{7})(?![\d.])")
_TABLE_NO = re.compile(r"(?:附)?表\s*([一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九]|\d{1,2})(?![\d])")
_PLACES = re.compile(r"(?:(?:保留|精确到|取)\s*)?(?:([一二两三四0-9])\s*位小数|小数点后\s*([一二两三0-9])\s*位|0\.(0*)1)")
_HAN = re.compile(r"[\u3400-\u9fff]")
_COMPARE_BEFORE = re.compile(r"(?:比|较|对比|相较于?|相对于?|比起)$")
_WITH_BEFORE = re.compile(r"(?:和|与|跟|同)$")  # a comparison only when 相比/比 follows the year
# '2023年相比', '2023年比较' — but '2024年比2023年': a year before 比 is what is compared
_COMPARE_AFTER = re.compile(r"^(?:的?(?:相比|比(?=[，,。？?]|$)|比较|对比|来比|相较))")
_ROLES = {r.value: r for r in Role}
_ECON = re.compile(r"(政府|部门)(?:预算)?(?:支出)?经济(?:分类|科目)(?:科目)?")
# '最大的几项', '花钱最多的几个', '前几名': a ranking's top few (qa.overview._top_n)
_SUPERLATIVE_BEFORE = re.compile(r"(?:最[大多高少小低贵]的?|前)$")
# 'where does the money come from': the income side
_SOURCES = re.compile(
    r"(?:钱|经费|资金|收入|预算)(?:都|主要|是|都是)*(?:从哪里来|从哪儿来|从哪来|从哪|哪来|哪儿来|哪里来|来源|来自|怎么来)(?:的)?"
)
# '两年'/'三年' enumerate years too; '一年' is just 'per year' ('一年花多少'), and '一个人' is
# 'per person' ('一个人一年补助多少'), not the top one.
_TOP_N = re.compile(
    r"(?:前)?(?<!\d)(?:(?:[一二两三四五六七八九十]{1,2}|\d{1,2})(?:样|项|个|名|位|类|笔|大)|(?:[二两三四五六七八九]|[2-9])年)"
    r"(?![月年日元万%\d])(?!(?<=一个)人)"
)
# '怎么' before a change is 'why' ('怎么比去年还少了', '怎么没花完'), not 'how'
# 'which' + a few words + the kind of row: the rows themselves are asked ('哪些项级科目', '哪几项功能
# 科目', '哪些款级支出'), as the vocabulary's 哪些科目 asks them
_HOW_COME = re.compile(r"(?P<how>怎么|咋)(?:会|还|就|又|突然)?[^,.?!;，。？！；]{0,8}?(?:少了|多了|减少|增加|下降|上升|降了|涨了|没花完|花不完|超了|超支|结余)")
# Either direction asked ('多还是少', '是涨是跌', '增加了还是减少了'): which way it changed,
# whatever the pair of words (the vocabulary's change list names whole phrases; this is the shape)
_UP, _DOWN = r"(?:多|增加|增长|增|涨|上升|升|提高|高)", r"(?:少|减少|下降|减|降低|降|跌|低)"
_EITHER_WAY = re.compile(rf"是?{_UP}了?(?:还是|或是|是){_DOWN}了?|是?{_DOWN}了?(?:还是|或是|是){_UP}了?")
_NOT_COUNTERS = ("项目", "人员", "人数", "人民", "家庭", "名称", "场所", "件事", "台账", "类别", "期间")
_PEOPLE = re.compile(r"(?:几|多少)(?:个|名|位)?[\u4e00-\u9fff]{0,5}?(?:人员|人数|人口|职工|工作人员|干部|员工|编制|人(?![次民大才]))")
# The grand total in so many words: '预算合计', '财政拨款支出一共', '一般公共预算支出合计', '全部支出'.
_TOTAL = re.compile(
    r"(?:一般公共预算)?(?:财政拨款)?(?:支出|预算|收入)(?:预算|决算)?(?:的)?(?:合计|总计|总额|总数|一共|总共|共计|规模)"
    r"|(?:总|全部|整体|所有|全年)(?:的)?(?:预算|支出|收入|经费|拨款)"
    r"|(?:一共|总共|合计|总计)(?:预算|安排|花|支出|收入|拨)(?:了)?(?:多少)"
)


@dataclass(frozen=True)
class Cue:
    """A word of the question with what it means: ``kind`` is op / year / unit / measure / table /
    level / total / filler / context / particle / code / table_no / department / places / class."""

    start: int
    end: int
    kind: str
    value: str

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass
class Question:
    raw: str
    text: str  # normalised once (NFKC, simplified, folded, synonyms applied); positions refer to it
    doc: Document
    cues: list[Cue] = field(default_factory=list)
    years: list[int] = field(default_factory=list)  # years asked, in the order named
    base_year: int | None = None  # the year compared against ('比去年' → doc year - 1)
    out_of_range: list[int] = field(default_factory=list)  # years the document cannot have
    unit_asked: str | None = None  # 万元, 元, %, or a counting word (次, 个, 辆 …)
    places: int | None = None
    codes: list[str] = field(default_factory=list)
    table_nos: list[int] = field(default_factory=list)
    roles: set[Role] = field(default_factory=set)
    measures: list[str] = field(default_factory=list)  # column leaves named (基本支出, 决算 …)
    level: int | None = None  # 类 3 / 款 5 / 项 7 / 0 = the finest rows
    item_positions: set[int] = field(default_factory=set)  # words some item hit stands for
    approx: list[Approx] = field(default_factory=list)  # rough amounts the asker states ('两百多万')

    def ops(self) -> set[str]:
        return {c.value for c in self.cues if c.kind == "op"}

    def has_op(self, *ops: str) -> bool:
        return bool(self.ops() & set(ops))

    def cue_spans(self, *kinds: str) -> list[tuple[int, int]]:
        return [c.span for c in self.cues if c.kind in kinds]

    def op_spans(self, op: str) -> list[tuple[int, int]]:
        return [c.span for c in self.cues if c.kind == "op" and c.value == op]

    def has(self, *words: str) -> bool:
        return any(w in self.text for w in words)


def normalise(raw: str) -> str:
    """NFKC, traditional → simplified, no spaces or quotes, phrase synonyms applied."""
    text = fold(normalize_question(raw or ""))
    for word, target in sorted(vocabulary().synonyms.items(), key=lambda kv: -len(kv[0])):
        text = _replace_outside(text, word, target)
    return text


def _replace_outside(text: str, word: str, target: str) -> str:
    """Replace ``word`` unless it is already part of ``target`` (采购 inside 政府采购)."""
    if word not in text or word == target:
        return text
    protected = [(m.start(), m.end()) for m in re.finditer(re.escape(target), text)]
    out, pos = [], 0
    for m in re.finditer(re.escape(word), text):
        if any(s <= m.start() and m.end() <= e for s, e in protected):
            continue
        out += [text[pos : m.start()], target]
        pos = m.end()
    return "".join(out) + text[pos:] if out else text


@lru_cache(maxsize=1)
def _comparison() -> re.Pattern[str]:
    words = "|".join(sorted(map(re.escape, vocabulary().units["comparatives"]), key=len, reverse=True))
    # 比 + what is compared against (a few words) + a direction word + at most a verb + 多少/几
    return re.compile(rf"比[^，,。？?！!；;]{{1,16}}?(?P<how>(?:{words})[^，,。？?！!；;多少几百%]{{0,4}}?(?:多少|几))")


def _comparison_cues(q: Question) -> None:
    """'X比Y省了多少', 'X比Y多支出了多少元': a comparison asking how much, whatever its verb, is a
    difference (the vocabulary's diff list names the usual phrasings; this is the construction)."""
    for m in _comparison().finditer(q.text):
        if not any(c.kind == "op" and c.value in ("diff", "growth") and m.start() <= c.start < m.end() for c in q.cues):
            q.cues.append(Cue(m.start("how"), m.end("how"), "op", "diff"))


def read(raw: str, doc: Document, covered_years: set[int] | None = None) -> Question:
    """The question's cue words and slots, against one document (its year resolves 今年/去年)."""
    text = normalise(raw)
    q = Question(raw=raw, text=text, doc=doc)
    v = vocabulary()
    _department_cues(q)
    _year_cues(q, covered_years or {doc.year, doc.year - 1})
    for m in _CODE.finditer(text):
        if not _inside(m.span(), q.cue_spans("year")):
            q.codes.append(m.group(1))
            q.cues.append(Cue(m.start(), m.end(), "code", m.group(1)))
    for m in _TABLE_NO.finditer(text):
        q.table_nos.append(cn_to_int(m.group(1)))
        q.cues.append(Cue(m.start(), m.end(), "table_no", m.group(1)))
    if m := _PLACES.search(text):
        q.places = _places(m)
        q.cues.append(Cue(m.start(), m.end(), "places", str(q.places)))
    # '油费维修费啥的', '会议费什么的': 'and such' after a list asks nothing
    etc = [(s, s + len(w)) for w in v.units.get("etc", ()) for s in _all(text, w)]
    for s, e in etc:
        q.cues.append(Cue(s, e, "filler", text[s:e]))
    for cue, op in v.cues():
        for start in _all(text, cue):
            if any(s <= start and start + len(cue) <= e for s, e in etc):
                continue
            if op == "diff" and text[start - 1 : start] in ("至", "最") and cue[0] in "少多":
                continue  # '至少多少场次', '最多多少': a bound of a target, not a change
            if op == "count" and cue.startswith("几") and text[start - 1 : start] in ("那", "这"):
                q.cues.append(Cue(start - 1, start + len(cue), "particle", "那几"))  # '那几辆车': those cars
                continue
            if op == "count" and text[start - 1 : start] == "哪":
                q.cues.append(Cue(start - 1, start + len(cue), "op", "list"))  # '哪几个' asks which ones
                continue
            q.cues.append(Cue(start, start + len(cue), "op", op))
    _comparison_cues(q)
    for word, table in v.tables.items():
        for start in _all(text, word):
            end = start + len(word)
            end += len(m.group()) if (m := re.match(r"(?:目标|预算|决算)?总?表(?:中|里|里面)?|目标", text[end:])) else 0
            q.cues.append(Cue(start, end, "table", table))
            if table in _ROLES:
                q.roles.add(_ROLES[table])
    _table_titles(q)
    for m in _ECON.finditer(text):  # '政府预算经济分类', '部门经济科目' …: which economic classification
        gov = m.group(1) == "政府"
        q.cues.append(Cue(m.start(), m.end(), "table", "政府经济分类" if gov else "部门经济分类"))
        q.roles |= {Role.BASIC_ECON_GOV, Role.PROJECT_ECON_GOV} if gov else {Role.BASIC_ECON_DEPT, Role.PROJECT_ECON_DEPT}
    for word, digits in v.classes.items():  # '按功能分类': which scheme of 科目 (see qa.readings.score)
        for start in _all(text, word):
            q.cues.append(Cue(start, start + len(word), "class", digits))
    for word, leaf in v.measures.items():
        for start in _all(text, word):
            q.cues.append(Cue(start, start + len(word), "measure", leaf))
            q.measures.append(leaf)
    for word, level in v.levels.items():
        for start in _all(text, word):
            if len(word) > 1 or _level_word(text, start):
                q.cues.append(Cue(start, start + len(word), "level", str(level)))
                q.level = level if q.level is None else q.level
    for side, words in v.totals.items():
        for word in words:
            for start in _all(text, word):
                q.cues.append(Cue(start, start + len(word), "total", side))
    for m in _TOTAL.finditer(text):
        q.cues.append(Cue(m.start(), m.end(), "total", "income" if "收入" in m.group() else "expense"))
    for m in _SOURCES.finditer(text):  # where the money comes from: the income side, broken down
        q.cues.append(Cue(m.start(), m.end(), "total", "income"))
        q.cues.append(Cue(m.start(), m.end(), "op", "composition"))
    for m in _which_rows().finditer(text):  # '哪些项级科目', '哪几项功能科目': which rows (a list)
        q.cues.append(Cue(m.start(), m.end(), "op", "list"))
    for m in _HOW_COME.finditer(text):  # '怎么比去年还少了': why it changed
        q.cues.append(Cue(m.start(), m.end("how"), "op", "reason"))
    for m in _EITHER_WAY.finditer(text):
        if not any(c.kind == "op" and c.value == "change" and c.start <= m.start() < c.end for c in q.cues):
            q.cues.append(Cue(m.start(), m.end(), "op", "change"))
    _unit_cues(q)
    places = q.cue_spans("places")
    for m in _TOP_N.finditer(text):  # '前三', '最多的三样', '这三项' — how many items
        if any(s <= m.start() < e for s, e in places):
            continue  # '保留两位小数'
        q.cues.append(Cue(m.start(), m.end(), "op", "topn"))
        q.cues.append(Cue(m.start(), m.end(), "enumeration", m.group()))
    for word in v.fillers:
        for start in _all(text, word):
            q.cues.append(Cue(start, start + len(word), "filler", word))
    for word in v.context:
        for start in _all(text, word):
            q.cues.append(Cue(start, start + len(word), "context", word))
    for i, ch in enumerate(text):
        if ch in v.particles:
            q.cues.append(Cue(i, i + 1, "particle", ch))
    for word in v.particles:
        if len(word) > 1:
            for start in _all(text, word):
                q.cues.append(Cue(start, start + len(word), "particle", word))
    _approx_cues(q)
    _compared_with_a_year(q)
    # an everyday word for a 科目 ('开会' → 会议费) names an item even where it holds a particle
    # ('会'): a disclosure without that 科目 leaves it unexplained, it is no filler
    by_first = _everyday_by_first()
    for start, ch in enumerate(text):
        q.cues += [Cue(start, start + len(w), "everyday", w) for w in by_first.get(ch, ()) if text.startswith(w, start)]
    _background(q)
    _places_asked(q)
    return q


def _places_asked(q: Question) -> None:
    """'建在哪几个镇街', '我家附近有没有' (vocabulary units.places_asked): a place is asked — not
    when the words ask what money is spent on ('花在哪些地方') or sit in a background clause."""
    if q.ops() & {"composition", "breakdown", "rank"}:
        return
    aside = [(c.start, c.end) for c in q.cues if c.kind == "context" and c.value == "clause"]
    for w in vocabulary().units.get("places_asked", ()):
        for start in _all(q.text, w):
            if not any(a <= start < b for a, b in aside):
                q.cues.append(Cue(start, start + len(w), "place", w))


def _compared_with_a_year(q: Question) -> None:
    """'和前年比呢', '跟2022年相比': a year to compare with and no operation that compares — how
    the item changed (a construction; the vocabulary's change list names the fixed phrases)."""
    if q.ops() & {"diff", "growth", "change", "share", "completion", "rank", "list"}:
        return
    for c in q.cues:
        if c.kind == "base" and re.match(r"^(?:的)?(?:相比|比较|对比|来比|比)(?:的话|下来|呢|怎么样|如何|咋样)?(?:[，,。？?！!]|$)", q.text[c.end :]):
            q.cues.append(Cue(c.start, c.end, "op", "change"))
            return


def _table_titles(q: Question) -> None:
    """'一般公共预算财政拨款项目支出决算表中30227委托业务费': a table named by its own title
    (without year and department) is that table, as '表七' would be."""
    dep = fold(q.doc.department or "")
    for t in q.doc.tables:
        title = re.sub(r"^\d{4}年度?", "", fold(t.title or ""))
        title = re.sub(r"^\d{4}年度?", "", title.removeprefix(dep).removeprefix(department_core(dep)))
        if len(title) < 8 or not title.endswith("表") or t.no is None:
            continue
        for start in _all(q.text, title):
            q.cues.append(Cue(start, start + len(title), "table_no", str(t.no)))
            if t.no not in q.table_nos:
                q.table_nos.append(t.no)


def _approx_cues(q: Question) -> None:
    """'两百多万', '一百多万': a rough amount describes the figure; its '多' asks no change."""
    q.approx = approximate_amounts(q.text)
    spans = [(a.start, a.end) for a in q.approx]
    q.cues = [c for c in q.cues if not (c.kind == "op" and _inside(c.span, spans))]
    q.cues += [Cue(a.start, a.end, "approx", q.text[a.start : a.end]) for a in q.approx]


_WEAK_OPS = frozenset({"value"})  # '预算', '经费', '钱' name the subject more than they ask


def _background(q: Question) -> None:
    """'老师让我们查政府预算，科协的基本支出占多少': a clause that says who asks and why (a
    context word, nothing asked but the bare subject) is background, as a whole, when another
    clause asks the question."""
    clauses = [m.span() for m in re.finditer(r"[^,，。;；!！?？]+", q.text)]
    if len(clauses) < 2:
        return
    for start, end in clauses[:-1]:
        inside = [c for c in q.cues if start <= c.start and c.end <= end]
        if any(c.kind == "context" for c in inside) and not any(
            c.kind == "op" and c.value not in _WEAK_OPS for c in inside
        ):
            q.cues.append(Cue(start, end, "context", "clause"))


def mark_aside(q: Question, named: Sequence[tuple[int, int]]) -> None:
    """'…增幅是多少？表里那格显示不出来': a last clause, after one that asks, with nothing in it
    but particles and words no item of the disclosure has (``named``: where items are named)
    says something aside; the reading need not account for it."""
    clauses = [m.span() for m in re.finditer(r"[^,，。;；!！?？]+", q.text)]
    if len(clauses) < 2:
        return
    start, end = clauses[-1]
    inside = [c for c in q.cues if start <= c.start and c.end <= end]
    asks = [c for c in q.cues if c.end <= start and c.kind == "op"]
    if asks and all(c.kind in ("particle", "filler", "context") for c in inside) and not any(
        a < end and start < b for a, b in named
    ):
        q.cues.append(Cue(start, end, "context", "clause"))


@lru_cache(maxsize=1)
def _everyday_by_first() -> dict[str, tuple[str, ...]]:
    """The glossary's everyday words of two characters or more, by their first character: one
    pass over the question instead of a search for each of the words."""
    out: dict[str, list[str]] = {}
    for word in vocabulary().everyday:
        if len(word) >= 2:
            out.setdefault(word[0], []).append(word)
    return {ch: tuple(words) for ch, words in out.items()}


def _all(text: str, word: str) -> list[int]:
    out, start = [], text.find(word)
    while word and start >= 0:
        out.append(start)
        start = text.find(word, start + 1)
    return out


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def _level_word(text: str, start: int) -> bool:
    """'类'/'项' alone name a level only as '按类', '哪几类', '类级' — not inside 分类 or 项目."""
    ch = text[start]
    before, after = text[start - 1 : start], text[start + 1 : start + 2]
    if ch == "项":  # '哪项最多' asks which item, not the 项 level
        return after == "级" or before in ("按", "到", "至") or (after == "" and before not in "哪几每一某这那各单")
    return before in ("几", "按", "哪", "大", "些") and after not in ("型",)


def _department_cues(q: Question) -> None:
    """The department's own name or short name is not an item (科协 in 科协's disclosure), nor
    is it with one wrong character ('档按馆' in 档案馆's disclosure, whose 2012604 档案馆 row
    it would otherwise be read as, one edit away)."""
    spans = department_spans(q.text, q.doc) or _with_places(
        q.text, department_typos(q.text, fold(q.doc.department)), _name_forms(q.doc.department)[2]
    )
    # '科协会议费': the shortening '科协会' would take the first character of 会议费; the shorter
    # name at the same place leaves the disclosure's word whole
    spans = [
        (s, e)
        for s, e in spans
        if not any(s == s2 and e2 < e and in_document(q.doc, q.text[e2 : e + 1]) for s2, e2 in spans)
    ]
    for start, end in spans:
        q.cues.append(Cue(start, end, "department", q.text[start:end]))


def department_spans(text: str, doc: Document) -> list[tuple[int, int]]:
    """Where the (normalised) ``text`` names ``doc``'s department: its full name, short name,
    abbreviation, the name without its district ('科学技术协会', '渝北区科协'), or a shortening
    people use ('住建委', '区妇联'); with the place before it ('渝北科协')."""
    names, core, places = _name_forms(doc.department)
    # the names with a place are this department's own; the bare ones ('科协', '区妇联') are
    # shared by every department of that kind, so they are found once per kind (many documents)
    bare = _bare_spans(text, core)
    placed = [n for n in names if n not in _core_names(core) and n[0] in text]
    if not bare and not placed:
        return []
    own = _doc_words(doc)
    spans: list[tuple[int, int]] = []

    def longer_word(start: int, end: int) -> bool:
        # '老科协' is something else than the department 科协: a longer word of the disclosure.
        return start > 0 and bool(_HAN.match(text[start - 1])) and text[start - 1 : end] in own and text[start - 1] not in "区市县"

    for name in placed:
        for start in _all(text, name):
            if not longer_word(start, start + len(name)) and not _inside((start, start + len(name)), spans):
                spans.append((start, start + len(name)))
    for start, end in bare:
        if not longer_word(start, end) and not _inside((start, end), spans):
            spans.append((start, end))
    return _with_places(text, spans, places)


def _with_places(text: str, spans: list[tuple[int, int]], places) -> list[tuple[int, int]]:
    """The place before a department's name, with or without its 区/市 ('渝北科协', '重庆渝北区科协',
    '梧桐卫建委')."""
    spans = list(spans)
    for c in list(spans):
        start = c[0]
        for p in places:
            if text[:start].endswith(p):
                start -= len(p)
        if start < c[0]:
            spans.append((start, c[1]))
    return spans


def department_typos(text: str, department: str) -> list[tuple[int, int]]:
    """The department's own name (no place: a wrong place is another department, '江北区科协')
    of three or more characters, written with one wrong character before its last one."""
    own = department_core(department)
    names = {own, short_department(own), *(a for a in department_aliases(own) if len(a) < len(own))}
    out = []
    for name in (n for n in names if len(n) >= 3):
        for i in range(len(text) - len(name) + 1):
            window = text[i : i + len(name)]
            wrong = [k for k, (a, b) in enumerate(zip(window, name, strict=True)) if a != b]
            if len(wrong) == 1 and wrong[0] not in (0, len(name) - 1):
                out.append((i, i + len(name)))
    return out or _typo_short(text, own)


def _typo_short(text: str, own: str) -> list[tuple[int, int]]:
    """'卫建委' for 卫生健康委员会: a short form people make of the name ('卫健委', see
    ``qa.question.short_names``) with one wrong character inside it."""
    suffixes = vocabulary().institutions
    out: list[tuple[int, int]] = []
    for i in (k for k, ch in enumerate(text) if ch == own[0]):
        for length in (3, 4):
            window = text[i : i + length]
            if len(window) < length or any(a <= i < b for a, b in out):
                continue
            for j in range(1, length - 1):
                if window[j] in own:
                    continue
                fixed = (window[:j] + ch + window[j + 1 :] for ch in own[1:-1])
                if any(short_names(f, own, suffixes) == [(0, length)] for f in fixed):
                    out.append((i, i + length))
                    break
    return out


def department_mentions(text: str, docs: Sequence[Document]) -> dict[str, list[tuple[int, int]]]:
    """``department_spans`` of each document's department (one document per department), for
    many departments at once: the bare names of a kind ('科协') are found once for all the
    departments of that kind; only those whose name with a place occurs are read one by one."""
    by_core: dict[str, list[Document]] = {}
    for d in docs:
        by_core.setdefault(_name_forms(d.department)[1], []).append(d)
    out: dict[str, list[tuple[int, int]]] = {}
    for core, group in by_core.items():
        bare = _bare_spans(text, core)
        shared = None
        for d in group:
            names = _name_forms(d.department)[0]
            # its own place named ('渝北区科协', '澄川科协'): this department, read on its own
            inner = _inner_places(d.department)
            if any(n in text for n in names if n not in _core_names(core)) or any(p in text for p in inner):
                if spans := department_spans(text, d):
                    out[d.department] = spans
            elif bare:
                # no place of its own: what the bare names give it, read once for the kind
                shared = department_spans(text, d) if shared is None else shared
                if shared:
                    out[d.department] = list(shared)
    return out


@lru_cache(maxsize=4096)
def _inner_places(department: str) -> tuple[str, ...]:
    """The innermost place of a department's name, with and without its level ('渝北区', '渝北')."""
    # the places before the department's own name: '重庆市', '渝北区' (not the 市 of '市场监督管理局')
    dep = fold(department)
    ends = place_ends(dep)
    if not ends:
        return ()
    place = dep[([0, *ends])[-2] : ends[-1]]
    return tuple(p for p in (place, place[:-1]) if len(p) >= 2)


@lru_cache(maxsize=256)
def _core_names(core: str) -> frozenset[str]:
    """The department's own name without a place, and its short forms ('科学技术协会', '科协')."""
    return frozenset(n for n in {core, fold(short_department(core)), *(fold(a) for a in department_aliases(core))} if len(n) >= 2)


@lru_cache(maxsize=1024)
def _bare_spans(text: str, core: str) -> tuple[tuple[int, int], ...]:
    """Where ``text`` names a department of this kind without its place, longest names first."""
    out: list[tuple[int, int]] = []
    for name in sorted(_core_names(core), key=len, reverse=True):
        for start in _all(text, name):
            if not _inside((start, start + len(name)), out):
                out.append((start, start + len(name)))
    for start, end in short_names(text, core, vocabulary().institutions) if core and core[0] in text else ():
        if not _inside((start, end), out):
            out.append((start, end))
    return tuple(out)


@lru_cache(maxsize=4096)
def _name_forms(department: str) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """A department's names (longest first), its own name after the place, and the places
    before it — computed once per department, as every question is checked against each."""
    dep = fold(department)
    names = {dep, fold(short_department(dep)), *(fold(a) for a in department_aliases(dep))}
    # A prefix of the full name people drop the district from: '科学技术协会', '渝北区科协'.
    cut = place_ends(dep)
    for prefix_end in cut:
        names.add(dep[prefix_end:])
        names.add(fold(short_department(dep[prefix_end:])))
    core = dep[max(cut, default=0) :]
    places = [dep[a:b] for a, b in zip([0, *cut], cut, strict=False) if b - a >= 3]
    places += [p[:-1] for p in places]
    ordered = tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True))
    return ordered, core, tuple(sorted(places, key=len, reverse=True))


def short_names(text: str, name: str, suffixes: tuple[str, ...]) -> list[tuple[int, int]]:
    """Spans of ``text`` that shorten the department's ``name`` the way people do: '住建委' for
    '住房和城乡建设委员会', '疾控中心' for '疾病预防控制中心', '区妇联' for '妇女联合会' — the name's
    first character, more of its characters in order, ending on its suffix's first or last one."""
    suffix = next((s for s in suffixes if name.endswith(s)), "")
    body = len(name) - len(suffix)
    if not suffix or body < 1:
        return []
    ends = {name[body], name[-1]}
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        if text[i] != name[0]:
            i += 1
            continue
        k, j, best = 1, i + 1, None
        while j < len(text) and (at := name.find(text[j], k)) >= 0:
            k = at + 1
            if at >= body and text[j] in ends:
                best = j + 1
            j += 1
        if best is None or best - i >= len(name):  # the full name is matched above
            i += 1
            continue
        start = i - 1 if i > 0 and text[i - 1] in "区市县" else i
        out.append((start, best))
        i = best
    return out


_AS_OF = re.compile(r"(?:截至|截止|到)\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|末)?|〔\d{4}〕|\[\d{4}\]|\(\d{4}\)")
_WORDS: dict[object, str] = {}  # per document id (a disclosure does not change once ingested)


def _doc_words(doc: Document) -> str:
    """The disclosure's own running text (folded), to tell its words from a department name."""
    if doc.id not in _WORDS:
        texts = [p.text for s in doc.sections for p in s.paragraphs]
        texts += [c.raw for t in doc.tables for r in t.rows for c in r.cells if c.kind == "text" and len(c.raw) > 4]
        _WORDS[doc.id] = fold("".join(texts))
    return _WORDS[doc.id]


def in_document(doc: Document, word: str) -> bool:
    """Does the disclosure use ``word`` anywhere (running text, table titles, row names)?"""
    key = ("all", doc.id)
    if key not in _WORDS:
        names = [t.title for t in doc.tables] + [r.name for t in doc.tables for r in t.rows]
        _WORDS[key] = _doc_words(doc) + "|" + fold("|".join(names))
    return word in _WORDS[key]


def _year_cues(q: Question, covered: set[int]) -> None:
    doc, text, v = q.doc, q.text, vocabulary()
    found: list[tuple[int, int, int, bool]] = []  # start, end, year, is_comparison_base
    for m in _AS_OF.finditer(text):  # '截至2023年底' dates a stock, it asks no year
        q.cues.append(Cue(m.start(), m.end(), "filler", m.group()))
    stripped = _AS_OF.sub(lambda m: "#" * len(m.group()), text)
    for m in _YEAR.finditer(stripped):
        if m.group(0).endswith(("年", "度")) or m.end() == len(stripped) or not stripped[m.end()].isdigit():
            found.append((m.start(), m.end(), int(m.group(1)), _is_base(text, m.start(), m.end())))
    final = doc.kind == "决算"
    offsets = (("both", 0), ("both", -1), ("current", 0), ("previous", -1), ("before_previous", -2), ("next", 1))
    taken: list[tuple[int, int]] = []
    for key, offset in offsets:
        for word in v.years.get(key, ()):
            for start in _all(text, word):
                end = start + len(word)
                if (key != "both" and _inside((start, end), taken)) or _year_word_is_name(text, start, end):
                    continue
                taken.append((start, end))
                base = _is_base(text, start, end)
                year = doc.year + offset
                if key == "next" and word in ("后年",):
                    year = doc.year + 2
                if final and not base and key in ("current", "previous"):
                    # A 决算 is read the year after: '去年花了多少' is the 决算 year itself.
                    year = doc.year
                elif final and key == "before_previous" and word == "前年":
                    year = doc.year - 1  # … and '前年' the year before it, which the 决算 compares with
                found.append((start, end, year, base))
    for start, end, year, base in sorted(found):
        q.cues.append(Cue(start, end, "base" if base else "year", str(year)))
        if year not in covered:
            q.out_of_range.append(year)
        elif base:
            q.base_year = year
        elif year not in q.years:
            q.years.append(year)


def _is_base(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 4) : start], text[end:]
    if _COMPARE_BEFORE.search(before) or _COMPARE_AFTER.match(after):
        return True
    return bool(_WITH_BEFORE.search(before)) and bool(re.match(r"^.{0,3}(?:相比|比较|对比|比)", after))


def _year_word_is_name(text: str, start: int, end: int) -> bool:
    """'上年结转', '结转下年', '当年预算', '本年收入合计' are row and field names, not years."""
    after, before = text[end : end + 2], text[max(0, start - 2) : start]
    word = text[start:end]
    before = text[max(0, start - 3) : start]
    return (word in ("上年", "上年度") and after.startswith("结转")) or (
        word in ("下一年", "下年度", "下年") and "结转" in before
    )


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def _which_rows() -> re.Pattern[str]:
    units = vocabulary().units
    which, kinds = "|".join(map(re.escape, units["which"])), "|".join(map(re.escape, units["row_kinds"]))
    return re.compile(rf"(?:{which})[\u4e00-\u9fff()]{{1,8}}?(?:{kinds})")


def counted_by() -> dict[str, tuple[str, ...]]:
    """What each counting word counts, by the last character of its noun (vocabulary)."""
    pairs = (pair.split(":") for pair in vocabulary().units.get("counted_by", ()))
    return {unit: tuple(kinds.split("/")) for unit, kinds in pairs}


def _unit_cues(q: Question) -> None:
    v, text = vocabulary(), q.text
    for key, unit in (("wan", "万元"), ("yuan", "元"), ("percent", "%")):
        for word in v.units[key]:
            for start in _all(text, word):
                q.cues.append(Cue(start, start + len(word), "unit", unit))
                if start > 0 and text[start - 1].isdigit():
                    continue  # '100万元以上的设备', '是不是500万': a number the question states
                q.unit_asked = q.unit_asked or unit
    counters = sorted(v.units["counters"], key=len, reverse=True)
    # '哪几项', '哪几类' ask which ones (a list), not how many
    # '那几辆车是什么牌子': 那几/这几 point at things already known (those cars), they count nothing
    for m in re.finditer(r"(?:(?<![哪那这])几|多少)(" + "|".join(map(re.escape, counters)) + ")", text):
        if m.group().startswith("几") and _SUPERLATIVE_BEFORE.search(text[: m.start()]):
            continue  # '最大的几项', '前几名': the top ones of a ranking, not how many there are
        if text[m.end(1) - 1 : m.end(1) + 1] in _NOT_COUNTERS:
            if text[m.end(1) - 1 : m.end(1) + 1] == "项目":  # '多少项目': a count of projects
                q.cues.append(Cue(m.start(), m.end() + 1, "counter", "个"))
                q.unit_asked = q.unit_asked or "个"
            continue  # '几个人员' is a count of people (below)
        q.cues.append(Cue(m.start(), m.end(), "counter", m.group(1)))
        q.unit_asked = m.group(1) if q.unit_asked in (None, "元") else q.unit_asked
        # the noun after the counting word says what is counted ('几辆公务车'): a count explains it
        if noun := re.match(r"[\u4e00-\u9fff]{1,6}?(?=[的了呢吗啊呀是？?，,。]|$)", text[m.end() :]):
            q.cues.append(Cue(m.end(), m.end() + len(noun.group()), "counted", noun.group()))
        # ... or before it, when it names what this counting word counts ('公务用车有几辆')
        kinds = counted_by().get(m.group(1), ())
        verbs = "|".join(map(re.escape, v.units.get("counted_verbs", ("有",))))
        before = re.search(rf"([\u4e00-\u9fff]{{1,6}}?)(?:{verbs})?$", text[: m.start()])
        if kinds and before and before.group(1).endswith(kinds):
            q.cues.append(Cue(before.start(1), before.end(1), "counted", before.group(1)))
    # '几个人', '多少退休人员', '多少名干部': a number of people, never an amount
    people = "|".join(map(re.escape, sorted(v.units.get("people", ()), key=len, reverse=True)))
    if (m := _PEOPLE.search(text)) or (people and (m := re.search(rf"(?:几|多少)(?:个|名|位)?(?:{people})", text))):
        # '多少批客人' counts 批 (batches of guests), its own counting word first
        said = [c for c in q.cues if c.kind == "counter" and c.start == m.start() and c.value not in ("个", "名", "位", "人")]
        if not said:
            q.cues.append(Cue(m.start(), m.end(), "counter", "人"))
            q.unit_asked = "人"
    if q.unit_asked is None and re.search(r"多少钱|多少块|花了多少|金额|数额", text):
        q.unit_asked = "元"
    # a size, not an amount: '办公用房面积有多大' is answered in 平方米 or not at all
    for word, unit in v.dimensions.items():
        if word in text and q.unit_asked in (None, "元"):
            q.unit_asked = unit
            for start in _all(text, word):
                q.cues.append(Cue(start, start + len(word), "unit", unit))


def _places(m: re.Match[str]) -> int:
    digit = m.group(1) or m.group(2)
    if digit:
        return {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4}.get(digit) or int(digit)
    return len(m.group(3)) + 1


def wants_money(q: Question) -> bool:
    """The question asks for an amount ('多少钱', '预算', '经费'), not counting the words of an
    item's own name ('科普资金' is a 绩效 indicator)."""
    text = "".join(" " if i in q.item_positions else ch for i, ch in enumerate(q.text))
    return any(w in text for w in vocabulary().units["money"])


def content_positions(q: Question) -> set[int]:
    """Positions of Han characters and letters that some reading must account for."""
    # a particle inside a question word is part of it ('为' in '为什么')
    asked = {i for s, e in q.cue_spans("op") for i in range(s, e)}
    free = {i for s, e in q.cue_spans("filler", "context", "department", "places", "approx") for i in range(s, e)}
    # a particle inside an everyday word for a 科目 is part of it ('会' of '开会' → 会议费)
    named = {i for s, e in q.cue_spans("everyday") for i in range(s, e)}
    free |= {i for s, e in q.cue_spans("particle") for i in range(s, e)} - named
    free -= asked
    return {i for i, ch in enumerate(q.text) if (_HAN.match(ch) or ch.isalpha()) and i not in free}
