"""Follow-ups: a question that only makes sense after the previous one is completed from it —
the missing item, year or operation comes from the previous question, whatever the new one
says overrides. The completed question is what gets read (and shown as resolved_question).

'那去年呢？' after '今年三公经费是多少？' → '去年三公经费是多少？'
'比去年少了多少？' after '科普活动预算多少？' → '科普活动比去年少了多少？'
'那公务接待费呢？' after '公务用车运行维护费2023年多少' → '公务接待费2023年多少'
'其中人员经费占多大比例' after '基本支出多少' → '基本支出中人员经费占多大比例'
'占基本支出的比例呢？' after '公用经费多少' → '公用经费占基本支出的比例'
'分别占总支出的多大比例' after '基本支出和项目支出各是多少' → '基本支出和项目支出分别占总支出的多大比例'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.match import Mention
from qa.question import Question

Analyse = Callable[[str], tuple[Question, list[Mention]]]

_LEAD = re.compile(r"^(?:那么?|那个|还有|再问一下|再问|换成|另外|然后|那请问|请问那)")
_TAIL = re.compile(r"(?:的)?(?:那个|这个|那项|这项)?(?:呢|吗|呀|啊)?[?？。!！]*$")
# '这个项目', '这个抽检项目' (a few words of it between): the item the previous question was about
_DEMONSTRATIVE = re.compile(r"(?:这个|那个|该|此|这)[\u4e00-\u9fff]{0,4}?(项目|科目|单位|部门|表|指标)")
_QUALIFIER_ONLY = ("基本支出", "项目支出", "人员经费", "日常公用经费", "公用经费", "部门经济分类", "政府经济分类",
                   "一般公共预算", "财政拨款")  # fmt: skip


_INSIDE = re.compile(r"(?:^|(?<=[，,]))(?:这|那)?(?:其中|里面|里头|当中|之中)")  # at a clause's start


def resolve(question: str, history: Sequence[str], analyse: Analyse) -> str:
    if not history:
        return question
    previous = resolve(history[-1], history[:-1], analyse)
    cur, cur_ms = analyse(question)
    prev, prev_ms = analyse(previous)
    # items only guessed from the catalogue cards name nothing: the follow-up still needs context
    cur_ms = [m for m in cur_ms if any(h.how != "retrieved" for h in m.hits) and not only_cue_words(cur, m)]
    prev_ms = [m for m in prev_ms if any(h.how != "retrieved" for h in m.hits)]
    text = cur.text
    # the item's words without a count the previous question asked ('几辆车' → 车): '车牌多少'
    # after '那几辆车是什么牌子' asks about the cars, not again how many
    item_words = [re.sub(r"^(?:几|多少)[\u4e00-\u9fff](?=.)", "", prev.text[m.start : m.end]) for m in prev_ms]
    if m := _DEMONSTRATIVE.search(text):
        project = next((h.entry.project for pm in prev_ms for h in pm.hits if h.entry.project), None)
        if project:
            return text.replace(m.group(0), project)
        if item_words:
            return text.replace(m.group(0), _named_again(m, item_words[0]))
    if not cur_ms and not _has_total(cur):
        if not item_words and not _has_total(prev):
            return question
        if _only_slots(cur):
            return _with_years(prev, cur)
        core = _LEAD.sub("", _TAIL.sub("", text)) or text
        subject = "、".join(item_words) if item_words else _total_words(prev)  # a list stays a list
        year = "" if cur.years or cur.out_of_range or not prev.years else "".join(
            prev.text[s:e] for s, e in prev.cue_spans("year")[:1]
        )
        if cur.has_op("share") and core.startswith("占"):
            return f"{subject}{core}"
        return f"{year}{subject}{core}" if not core.startswith(subject) else f"{year}{core}"
    if cur.has_op("share") and item_words and not cur_ms:
        # '分别占总支出的多大比例' after '基本支出和项目支出各是多少': the total is named, the
        # items whose shares are asked are the previous question's
        return f"{'和'.join(item_words)}{_LEAD.sub('', text)}"
    if cur.has_op("share") and cur_ms:
        at = min((s for s, _ in cur.op_spans("share")), default=-1)
        # '其中/里面/这当中公务用车购置费占多少': a part of the item asked before
        if (inside := _INSIDE.search(text)) and item_words:
            return f"{item_words[0]}中{_LEAD.sub('', text[inside.end() :])}"
        if at >= 0 and all(m.start > at for m in cur_ms) and item_words:
            return f"{'和'.join(item_words)}{_LEAD.sub('', text)}"
    if _LEAD.match(text) or _TAIL.search(text).group():
        core = _LEAD.sub("", _TAIL.sub("", text))
        names = [text[m.start : m.end] for m in cur_ms]
        if core in names and prev_ms:
            if core in _QUALIFIER_ONLY and prev_ms:
                return f"{previous}（{core}）"
            first = prev_ms[0]
            return prev.text[: first.start] + core + prev.text[first.end :]
    return question


def _named_again(m: re.Match[str], words: str) -> str:
    """'这个项目' → the previous item's words; '这个抽检项目' after '食品抽检…' → '食品抽检项目':
    the words the demonstrative adds are kept when the previous ones lack them, and so is 项目
    (it says the item is a project)."""
    modifier = re.sub(r"^(?:这个|那个|该|此|这)", "", m.group(0))[: -len(m.group(1))]
    if not modifier:
        return words
    return words + ("" if words.endswith(modifier) else modifier) + ("项目" if m.group(1) == "项目" else "")


def only_cue_words(q: Question, m: Mention, *, asking: bool = True) -> bool:
    """A mention made of nothing but operation and column words ('完成年初预算的', a label the
    narrative uses) names no item: the follow-up still needs the previous one. ``asking=False``:
    the asking words ('支出' of '行政运行支出决算是多少') count as cue words too — beside an item the
    question names, a narrative label '支出决算' is its measure, not a second item."""
    if not all(h.entry.kind == "narrative" for h in m.hits):
        return False  # a table's row or column ('项目支出') is an item even when a cue word names it
    ops = {i for c in q.cues if c.kind == "op" and c.value != "value" for i in range(c.start, c.end)}
    spans = q.cue_spans("op", "measure", "unit", "particle", "year")
    covered = {i for s, e in spans for i in range(s, e)}
    inside = range(m.start, m.end)
    if not asking:  # an asking word outside a column name ('支出' of '支出决算', not '经费' of '人员经费')
        columns = {i for s, e in q.cue_spans("measure") for i in range(s, e)}
        ops |= {i for c in q.cues if c.kind == "op" and c.value == "value" for i in range(c.start, c.end)} - columns
    return any(i in ops for i in inside) and all(i in covered or q.text[i] in "的了" for i in inside)


def _has_total(q: Question) -> bool:
    return any(c.kind == "total" for c in q.cues)


def _total_words(q: Question) -> str:
    spans = q.cue_spans("total")
    return q.text[spans[0][0] : spans[0][1]] if spans else ""


def _only_slots(q: Question) -> bool:
    """'那去年呢', '2023年的呢', '万元呢': nothing but years, units and particles."""
    rest = _LEAD.sub("", _TAIL.sub("", q.text))
    spans = q.cue_spans("year", "unit", "particle", "filler", "department", "places")
    covered = {i for s, e in spans for i in range(s, e)}
    offset = q.text.find(rest) if rest else 0
    return bool(rest) and all(offset + i in covered or ch in "的年" for i, ch in enumerate(rest))


def _with_years(prev: Question, cur: Question) -> str:
    """The previous question with its years replaced by the new ones."""
    years = "".join(cur.text[s:e] for s, e in cur.cue_spans("year")) or ""
    unit = "".join(cur.text[s:e] for s, e in cur.cue_spans("unit"))
    text = prev.text
    spans = prev.cue_spans("year")
    if spans:
        s, e = spans[0]
        text = text[:s] + years + text[e:]
        for s2, e2 in sorted(spans[1:], reverse=True):
            text = text[:s2] + text[e2:]
    else:
        text = years + text
    return f"{text}（{unit}）" if unit else text
