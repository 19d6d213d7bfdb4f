"""Answers across documents: the same item in several departments or years, each figure read
from its own document by the one-document engine, then compared, ranked, summed or subtracted
with a formula the answer shows.

The question is cut down to what it asks of each document ('科协和妇联哪个三公经费多？' →
'三公经费是多少？'): the department names, the years (across years), the comparison words and
the words joining them are taken out. Each document answers that question on its own — the
same reading, lookup and citations as any question — and only a single figure per document is
combined. A document that cannot answer is named; nothing is guessed for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from core.records import Answer, Document, Interpretation, Result, Scope
from core.text import department_aliases, format_amount, place_ends, short_department
from core.vocab import vocabulary
from qa import calc as C
from qa import corpus
from qa.compose import formula

Ask = Callable[[str, Document], Answer]
Verify = Callable[[str, Sequence[Document], Sequence[C.Calc]], list[str]]

_YEAR = re.compile(r"(?<!\d)20\d{2}(?:年度?)?")
_TIMES = re.compile(r"(?:的)?(?:几倍|多少倍|倍数)")
_WHICH = re.compile(r"哪一个|哪个|哪家|哪边|哪一家|谁")
_MORE = re.compile(r"(?:最多|最高|最大|更多|更高|更大|多一些|多些|多|高|大)$")
_LESS = re.compile(r"(?:最少|最低|最小|更少|更低|更小|少一些|少些|(?<!多)少|低|小)$")  # not the 少 of 多少
_MONEY = {"元": Decimal(1), "万元": Decimal(10000)}
_LOWEST = re.compile(r"(?:最|更|谁|哪个|哪家|得|的)(?:少|低|小)|(?:少|低|小)一些")


def answer(question: str, text: str, scope: Scope, ask: Ask, verify: Verify) -> Answer:
    """One answer over ``scope.docs`` for the normalised question ``text``."""
    op, sub, lowest = cut(text, scope)
    if not sub:
        return Answer(question, "请说明要比较的是哪一项，例如“三公经费”“办公费”。", "not_found")
    parts = [(d, ask(_for(sub, d, scope), d)) for d in scope.docs]
    lines = [f"（理解为：{_names(scope)} · {_OPS.get(op, '分别列出')}；每个部门（年度）的数字取自各自的公开文件）"]
    got: list[tuple[Document, Result]] = []
    for d, a in parts:
        body = _body(a.text)
        lines.append(f"【{_label(d, scope)}】{body}")
        if a.status == "answered" and len(a.results) == 1:
            got.append((d, a.results[0]))
    calcs: list[C.Calc] = []
    missing = [d for d, a in parts if not (a.status == "answered" and len(a.results) == 1)]
    combined = ""
    if op == "rank" and len(missing) * 3 > len(parts):
        # a ranking over the documents that happen to print the item would name a wrong first
        names = "、".join(_label(d, scope) for d in missing)
        combined = f"{names}的公开文件中没有找到这一项，无法排出名次；以上是给出了数字的部门。"
        results = []
    elif op != "list" and len(got) >= 2 and (op in ("rank", "compare") or not missing):
        combined, calcs, results = _combine(op, got, scope, lowest, _subtracts(text))
    else:
        results = [r for _, r in got]
        if missing and op != "list":
            names = "、".join(_label(d, scope) for d in missing)
            combined = f"{names}的公开文件没有给出可比的单一数字，无法{_OPS.get(op, '比较')}。"
    # each document's own answer was verified on its own; the combination is verified here, and
    # a number it cannot trace is never shown
    if combined and verify(lines[0] + "\n" + combined, scope.docs, calcs):
        combined, calcs, results = "", [], [r for _, r in got]
    if combined:
        lines.append(combined)
    status = "answered" if got else parts[0][1].status
    if (op in ("diff", "sum", "growth", "ratio") or (op == "compare" and len(got) < 2)) and not calcs:
        # the calculation asked could not be made: each document's figure is shown, none is the answer
        status, results = ("not_found" if got else status), []
    text_out = "\n".join(lines)
    first = parts[0][1]
    reading = first.interpretation
    interp = Interpretation(
        doc_ids=tuple(d.id for d in scope.docs),
        items=reading.items if reading else (),
        years=tuple(sorted({d.year for d in scope.docs} | set(scope.years))),
        measure=reading.measure if reading else None,
        operation=op,
        score=min((a.interpretation.score for _, a in parts if a.interpretation), default=0.0),
    )
    return Answer(
        question,
        text_out,
        status,
        figures=tuple(f for _, a in parts for f in a.figures),
        results=tuple(results),
        citations=tuple(c for _, a in parts for c in a.citations),
        formula="；".join([a.formula for _, a in parts if a.formula] + [formula(c) for c in calcs]) or None,
        doc_id=scope.docs[0].id,
        resolved_question=question,
        interpretation=interp,
    )


_OPS = {"ratio": "倍数", "compare": "比较", "rank": "排序", "diff": "差额", "growth": "增长率", "sum": "合计", "list": "分别列出"}


def cut(text: str, scope: Scope) -> tuple[str, str, bool]:
    """The operation across documents, the question each document answers, and whether the
    smallest is asked ('哪个少')."""
    v = vocabulary()
    entity = [False] * len(text)  # department names, years: what tells the documents apart
    asked = [False] * len(text)  # the words of the operation across them

    def mark(mask: list[bool], a: int, b: int) -> None:
        for i in range(max(a, 0), min(b, len(text))):
            mask[i] = True

    def mark_words(mask: list[bool], words) -> list[re.Match[str]]:
        hits = [m for w in words for m in re.finditer(re.escape(w), text)]
        for m in hits:
            mark(mask, *m.span())
        return hits

    for a, b in scope.spans:
        mark(entity, a, b)
    for a, b in corpus.all_departments(text):
        mark(entity, a, b)
    if scope.across == "years" or (scope.across == "departments" and len(set(scope.doc_years)) > 1):
        # each document is asked its own year below ('妇联今年的…比档案馆2024年的')
        for m in _YEAR.finditer(text):
            mark(entity, *m.span())
        mark_words(entity, [w for key in ("current", "previous", "before_previous", "next", "both") for w in v.years.get(key, ())])
        # each document's own kind is said again below ('实际花的' is the 决算's)
        if scope.across == "years":
            mark_words(entity, ("预算", "决算", *v.corpus.get("final", ())))
    mark_words(asked, v.corpus.get("each", ()))
    op = "list"
    if m := _TIMES.search(text):  # '是北江民政局的几倍'
        op = "ratio"
        mark(asked, *m.span())
    for name in ("growth", "diff", "sum") if op == "list" else ():
        if mark_words(asked, v.operations.get(name, ())):
            op = name
            break
    compare = mark_words(asked, v.corpus.get("compare", ()))
    which = [m for m in _WHICH.finditer(text)]
    for m in which:
        mark(asked, *m.span())
    if op == "list" and (compare or which or _all_asked(text)):
        over_all = _all_asked(text) and not scope.spans  # '哪家' beside two names compares them
        op = "rank" if over_all or any(w in text for w in v.operations.get("rank", ())) else "compare"
    if op in ("compare", "rank"):
        mark_words(asked, v.operations.get("rank", ()))
    lowest = bool(_LOWEST.search(text))
    # the words joining the departments or years ('和', '比', '与'), and what is left of a name
    # around them ('清浦那个图书馆'): with them
    joiners = v.corpus.get("joiners", ())
    names = "|".join(d.department for d in scope.docs)
    changed = True
    while changed:
        changed = False
        for w in joiners:
            for m in re.finditer(re.escape(w), text):
                a, b = m.span()
                if not any(entity[a:b]) and ((a > 0 and entity[a - 1]) or (b < len(text) and entity[b])):
                    mark(entity, a, b)
                    changed = True
    for m in re.finditer(r"[\u4e00-\u9fff]{2,}?(?:那个|这个|那家|这家)?", text):
        a, b = m.span()
        run = text[a:b]
        if not any(entity[a:b]) and ((b < len(text) and entity[b]) or (a > 0 and entity[a - 1])):
            core = re.sub(r"(?:那个|这个|那家|这家)$", "", run)
            if len(core) >= 2 and core in names:
                mark(entity, a, b)
    # a unit left behind by the operation words ('多多少元'), and the question's punctuation
    rest = "".join(
        "" if entity[i] or asked[i] else ch for i, ch in enumerate(text)
    )
    rest = re.sub(r"^(?:里面|里|当中|之中|中)", "", rest.strip("?？!！。，,、 的"))
    rest = re.sub(r"[?？!！。，,、\s]+", "", rest)
    if op in ("compare", "rank"):
        lowest = lowest or bool(_LESS.search(rest))
        rest = _LESS.sub("", rest) if _LESS.search(rest) else _MORE.sub("", rest)
    rest = re.sub(r"^那么?|这个|那个", "", rest)  # '那今年的预算比这个…': the earlier answer, not an item
    rest = re.sub(r"(?:的是|是|的|元|万元|块钱)+$", "", rest)
    if not rest:
        return op, "", lowest
    if not any(w in rest for w in ("多少", "几", "是什么", "哪些", "为什么", "原因")):
        rest += "是多少"
    return op, rest + "？", lowest


def _all_asked(text: str) -> bool:
    return bool(corpus.all_departments(text))


def _for(sub: str, d: Document, scope: Scope) -> str:
    """The question as asked of one document (across years: with that document's year)."""
    if scope.across == "years":
        kind = "决算" if d.kind == "决算" else "预算"
        return f"{d.year}年{kind}{sub}"
    if len(set(scope.doc_years)) > 1:
        own = scope.doc_years[scope.docs.index(d)]
        return "".join(f"{y}年" for y in own) + sub
    return sub


def _label(d: Document, scope: Scope) -> str:
    return label(d)


def label(d: Document) -> str:
    """'渝北区科协 2024年预算': the department's short name after its district, year and kind."""
    return f"{short_name(d.department)} {d.year}年{d.kind}"


def item_words(sub: str) -> str:
    """The item part of a per-document question ('三公经费是多少？' → '三公经费')."""
    return re.sub(r"(?:是多少|多少|是几|几)?[？?]$", "", sub)


def short_name(department: str) -> str:
    """'重庆市渝北区科学技术协会' → '渝北区科协', '四川省蓉北市青溪区妇女联合会' → '青溪区妇联'."""
    aliases = department_aliases(department)
    name = aliases[1] if len(aliases) > 1 else short_department(department)
    ends = place_ends(name)
    return name[ends[-2] :] if len(ends) >= 2 else name


def _names(scope: Scope) -> str:
    if len(scope.docs) > 4:
        kinds = {(d.year, d.kind) for d in scope.docs}
        if len(kinds) == 1:  # '2024年预算的这几个单位': every disclosure of that year and kind
            (year, kind), = kinds
            return f"收录的{year}年部门{kind}（{len(scope.docs)}个部门）"
        return "收录的全部部门（每个部门最新的一份公开文件）；各文件的年度或类型不同，数字口径不完全可比"
    return "、".join(f"{d.department} {d.year}年{d.kind}" for d in scope.docs)


def _body(text: str) -> str:
    """A document's answer without its own reading line (the cross answer states the reading)."""
    return re.sub(r"^（理解为：(?:[^（）]|（[^（）]*）)*）\s*", "", text).strip()  # '因公出国（境）费' inside


def _subtracts(text: str) -> bool:
    """'A减去B': the order is the question's, not larger first."""
    return any(w in text for w in vocabulary().units["subtract"])


def _combine(
    op: str, got: list[tuple[Document, Result]], scope: Scope, lowest: bool, ordered: bool = False
) -> tuple[str, list[C.Calc], list[Result]]:
    units = {r.unit for _, r in got}
    money = units <= set(_MONEY)
    if not money and len(units) > 1:
        return "这几个数字的单位不同，不能直接比较。", [], [r for _, r in got]
    unit = "元" if money else next(iter(units))
    # 万元 figures enter in 元: 1.5万元 is 15000.00 元 (the verifier accepts either form)
    vals = [(d, r.value * _MONEY[r.unit] if money else r.value) for d, r in got]
    names = [_label(d, scope) for d, _ in vals]
    if op in ("compare", "rank"):
        order = sorted(range(len(vals)), key=lambda i: vals[i][1], reverse=not lowest)
        top = order[0]
        ties = [i for i in order if vals[i][1] == vals[top][1]]
        listing = "，".join(f"{names[i]} {format_amount(vals[i][1], unit)}" for i in order)
        word = ("更少" if lowest else "更多") if len(vals) == 2 else ("最少" if lowest else "最多")
        if len(ties) > 1:
            line = f"{'、'.join(names[i] for i in ties)}相同，都是{format_amount(vals[top][1], unit)}。从{'少' if lowest else '多'}到{'多' if lowest else '少'}：{listing}。"
        else:  # the first named in full: which department it is, beyond its short label
            line = f"{names[top]}{word}（{vals[top][0].department}，{format_amount(vals[top][1], unit)}）。从{'少' if lowest else '多'}到{'多' if lowest else '少'}：{listing}。"
        results = [Result(v, unit, names[i]) for i, (_, v) in enumerate(vals)]
        if op == "compare" and len(vals) == 2 and len(ties) == 1:  # two of them: by how much, too
            big, small = (order[1], order[0]) if lowest else (order[0], order[1])
            c = C.difference(vals[big][1], vals[small][1], unit)
            line += f"{names[big]}比{names[small]}多{format_amount(c.value, unit)}（计算：{c.expr} = {c.shown}）。"
            return line, [c], [*results, Result(c.value, unit, "差额")]
        return line, [], results
    if op == "sum":
        c = C.total([v for _, v in vals], unit)
        return f"合计{c.shown}（计算：{c.expr} = {c.shown}）。", [c], [Result(c.value, unit, "合计")]
    if len(vals) != 2:  # a difference, ratio or rate is between two: which two is not a guess
        return f"这个问题涉及{len(vals)}份公开文件，{_OPS.get(op, '差额')}只能在两者之间计算，请指明要比较的两个部门或年度。", [], []
    (d1, a), (d2, b) = vals[0], vals[1]
    if op == "ratio":
        if b == 0:
            return "作比较的数为0，无法计算倍数。", [], []
        places = 2
        c = C.Calc(f"{a} / {b}", C.q(a / b, places), "倍", places)
        return (f"{_label(d1, scope)}是{_label(d2, scope)}的{c.value}倍（计算：{c.expr} = {c.value}）。",
                [c], [Result(c.value, "倍", "倍数")])  # fmt: skip
    if op == "growth":
        older, newer = sorted([(d1, a), (d2, b)], key=lambda x: x[0].year)
        if older[1] == 0:
            return "上一期为0，无法计算增长率。", [], []
        c = C.growth(newer[1], older[1])
        direction = "增长" if c.value >= 0 else "下降"
        n_new, n_old = _label(newer[0], scope), _label(older[0], scope)
        return (f"{n_new}比{n_old}{direction}{format_amount(abs(c.value), '%')}（计算：{c.expr} = {c.shown}）。",
                [c], [Result(c.value, "%", "增长率")])  # fmt: skip
    if scope.across == "years":  # the later year against the earlier
        (d1, a), (d2, b) = sorted([(d1, a), (d2, b)], key=lambda x: -x[0].year)
    elif b > a and not ordered:  # two departments: the larger first ('哪个花得多？多了多少' → 'A比B多…')
        (d1, a), (d2, b) = (d2, b), (d1, a)
    c = C.difference(a, b, unit)
    n1, n2 = _label(d1, scope), _label(d2, scope)
    if c.value == 0:
        return f"{n1}与{n2}相同（计算：{c.expr} = {c.shown}）。", [c], [Result(c.value, unit, "差额")]
    word = "多" if c.value > 0 else "少"
    shown = format_amount(abs(c.value), unit)
    return f"{n1}比{n2}{word}{shown}（计算：{c.expr} = {c.shown}）。", [c], [Result(c.value, unit, "差额")]

