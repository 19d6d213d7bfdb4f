"""Readings of a question: one operation on chosen items, with its outcome, the words of the
question it accounts for and a score. Operations (qa/ops.py, qa/overview.py, qa/narrative.py)
build readings; ``score`` weighs them the same way for all.

Score = how well the items were found × how much of the question the reading explains. A
word nobody explains lowers the score — it never refuses by itself; the decision
(qa/decide.py) compares scores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from core.records import Interpretation, ItemRef, Result
from core.vocab import fold, vocabulary
from qa import calc as C
from qa.catalog import Entry
from qa.lookup import Candidate, describe
from qa.passages import Passage
from qa.question import Question, content_positions, counted_by, in_document

# Which operations' cue words a reading of each operation accounts for.
ACCOUNTS: dict[str, frozenset[str]] = {
    "value": frozenset({"value", "sum", "yesno"}),  # a listed reading also accounts for 'topn' (see ops)
    "count": frozenset({"count", "value", "topn", "yesno", "sum", "breakdown"}),
    "diff": frozenset({"diff", "value", "change", "yesno"}),
    "growth": frozenset({"growth", "value", "change", "diff", "share", "yesno"}),
    "share": frozenset({"share", "value", "yesno"}),
    "sum": frozenset({"sum", "value", "topn"}),
    "change": frozenset({"change", "diff", "growth", "value", "yesno", "reason", "text"}),  # text: "变化怎么样"
    "breakdown": frozenset({"breakdown", "composition", "value", "list", "sum", "share", "text", "per_unit", "topn"}),
    "rank": frozenset({"rank", "value", "breakdown", "composition", "list", "text", "topn"}),
    "list": frozenset({"list", "breakdown", "value", "change", "diff", "growth", "rank", "text", "per_unit", "topn", "yesno"}),
    "reason": frozenset({"reason", "change", "diff", "growth", "value", "text", "yesno"}),
    "define": frozenset({"define", "text", "breakdown", "list", "composition"}),
    "text": frozenset({"text", "list", "breakdown", "yesno"}),
    "per_unit": frozenset({"per_unit", "value", "count"}),
    "completion": frozenset({"completion", "value", "share", "growth"}),
    "refusal": frozenset(),
}
# Operations that compare with another year (they account for '比去年').
COMPARING = frozenset({"diff", "growth", "change", "completion", "list", "reason"})
# Operations that answer '几个/多少次' (a count in a counting word).
COUNTING = frozenset({"count", "per_unit", "list", "text", "refusal", "rank", "breakdown"})
# Slot words any reading takes into account (it was built with them).
SLOT_KINDS = ("year", "unit", "places", "table_no", "table", "measure", "level", "code")


@dataclass
class Draft:
    """An outcome: what the answer says, with the figures, calculations and passages behind it."""

    status: str
    text: str
    candidates: list[Candidate] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    calcs: list[C.Calc] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


@dataclass
class Reading:
    op: str
    draft: Draft
    items: list[Entry] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # question words the items stand for
    hows: list[str] = field(default_factory=list)  # how each item was found
    years: list[int] = field(default_factory=list)
    measure: str | None = None
    part: list[Entry] = field(default_factory=list)
    whole: list[Entry] = field(default_factory=list)
    quality: float = 1.0
    extra: list[tuple[int, int]] = field(default_factory=list)  # other words it explains
    repeats: list[tuple[int, int]] = field(default_factory=list)  # its items named again ('公车…加油')
    uses_total: bool = False
    strict: bool = False  # a passage found by its words: every word it leaves out counts more
    score: float = 0.0
    covered: set[int] = field(default_factory=set)
    unexplained: list[str] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return self.draft.status == "answered"

    def value_key(self) -> tuple:
        """What the reading answers (its main value), to tell close calls apart."""
        if self.draft.results:
            r = self.draft.results[0]
            value = r.value * 10000 if r.unit == "万元" else r.value
            return (value.normalize(), "元" if r.unit == "万元" else r.unit)
        return (self.draft.text,)

    def interpretation(self, q: Question) -> Interpretation:
        def ref(e: Entry, i: int | None = None) -> ItemRef:
            label = describe_entry(e)
            how = self.hows[i] if i is not None and i < len(self.hows) else "context"
            words = q.text[slice(*self.spans[i])] if i is not None and i < len(self.spans) else ""
            return ItemRef(label, how, words)

        return Interpretation(
            doc_ids=(q.doc.id,),
            items=tuple(ref(e, i) for i, e in enumerate(self.items)),
            years=tuple(self.years),
            measure=self.measure,
            operation=self.op,
            part=tuple(ref(e) for e in self.part),
            whole=tuple(ref(e) for e in self.whole),
            unit_asked=q.unit_asked,
            covered=tuple(_words(q.text, self.covered)),
            unexplained=tuple(self.unexplained),
            score=round(self.score, 3),
        )


def describe_entry(e: Entry) -> str:
    """The item as the answer names it: '30231 公务用车运行维护费' (+ project for 绩效 fields)."""
    if e.project and e.kind in ("form", "indicator"):
        return f"{e.project}·{e.name}"
    if e.kind == "narrative":
        import re as _re

        named = _re.findall(r"([^()（）]+)[(（]项[)）]", e.name)  # '…(款)机关服务(项)2024年' is 机关服务
        return named[-1] if named else e.name
    return e.label


def candidate_label(c: Candidate) -> str:
    return describe(c.entry, c.figure)


def score(reading: Reading, q: Question) -> Reading:
    """Fill ``covered``, ``unexplained`` and ``score`` (see the module docstring)."""
    covered: set[int] = set()
    for s, e in [*reading.spans, *reading.extra]:
        covered.update(range(s, e))
    kinds = set(SLOT_KINDS) | ({"total"} if reading.uses_total else set())
    if reading.op in COMPARING:
        kinds.add("base")
    if reading.op in COUNTING:
        kinds.update(("counter", "counted"))
    if len(reading.items) >= 2 and reading.op in ("value", "sum", "share"):
        kinds.add("enumeration")  # '三项', '这两个': the items listed
        if reading.op == "sum":
            kinds.add("total")  # '三类支出合计' is their sum
    unused_ops: set[int] = set()
    unused_calc: set[int] = set()  # a calculation asked ('比年初少了多少') that a plain figure does not do
    columns = " ".join(
        [c.figure.source.column or "" for c in reading.draft.candidates]
        + [c.figure.measure for c in reading.draft.candidates if c.figure.origin == "narrative"]
        + [e.name for e in reading.items]
    )
    figure_columns = " ".join(c.figure.source.column or "" for c in reading.draft.candidates)
    # a table's title names its subject ('项目支出' of 一般公共预算财政拨款项目支出决算表), not a column:
    # every table of a 决算 says 决算
    titles = " ".join(fold(e.table_title or "") for e in reading.items)
    not_projects = False
    for c in q.cues:
        if c.kind in ("table", "table_no") and not _names_table(reading, c):
            continue  # a table the reading's figures are not from stays unexplained
        titled = c.value in titles and not re.search("预算|决算", c.value)
        # '决算' of a 决算's own sentence ('2023年度一般公共预算财政拨款支出23,770,604.85元'): what
        # the document states without a column is of its own kind
        if c.kind == "measure" and c.value == q.doc.kind and reading.items and not re.search("预算|决算", figure_columns):
            covered.update(range(c.start, c.end))
            continue
        if c.kind == "measure" and reading.items and reading.op not in ("text", "define", "reason") and c.value not in columns and not titled:
            continue  # a column the reading does not use ('项目支出' beside 基本支出)
        if c.kind == "class":  # '按功能分类': items coded in that scheme (功能分类 2xx, 经济分类 3xx/5xx)
            codes = [e.code for e in reading.items if e.code] or [x.entry.code for x in reading.draft.candidates if x.entry.code]
            if any(code[:1] in c.value for code in codes):
                covered.update(range(c.start, c.end))
            continue
        if c.kind == "counted" and not _counts_what(reading, c.value):
            continue  # '几个区级学会' answered by 内设机构3个: the noun counted stays unexplained
        if c.kind == "op" and c.value == "list" and "项目" in q.text[c.start : c.end] and not _of_projects(reading):
            not_projects = True  # '有哪些项目' is answered by projects, not by 302/310 of 项目支出
        elif c.kind in kinds or (c.kind == "op" and c.value in ACCOUNTS.get(reading.op, ())):
            covered.update(range(c.start, c.end))
        elif c.kind in ("op", "base", "counter"):
            unused_ops.update(range(c.start, c.end))
            if c.kind == "op" and c.value in _CALCULATED and reading.op in ("value", "count"):
                unused_calc.update(range(c.start, c.end))
    content = content_positions(q) | q.item_positions
    repeated = {i for s, e in reading.repeats for i in range(s, e)}
    covered |= repeated
    runs = _runs(sorted(i for i in content if i not in covered))
    # its own item named again between unknown words ('来客人招待吃饭') leaves one phrase, not two
    runs = _merge_across(runs, repeated)
    # a word of the item's own name said again ('结余结转', '…结转和结余，结转到下一年的') is explained
    names = [fold(e.name) for e in reading.items]
    # … and a word of the project a 绩效 form's money row ('项目资金') stands for: '补助' of
    # 住户调查辅助调查员劳务补助 (an indicator row names a thing of its own: not it)
    names += [fold(e.project) for e in reading.items if e.kind == "form" and e.project]
    # … and so is the sentence's column the reading answers ('执行数', '自评得分')
    names += [fold(c.figure.measure) for c in reading.draft.candidates if c.figure.origin == "narrative" and len(c.figure.measure) >= 3]
    again = [
        run for run in runs
        if len(run) >= 2 and not set(run) & q.item_positions  # not words naming another item
        and any(q.text[run[0] : run[-1] + 1] in n for n in names)
    ]  # fmt: skip
    for run in again:
        covered.update(run)
    runs = [run for run in runs if run not in again]
    # '义务兵家里的优代金': the start (or end) of a run that says the item's own name again, three
    # characters or more, is explained; only the rest of the run ('家里') is not
    trimmed = []
    for run in runs:
        if len(run) >= 4 and not set(run) & q.item_positions:
            words = q.text[run[0] : run[-1] + 1]
            head = next((k for k in range(len(run) - 1, 2, -1) if any(words[:k] in n for n in names)), 0)
            tail = 0 if head else next((k for k in range(len(run) - 1, 2, -1) if any(words[-k:] in n for n in names)), 0)
            covered.update(run[:head] + (run[-tail:] if tail else []))
            run = run[head : len(run) - tail]
        trimmed.append(run)
    runs = trimmed
    # A word that asks for another operation ('少了', '占', '比去年') means the reading answers
    # a different question: it weighs more than a word nobody knows.
    item_edges = {s for s, _ in reading.spans} | {e for _, e in reading.spans}
    penalty_unit = _unit_mismatch(reading, q) + _opposed(reading, q) + _off_approx(reading, q) + (0.3 if not_projects else 0)
    penalty_unit += 0 if names_a_place(q, reading.draft.text) else 0.4
    penalty = sum(
        (0.45 if any(i in unused_calc for i in run) else _penalty(run, unused_ops, item_edges, _known(q, run, item_edges)))
        + (0.1 if reading.strict and len(run) >= 2 else 0)
        for run in runs
    )
    reading.covered = covered & content
    reading.unexplained = [q.text[run[0] : run[-1] + 1] for run in runs if len(run) >= 2]
    reading.score = round(reading.quality * max(0.05, 1 - penalty - penalty_unit), 4)
    return reading


_CALCULATED = ("diff", "growth", "share", "completion", "breakdown", "composition", "change", "per_unit")  # asked, and a single figure does not do it


def _off_approx(reading: Reading, q: Question) -> float:
    """'一般公共服务支出两百多万都花在哪了': a reading that shows no amount in the range the
    asker gives is about another figure — weighed lower, as a tie-breaker, never refused."""
    if not q.approx or not reading.answered:
        return 0.0
    # the figures the reading stands on, not amounts parsed back out of its phrasing
    shown = [c.figure.yuan for c in reading.draft.candidates if c.figure.yuan is not None]
    shown += [r.value * (10_000 if r.unit == "万元" else 1) for r in reading.draft.results if r.unit in ("元", "万元")]
    if not shown or any(a.holds(v) for a in q.approx for v in shown):
        return 0.0
    return 0.15


def _opposed(reading: Reading, q: Question) -> float:
    """The question says 城市 and the reading's item is a 农村 one: another item, not this one."""
    names = [fold(e.name) for e in reading.items]
    # … and so is the sentence's column the reading answers ('执行数', '自评得分')
    names += [fold(c.figure.measure) for c in reading.draft.candidates if c.figure.origin == "narrative" and len(c.figure.measure) >= 3]
    # '实际花了多少钱', '用在哪': spending, which an income table (收入总表) does not answer
    if any(w in q.text for w in vocabulary().units["spending"]) and "收入" not in q.text and reading.items and all(
        e.role is not None and e.role.value == "收入总表" for e in reading.items
    ):
        return 0.5
    for a, b in vocabulary().opposites:
        for said, other in ((a, b), (b, a)):
            if said in q.text and other not in q.text and any(other in n and said not in n for n in names):
                return 0.5
    return 0.0


