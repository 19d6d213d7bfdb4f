"""Several questions in one message ('机关运行经费今年多少？跟去年比怎么样？', '有几台公车，还买不买
新车'): split into the questions asked, answer each with the earlier ones as its context, and
join the answers — each keeps its own reading, figures and sources."""

from __future__ import annotations

import re
from dataclasses import replace

from core.records import Answer
from qa.compose import says_why

# A clause asks something of its own when it holds a question word.
_ASKS = re.compile(
    r"多少|几[个辆台项次场张条类家名人批]?|哪|什么|啥|吗|呢|为什么|为啥|原因|怎么|如何|是否|有没有|是不是|"
    r"多了还是少了|增加还是减少|还是|变化|占比|比例|明细|构成"
)
# a space ends a question only after its question word ('各多少 占比多少'); '哪个项目 花了多少' is one
_ENDS_ASKING = re.compile(f"(?:{_ASKS.pattern})$")
_SPLIT = re.compile(r"[？?；;！!。]+")
# a comma, or a space between two clauses typed without punctuation ('各多少 占比多少'); a clause
# is cut off only when both sides ask something, so '科协 三公经费 多少' stays one question
_COMMA = re.compile(r"([，,]|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff]))")


def split(question: str) -> list[str]:
    """The questions a message asks, in order; one element when it asks one thing."""
    pieces = [p.strip() for p in _SPLIT.split(question) if p.strip()]
    out: list[str] = []
    for piece in pieces:
        tokens = _COMMA.split(piece)  # clause, separator, clause, …
        current, sep = "", "，"
        for i in range(0, len(tokens), 2):
            clause = tokens[i].strip()
            if clause:
                if current and _ASKS.search(current) and _ASKS.search(clause) and (sep.strip() or _ENDS_ASKING.search(current)):
                    out.append(current)
                    current = clause
                else:  # one question: its own separator kept ('科协 三公经费 多少')
                    current = f"{current}{sep}{clause}" if current else clause
            sep = tokens[i + 1] if i + 1 < len(tokens) else sep
        if current:
            out.append(current)
    # a piece that asks nothing ('我是附近的居民') is context for the next one
    merged: list[str] = []
    carry = ""
    for piece in out:
        if not _ASKS.search(piece):
            carry = f"{carry}{piece}，"
            continue
        merged.append(carry + piece)
        carry = ""
    if carry and merged:
        merged[-1] += "，" + carry.rstrip("，")
    return merged or [question]


def as_context(part: str, answer: Answer) -> str:
    """A clause answered by finding one item it did not name ('有没有哪个科目比去年少了' →
    2060702 科普活动; '哪个科目完成率最高' → 防灾救灾) is, for the clauses after it, a question
    about that item: '少了多少', '原因是什么' then ask about 科普活动."""
    i = answer.interpretation
    if answer.status != "answered" or i is None or i.operation not in ("list", "rank") or len(i.items) != 1:
        return part
    item = i.items[0]
    if item.words:  # the clause named it: the question is context enough
        return part
    name = re.sub(r"^\d+\s*", "", item.label.split(" · ")[-1])
    return f"{name}{part}"


def gave_reason(answer: Answer) -> bool:
    """Does an answer quote the disclosure saying why its own figure is what it is — a quote
    that gives a reason and states one of the answer's results ('说明中写道：「支出较2023年减少
    123,501.81元，主要是…」')? A reason quoted about another figure does not count."""
    if answer.status != "answered":
        return False
    # the answer's own figure and its change, not the amounts the quote itself gives as reasons
    own = [r for r in answer.results[:1]] + [r for r in answer.results if r.label.endswith(("差额", "变化额"))]
    # compared without thousands separators: disclosures print '691885.04' as often as '691,885.04'
    shown = {f"{abs(r.value)}" for r in own} | {f"{abs(r.value)}".rstrip("0").rstrip(".") for r in own if "." in f"{r.value}"}
    quotes = [t.replace(",", "") for t in re.findall(r"「([^」]*)」", answer.text)]
    return any(says_why(q) and any(v and v in q for v in shown) for q in quotes)


def keeps(before: Answer, again: Answer) -> bool:
    """An answer asked again with more words still gives every figure the first one gave
    (the reason added, nothing of the amount lost)."""
    have = {(r.value, r.unit) for r in again.results}
    # a quote alone is not the amount's answer: the table's cells stay the answer
    quoted = again.interpretation is None or again.interpretation.operation in ("reason", "text", "define")
    return again.status == "answered" and not quoted and all((r.value, r.unit) in have for r in before.results)


def listed(answer: Answer) -> bool:
    """An answer listing several figures (the projects, a breakdown, a ranking, a project's
    绩效 indicators with their 指标值)."""
    op = answer.interpretation.operation if answer.interpretation else None
    return answer.status == "answered" and op in ("list", "breakdown", "composition", "rank") and len(answer.results) >= 2


def join(question: str, answers: list[Answer]) -> Answer:
    """One answer for a message of several questions."""
    first = next((a for a in answers if a.status == "answered"), answers[0])
    status = "answered" if any(a.status == "answered" for a in answers) else first.status
    text = "\n".join(a.text for a in answers)
    formulas = [a.formula for a in answers if a.formula]
    return replace(
        first,
        question=question,
        text=text,
        status=status,
        figures=tuple(f for a in answers for f in a.figures),
        results=tuple(r for a in answers for r in a.results),
        citations=tuple(c for a in answers for c in a.citations),
        formula="；".join(formulas) or None,
        options=tuple(o for a in answers for o in a.options),
        suggestions=tuple(s for a in answers for s in a.suggestions),
        resolved_question="｜".join(a.resolved_question or a.question for a in answers),
    )
