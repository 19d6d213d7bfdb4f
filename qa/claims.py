"""Figure claims in a text: where they are, what they state, and the question each one answers.

'三公经费预算10.1万元，比上年减少1万元。' holds two claims: 10.1万元 (read as the question
'三公经费预算多少万元？') and a decrease of 1万元 ('三公经费预算，比上年减少多少万元？').
Claims are read by the same engine as questions (qa.check); this module only finds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from core.vocab import vocabulary

_CN_NUM = "零〇一二两三四五六七八九十百千"
_MONEY = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
_APPROX = "约|大约|大概|近|将近|接近|超过|逾|不到|不足|至少|最少|不少于|不低于|至多|最多|不超过|不高于|达到|达"
# the words of a change; qa.check reads the same words in an answer's labels and text
CHANGE_UP = "增加|增长|上升|提高|上涨"
CHANGE_DOWN = "减少|下降|降低|压减|缩减|节约"
# … and, just before a claimed figure, their short and rate forms too ('多了', '降幅')
_UP = re.compile(rf"(?:{CHANGE_UP}|增|多了|多出|多|增幅|涨幅|增长率|增速)(?:了|为|是|达)?$")
_DOWN = re.compile(rf"(?:{CHANGE_DOWN}|下调|减|少了|少|节省|降幅|下降率|降低率)(?:了|为|是|达)?$")
_FLAT = re.compile(r"持平|不变|没有变化|无变化|一样")
_SEGMENT = re.compile(r"[，,；;：:]")
# a segment that goes on about the sentence's subject ('…，比上年减少1万元', '…，其中基本支出…')
_RELATIONAL = re.compile(r"^(?:比|较|与|和|同|占|增|减|降|涨|下降|上升|提高|分别|共|合计|包括|同比|环比|相比|是|为|相当于|达到)")
_VS_LAST = re.compile(r"(?:与|和|同|较|比)(?:上年|去年|上一年|\d{4}年)(?:相比|比较)?$")
_SENTENCE = re.compile(r"(?<=[。！？!?\n])")


@dataclass(frozen=True)
class Mention:
    """A figure as a text states it."""

    start: int  # offsets in the sentence
    end: int
    raw: str  # '约10.1万元'
    value: Decimal  # 10.1
    unit: str  # 万元 | 元 | 亿元 | % | 百分点 | a counting word
    decimals: int  # digits after the point as written (precision of the claim)
    bound: str = "="  # '=' exact at its precision, '~' about, '>' more than, '<' less than, '+' 'X多'
    direction: str = ""  # '+' 增加, '-' 减少, '0' 持平, '' none

    @property
    def kind(self) -> str:
        if self.unit in _MONEY:
            return "money"
        if self.unit in ("%", "百分点"):
            return "percent"
        return "count"


@dataclass(frozen=True)
class ClaimSpan:
    """One claim: its words, its figure and the question that reads it."""

    text: str
    mention: Mention
    question: str
    fallbacks: tuple[str, ...] = ()  # the same claim with more of the sentence, tried in turn


@cache
def _mention_re() -> re.Pattern[str]:
    counters = sorted(set(vocabulary().units["counters"]) - {"月", "天"}, key=len, reverse=True)  # durations
    counter = "|".join(map(re.escape, counters))
    units = ["亿元", "万元", "元", f"(?:亿|万)(?:{counter})?", "个百分点", "百分点", "%", *counters]
    return re.compile(
        rf"(?:(?P<approx>{_APPROX})(?:为|是)?)?"
        rf"(?:百分之(?P<pct>[\d.]+|[{_CN_NUM}点]+)"
        rf"|(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN_NUM}]+(?:点[零一二三四五六七八九]+)?)"
        rf"(?P<more>多|余)?\s*(?P<unit>{'|'.join(u if u.startswith('(') else re.escape(u) for u in units)})"
        rf"|(?P<score>\d+(?:\.\d+)?)分(?![之钟类配别析解]))"
        rf"(?P<tail>左右|上下|以上|以下)?"
    )


def cn_value(token: str) -> Decimal | None:
    """'六百' → 600, '一百五十' → 150, '十五' → 15, '三点五' → 3.5, '12.5' → 12.5."""
    token = token.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return Decimal(token)
    whole, _, frac = token.partition("点")
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    total, current = 0, 0
    for ch in whole:
        if ch in digits:
            current = digits[ch]
        elif ch in "十百千":
            total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            current = 0
        else:
            return None
    total += current
    if not whole and not frac:
        return None
    if frac:
        if any(ch not in digits for ch in frac):
            return None
        return Decimal(f"{total}.{''.join(str(digits[c]) for c in frac)}")
    return Decimal(total)


def _direction(before: str) -> str:
    before = re.sub(r"(?:为|了|约|大约|近|达|达到|共)$", "", before)
    if _UP.search(before):
        return "+"
    if _DOWN.search(before):
        return "-"
    return ""


def find_mentions(sentence: str) -> list[Mention]:
    """Every figure the sentence states, with its unit, precision and direction."""
    out: list[Mention] = []
    for m in _mention_re().finditer(sentence):
        if m.group("score") is not None:  # '权重为20分' (Arabic digits only: '十分' is 'very')
            value, unit, raw_num = Decimal(m.group("score")), "分", m.group("score")
        elif m.group("pct") is not None:
            value, unit, raw_num = cn_value(m.group("pct")), "%", m.group("pct")
        else:
            raw_num, unit = m.group("num"), m.group("unit")
            value = cn_value(raw_num)
            unit = {"亿": "亿元", "万": "万元", "个百分点": "百分点"}.get(unit, unit)
            if unit[0] in "万亿" and unit not in ("万元", "亿元") and value is not None:
                # '180万画幅', '2.1万页': a count written in 万
                value, unit = value * (10000 if unit[0] == "万" else 100000000), unit[1:]
        if value is None:
            continue
        # a year or a 科目编码 is not a figure ('2024年', '30231'); a lone Chinese '一' before a
        # counting word is an article ('一个项目'), unless the text counts it ('建设一个基地' is kept)
        if unit not in _MONEY and unit not in ("%", "百分点") and sentence[m.end() : m.end() + 1] in ("年", "季"):
            continue
        decimals = len(raw_num.replace(",", "").partition(".")[2]) if re.match(r"\d", raw_num) else 0
        if m.group("unit") and m.group("unit")[0] in "万亿" and m.group("unit") not in ("万", "亿", "万元", "亿元"):
            decimals = 0
        approx, tail, more = m.group("approx") or "", m.group("tail") or "", m.group("more")
        bound = "="
        if more:
            bound = "+"
        elif approx in ("超过", "逾"):
            bound = ">"
        elif approx in ("至少", "最少", "不少于", "不低于"):
            bound = ">="
        elif approx in ("至多", "最多", "不超过", "不高于"):
            bound = "<="
        elif tail == "以上":
            bound = ">="
        elif approx in ("不到", "不足"):
            bound = "<"
        elif tail == "以下":
            bound = "<="
        elif approx or tail:
            bound = "~" if approx not in ("达到", "达") else "="
        if not re.match(r"\d", raw_num or "") and (
            sentence[max(0, m.start() - 1) : m.start()] in ("表", "第") or sentence[m.end() : m.end() + 1] in ("目", "员")
        ):
            continue  # '表九项目', '第三个', '三项目': a table number, an ordinal or a word, not a count
        direction = "" if approx in ("至少", "最少", "不少于") else _direction(sentence[: m.start()])
        out.append(Mention(m.start(), m.end(), m.group(0), value, unit, decimals, bound, direction))
    return out


def _ask(unit: str, kind: str) -> str:
    if kind == "money":
        return "多少万元" if unit in ("万元", "亿元") else "多少元"
    if kind == "percent":
        return "多少%"
    return f"多少{unit}"


def _strip(text: str, mentions: list[Mention], offset: int) -> str:
    """A segment with its figures taken out: the context of a later claim."""
    for m in sorted(mentions, key=lambda m: -m.start):
        s, e = m.start - offset, m.end - offset
        if 0 <= s < e <= len(text):
            text = text[:s] + text[e:]
    return re.sub(r"(?:为|是|共|共计|合计|总计|达到|达|约)$", "", text)


def _prefix(words: str, start: int, head_start: int, head: str, head_mentions: list[Mention]) -> str:
    """The sentence's subject, for a later segment that only goes on about it."""
    if start == head_start or not _RELATIONAL.search(words):
        return ""
    return _strip(head, head_mentions, head_start) + "，"