def _unit_mismatch(reading: Reading, q: Question) -> float:
    """An answer in another unit than asked ('涨了百分之几' answered in 元) answers another question."""
    if not reading.draft.results:
        return 0.0
    unit = reading.draft.results[0].unit
    # '每亩补贴标准' asks for an amount per 亩: a number of 亩 is no answer to it
    if any(unit.endswith(per) for per in re.findall(r"每(?:一)?([亩人辆台次场户个名件])", q.text)):
        return 0.5
    money = ("元", "万元")
    if q.unit_asked is None:
        return 0.0
    if q.unit_asked == "%" and unit in money and reading.op not in ("breakdown", "rank", "list", "change"):
        return 0.3
    if q.unit_asked in money and unit == "%" and reading.op not in ("share", "growth", "completion"):
        return 0.3
    noun = counted_noun(q)
    if q.unit_asked not in (*money, "%") and not any(counts_in(r.unit, q.unit_asked, noun) for r in reading.draft.results):
        # '多少个区级学会' answered with 2辆, '买几辆' with 0元: a count of something else, or money
        return 0.5
    return 0.0



def counts_in(unit: str, asked: str, noun: str = "") -> bool:
    """A result in ``unit`` answers a count asked in ``asked`` ('台(套)' counts 台; 个 counts 项;
    辆 answers '几台公车', as both count 车)."""
    unit = _bare(unit.lstrip("万亿"))
    if unit == asked:
        return True
    groups = (set(g.split("/")) for g in vocabulary().units["count_groups"])
    if any(unit in group and asked in group for group in groups):
        return True
    kinds = counted_by()
    if asked == "个" and unit in ("人", "名"):
        # people are counted in 个 in speech ('多少个女孩'): a count of people answers it
        return bool(noun) and noun[-1] in kinds.get(unit, ())
    return bool(noun) and noun[-1] in kinds.get(unit, ()) and noun[-1] in kinds.get(asked, ())


def _bare(unit: str) -> str:
    return unit.split("(")[0].split("（")[0]


def counted_noun(q: Question) -> str:
    """The noun a count question counts ('几台公车' → 公车), or ''."""
    return next((c.value for c in q.cues if c.kind == "counted"), "")


# What a count excludes is not what it counts: '设备（不含车辆）0台' counts no cars.
@lru_cache(maxsize=1)
def _negated() -> re.Pattern[str]:
    """'（不含车辆）', '不包括…': words that exclude what follows (vocabulary units.negations)."""
    words = "|".join(map(re.escape, vocabulary().units["negations"]))
    return re.compile(rf"[（(]?(?:{words})[^（）()，,。；;]*[）)]?")


def names_counted(noun: str, unit: str, texts: tuple[str, ...]) -> bool:
    """Does a count in ``unit``, stated with ``texts`` (see ``count_texts``),
    count what ``noun`` names? '几台公车': 共有车辆2辆 does (辆 counts 车); 设备（不含车辆）0台 does
    not; '几个区级学会': 内设机构3个 does not; '每个村': 绩效自评9个 does not."""
    head = noun[-2:] if len(noun) >= 3 else noun[-1:]
    folded = [fold(t) for t in texts]
    if any(head in m.group() for t in folded for m in _negated().finditer(t)):
        return False
    if any(head in _negated().sub("", t) for t in folded):
        return True
    return noun[-1] in counted_by().get(_bare(unit), ())