def _context(segments: list[tuple[int, str]], k: int, mentions: list[Mention]) -> list[str]:
    """Earlier segments that may name what segment ``k`` is about: the nearest one that does not
    itself go on about another, and the sentence's head."""
    out = []
    for start, seg in reversed(segments[:k]):
        if not _RELATIONAL.search(seg):
            out.append(_strip(seg, mentions, start))
            break
    head = _strip(segments[0][1], mentions, segments[0][0]) if k else ""
    if head and head not in out:
        out.append(head)
    return [re.sub(r"^(?:其中|另外|此外|同时)", "", c) for c in out if c]


def claims_of(text: str) -> list[ClaimSpan]:
    """The figure claims of a text, each with the question that reads it."""
    out: list[ClaimSpan] = []
    for sentence in _SENTENCE.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        mentions = find_mentions(sentence)
        bounds = [0] + [m.end() for m in _SEGMENT.finditer(sentence)] + [len(sentence) + 1]
        segments = [(bounds[i], sentence[bounds[i] : bounds[i + 1]].rstrip("，,；;：:。！？!? ")) for i in range(len(bounds) - 1)]
        head_start, head = segments[0]
        head_mentions = [m for m in mentions if head_start <= m.start < head_start + len(head) + 1]
        for k, (start, seg) in enumerate(segments):
            context = _context(segments, k, mentions)
            inside = [m for m in mentions if start <= m.start < start + len(seg) + 1]
            flat = _FLAT.search(seg)
            if not inside and flat:
                # '与上年持平': a change of 0
                own = _VS_LAST.sub("", seg[: flat.start()])
                # '招待费2.1万元，和上年一样': no item of its own, so the nearest one before it
                q = ("" if re.search(r"[\u4e00-\u9fff]{2}", own) or not context else context[0] + "，") + own
                q += "比上年增加多少？"
                zero = Mention(start + flat.start(), start + flat.end(), flat.group(0), Decimal(0), "元", 2, "=", "0")
                out.append(ClaimSpan(seg, zero, q))
                continue
            for i, m in enumerate(inside):
                # the words of this claim: from the previous figure (or the segment start) to this one
                lo = inside[i - 1].end - start if i else 0
                before = re.sub(r"^[和与及、，, ]+", "", seg[lo : m.start - start])
                if i and not re.search(r"[\u4e00-\u9fff]{2}", before):
                    # '基本支出305万元、项目支出300万元' has its own words; '分别为X、Y' does not
                    before = _strip(seg[:lo], inside[:i], start) + before
                nxt = inside[i + 1].start - start if i + 1 < len(inside) else len(seg)
                after = seg[m.end - start : nxt]
                after = "" if re.match(r"^[、和与及]", after) else after
                prefix = _prefix(before, start, head_start, head, head_mentions)
                claim = (before + m.raw + after).strip()
                before = re.sub(r"(?<!合计|总计|共计)(?:为|是)$", "", before)  # '年初预算为X' asks '年初预算多少'
                asked = re.sub(r"^(?:其中|另外|此外|同时)", "", before) + _ask(m.unit, m.kind) + after + "？"
                more = tuple(c + "，" + asked for c in context if c + "，" != prefix)
                out.append(ClaimSpan(claim, m, prefix + asked, more))
    return out