def count_texts(f) -> tuple[str, ...]:
    """A stated count's item and the words between it and its number ('共有车辆为3辆'). Not the
    rest of its sentence: the department's name there ('农业农村委员会…9个') says nothing of
    what is counted."""
    sentence, item = f.sentence or "", f.item
    at = sentence.find(item)
    if at < 0:
        return (item,)
    rest = sentence[at + len(item) :]
    number = re.search(rf"(?<![\d.]){re.escape(format(f.value, 'f'))}\s*{re.escape(f.unit)}", rest)
    return (item, rest[: number.start()][:10]) if number else (item,)


def _counts_what(reading: Reading, noun: str) -> bool:
    counts = [c for c in reading.draft.candidates if c.figure.unit not in ("元", "万元", "%")]
    if not counts or not noun:
        return True  # a list, a text, a refusal: judged by its other words
    return any(names_counted(noun, c.figure.unit, count_texts(c.figure)) for c in counts)


def _names_table(reading: Reading, cue) -> bool:
    """Does the reading use the table a table cue names ('政府性基金', '表十')?"""
    if reading.op in ("text", "define", "reason", "refusal") or not reading.items:
        return True
    from core.text import cn_to_int

    if cue.kind == "table_no":
        return any(e.table_no == cn_to_int(cue.value) for e in reading.items)
    roles = {e.role.value for e in reading.items if e.role is not None}
    known = {"收支总表", "收入总表", "支出总表", "财政拨款收支总表", "三公经费表", "整体绩效目标表", "重点项目绩效目标表",
             "一般项目绩效目标表", "政府性基金表", "国有资本经营表", "政府采购表", "项目支出明细表"}  # fmt: skip
    words = cue.value.replace("表", "")
    return (
        cue.value not in known
        or cue.value in roles
        or any(e.kind == "narrative" and words[:4] in e.name for e in reading.items)
    )


def names_a_place(q: Question, text: str) -> bool:
    """Asked where (a 'place' cue, qa.question), does the answer name a place of its own (a place
    word the question does not say, vocabulary units.place_words)? True when no place is asked."""
    if not q.cue_spans("place"):
        return True
    body = fold(text)
    return any(p in body for p in vocabulary().units.get("place_words", ()) if p not in q.text)


def _of_projects(reading: Reading) -> bool:
    """Does the reading list or rank projects (by their 绩效 names or the 项目 table's rows)?"""
    return reading.op in ("list", "text", "define", "reason", "count") or any(
        # a project's own row has no 科目 code: 302 商品和服务支出 of 项目支出表 is no project
        e.project or (not e.code and "项目" in (e.table_title or "") and not e.name.endswith(("支出", "合计", "总计")))
        for e in [*reading.items, *(c.entry for c in reading.draft.candidates)]
    )


def _merge_across(runs: list[list[int]], gaps: set[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for run in runs:
        if out and gaps and all(i in gaps for i in range(out[-1][-1] + 1, run[0])):
            out[-1] = out[-1] + run
        else:
            out.append(run)
    return out


def _penalty(run: list[int], unused_ops: set[int], item_edges: set[int], known: bool) -> float:
    if any(i in unused_ops for i in run):
        return 0.3
    if len(run) >= 2 and known and (run[-1] + 1 in item_edges or run[0] in item_edges):
        # words glued to an item name change what it is: '科普大学培训费', '群团活动中心'. A short
        # word the disclosure never uses ('房子租金', '招待客人', a typo: '会议经废') says what the
        # item is about rather than naming a part of it: it weighs as any unknown word.
        return 0.45
    return 0.2 if len(run) >= 2 else 0.07


def _known(q: Question, run: list[int], item_edges: set[int]) -> bool:
    """Is the word glued to an item one that can name a part of it: a word the disclosure uses
    ('活动中心' of '活动中心自己' after '群团'), or a word of three characters or more (a name:
    '夏令营' in '青少年夏令营培训费')? A two-character word the disclosure never uses ('房子租金',
    '招待客人', a typo such as '会议经废') says what the item is about instead."""
    start, end = run[0], run[-1] + 1
    if any(i in q.item_positions for i in run):
        return True  # an item the disclosure lists, which this reading leaves out
    if end in item_edges:  # before the item: its tail
        if any(in_document(q.doc, q.text[i:end]) for i in range(start, end - 1)):
            return True
    elif any(in_document(q.doc, q.text[start:j]) for j in range(start + 2, end + 1)):
        return True
    word = _word_at(q.text, end - 1 if end in item_edges else start)
    return len(word) >= 3


def _word_at(text: str, i: int) -> str:
    """The jieba word of ``text`` that holds position ``i``."""
    at = 0
    for w in _segments(text):
        if at <= i < at + len(w):
            return w
        at += len(w)
    return ""


@lru_cache(maxsize=256)
def _segments(text: str) -> tuple[str, ...]:
    from qa.passages import _jieba

    return tuple(_jieba().cut(text))


def _runs(positions: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in positions:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _words(text: str, positions: set[int]) -> list[str]:
    return [text[r[0] : r[-1] + 1] for r in _runs(sorted(positions))]


_CJK = re.compile(r"[\u4e00-\u9fff]")
